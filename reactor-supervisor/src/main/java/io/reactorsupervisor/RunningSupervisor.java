package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The public face of a supervisor: lookups and snapshots read the children map from any
 * thread; everything that changes the tree is a request posted to the supervisor's drain,
 * whose outcome the returned Mono carries (the request is made at once, whether or not the
 * Mono is subscribed).
 */
final class RunningSupervisor implements Supervisor {

    final SupervisorCell cell;

    RunningSupervisor(SupervisorCell cell) {
        this.cell = cell;
    }

    @Override
    public String name() {
        return cell.name;
    }

    @Override
    public String path() {
        return cell.path();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M, R> ComponentRef<M, R> ref(ComponentSpec<M, R> spec) {
        Objects.requireNonNull(spec, "spec");
        ComponentCell found = find(spec);
        if (found == null) {
            throw new IllegalArgumentException("no component started from spec '" + spec.name() + "' under '"
                    + path() + "'");
        }
        return (ComponentRef<M, R>) (ComponentRef<?, ?>) found.ref;
    }

    /** A direct child first, then depth first in start order, without recursion. */
    private @Nullable ComponentCell find(ComponentSpec<?, ?> spec) {
        ChildCell direct = cell.children.byName.get(spec.name());
        if (direct instanceof ComponentCell && ((ComponentCell) direct).cspec == spec) {
            return (ComponentCell) direct;
        }
        ArrayDeque<ChildCell> stack = new ArrayDeque<>();
        pushChildren(stack, cell);
        while (!stack.isEmpty()) {
            ChildCell c = stack.pop();
            if (c instanceof ComponentCell) {
                if (((ComponentCell) c).cspec == spec) {
                    return (ComponentCell) c;
                }
            } else {
                pushChildren(stack, (SupervisorCell) c);
            }
        }
        return null;
    }

    private static void pushChildren(ArrayDeque<ChildCell> stack, SupervisorCell s) {
        List<ChildCell> children = s.children.inStartOrder();
        for (int i = children.size() - 1; i >= 0; i--) {
            stack.push(children.get(i));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M, R> ComponentRef<M, R> ref(String relativePath) {
        ChildCell c = lookup(relativePath);
        if (!(c instanceof ComponentCell)) {
            throw new IllegalArgumentException("'" + path() + "/" + relativePath + "' is a supervisor, not a component");
        }
        return (ComponentRef<M, R>) (ComponentRef<?, ?>) ((ComponentCell) c).ref;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, M, R> Entities<K, M, R> entities(EntitiesSpec<K, M, R> spec) {
        Objects.requireNonNull(spec, "spec");
        ArrayDeque<SupervisorCell> stack = new ArrayDeque<>();
        stack.push(cell);
        while (!stack.isEmpty()) {
            SupervisorCell s = stack.pop();
            List<ChildCell> children = s.children.inStartOrder();
            for (ChildCell c : children) {
                if (c instanceof SupervisorCell && ((SupervisorCell) c).sspec == spec.supervisor) {
                    return (Entities<K, M, R>) Objects.requireNonNull(((SupervisorCell) c).entities).face;
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                if (children.get(i) instanceof SupervisorCell && ((SupervisorCell) children.get(i)).entities == null) {
                    stack.push((SupervisorCell) children.get(i));
                }
            }
        }
        throw new IllegalArgumentException("no entities started from spec '" + spec.name() + "' under '" + path()
                + "'");
    }

    @Override
    public Supervisor supervisor(String relativePath) {
        ChildCell c = lookup(relativePath);
        if (!(c instanceof SupervisorCell)) {
            throw new IllegalArgumentException("'" + path() + "/" + relativePath + "' is a component, not a supervisor");
        }
        return ((SupervisorCell) c).face;
    }

    private ChildCell lookup(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        SupervisorCell at = cell;
        String[] names = relativePath.split("/", -1);
        for (int i = 0; i < names.length; i++) {
            ChildCell c = at.children.byName.get(names[i]);
            if (c == null || (i < names.length - 1 && !(c instanceof SupervisorCell))) {
                throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path() + "'");
            }
            if (i == names.length - 1) {
                return c;
            }
            at = (SupervisorCell) c;
        }
        throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path() + "'");
    }

    private ChildCell existingChild(String childName) {
        Objects.requireNonNull(childName, "name");
        ChildCell c = cell.children.byName.get(childName);
        if (c == null) {
            throw new IllegalArgumentException("supervisor '" + path() + "' has no child named '" + childName + "'");
        }
        return c;
    }

    @Override
    public Flux<SupervisionEvent> events() {
        return cell.tree.events();
    }

    @Override
    public Flux<SupervisionEvent.DeadLetter> deadLetters() {
        return cell.tree.events().ofType(SupervisionEvent.DeadLetter.class);
    }

    /** Builds the subtree's snapshot bottom-up with a stack of its own: a tree of any depth, no recursion. */
    @Override
    public SupervisorSnapshot snapshot() {
        ArrayDeque<Level> levels = new ArrayDeque<>();
        levels.push(new Level(cell));
        for (;;) {
            Level level = levels.peek();
            if (level.next < level.children.size()) {
                ChildCell c = level.children.get(level.next++);
                if (c instanceof SupervisorCell && ((SupervisorCell) c).entities != null) {
                    level.snapshots.add(EntitySetSnapshots.of(((SupervisorCell) c).entities)); // in aggregate, however many keys
                } else if (c instanceof SupervisorCell) {
                    levels.push(new Level((SupervisorCell) c));
                } else {
                    level.snapshots.add(c.snapshot());
                }
                continue;
            }
            levels.pop();
            SupervisorCell s = level.supervisor;
            SupervisorSnapshot done = new SupervisorSnapshot(s.name, s.path(), s.sspec.strategy(), s.state(),
                    s.restarts, s.uptime(), level.snapshots);
            if (levels.isEmpty()) {
                return done;
            }
            levels.peek().snapshots.add(done);
        }
    }

    /** A supervisor whose snapshot is being built: its children, and the snapshots of those done. */
    private static final class Level {
        final SupervisorCell supervisor;
        final List<ChildCell> children;
        final List<ChildSnapshot> snapshots;
        int next;

        Level(SupervisorCell supervisor) {
            this.supervisor = supervisor;
            this.children = supervisor.children.inStartOrder();
            this.snapshots = new ArrayList<>(children.size());
        }
    }

    /** A set of keyed components answers for its active keys as its parent's readiness does (see {@link Readiness}). */
    @Override
    public Readiness readiness() {
        EntitySet set = cell.entities;
        return set == null ? snapshot().readiness() : SupervisorSnapshot.readinessOf(EntitySetSnapshots.of(set));
    }

    @Override
    public Disposable observe(MessageObserver observer) {
        Objects.requireNonNull(observer, "observer");
        Tree tree = cell.tree;
        synchronized (tree) {
            if (tree.observer != null) {
                throw new IllegalStateException("the tree of '" + path() + "' already has an observer: "
                        + tree.observer);
            }
            tree.observer = observer;
        }
        return () -> {
            synchronized (tree) {
                if (tree.observer == observer) {
                    tree.observer = null;
                }
            }
        };
    }

    @Override
    public Mono<Void> started() {
        return cell.firstStart.asMono();
    }

    @Override
    public Mono<Void> shutdown(Duration deadline) {
        Checks.positive(deadline, "deadline");
        SupervisorCell parent = cell.parent;
        if (parent != null) {
            return parent.face.stopChild(cell.name, deadline);
        }
        cell.tree.closing = true;
        cell.stop(deadline);
        return cell.termination.asMono().onErrorResume(e -> Mono.empty());
    }

    @Override
    public Mono<Void> termination() {
        SupervisorCell root = cell;
        while (root.parent != null) {
            root = root.parent;
        }
        return root.termination.asMono();
    }

    @Override
    public Mono<Void> startChild(ChildSpec spec) {
        Objects.requireNonNull(spec, "child");
        ComponentState s = cell.state();
        if (s == ComponentState.STOPPING || s.isTerminal()) {
            throw new IllegalStateException("supervisor '" + path() + "' is " + s + " and cannot start children");
        }
        if (cell.entities != null) {
            throw new IllegalStateException("'" + path() + "' is a set of keyed components: its children start "
                    + "with their first message (Entities.ref(key))");
        }
        if (cell.children.byName.containsKey(spec.name())) {
            throw duplicate(spec);
        }
        if (cell.children.byName.size() >= cell.sspec.maxChildren()) {
            throw new IllegalArgumentException("supervisor '" + path() + "' holds at most " + cell.sspec.maxChildren()
                    + " children, but '" + spec.name() + "' would be child " + (cell.children.byName.size() + 1));
        }
        ChildCell child;
        synchronized (cell.children) { // one creator at a time: start order is creation order
            child = cell.newChild(spec);
            if (cell.children.byName.putIfAbsent(spec.name(), child) != null) {
                throw duplicate(spec);
            }
        }
        return post(new Requests.StartChild(child));
    }

    private IllegalArgumentException duplicate(ChildSpec spec) {
        return new IllegalArgumentException("child name must be unique within supervisor '" + path() + "', but '"
                + spec.name() + "' is taken");
    }

    @Override
    public Mono<Void> stopChild(String childName, Duration deadline) {
        Checks.positive(deadline, "deadline");
        return post(new Requests.StopChild(existingChild(childName), deadline, false));
    }

    @Override
    public Mono<Void> restartChild(String childName) {
        return post(new Requests.RestartChild(existingChild(childName)));
    }

    @Override
    public Mono<Void> removeChild(String childName, Duration deadline) {
        Checks.positive(deadline, "deadline");
        return post(new Requests.StopChild(existingChild(childName), deadline, true));
    }

    private Mono<Void> post(Requests.Request r) {
        cell.post(r);
        return r.done.asMono();
    }

    @Override
    public String toString() {
        return "Supervisor[" + path() + " " + cell.state() + "]";
    }
}
