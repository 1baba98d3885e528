package io.reactorsupervisor.micrometer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentStats;
import io.reactorsupervisor.EntitiesSnapshot;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSnapshot;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A tree bound to a meter registry: which components have meters (their own, or their
 * supervisor's group's), kept in step with the tree. It registers the components of a snapshot
 * taken when it binds, then follows the tree's events: a component that starts gets meters, one
 * that is no longer in the tree when it stops, fails or is {@linkplain SupervisionEvent.Removed
 * removed} loses them (a stopped or failed component still in the tree keeps them, with its
 * counts, until it is removed or restarted). A set of keyed components has meters in aggregate
 * ({@link EntitySetMeters}) and its keys are counted in its group, never on their own. Everything here is serialized on this object, away
 * from the hot path, which only reads {@link #byRef}.
 */
final class TreeMeters implements SupervisorMetrics.Binding {

    /** A component with meters: its own ({@code own}), or its group's. */
    private record Member(ComponentRef<?, ?> ref, ComponentStats stats, ComponentMeters meters, boolean own) {
    }

    private final Supervisor root;
    private final String rootPath;
    private final TreeLookups lookups;
    private final MeterRegistry registry;
    private final Tags tags;
    private final int maxTagged;

    /** What the observer reads on the hot path. */
    private final ConcurrentHashMap<ComponentRef<?, ?>, ComponentMeters> byRef = new ConcurrentHashMap<>();

    // guarded by this
    private final Map<String, Member> members = new HashMap<>();
    private final Map<String, ComponentMeters> groups = new HashMap<>();
    private final Map<String, SupervisionStrategy> strategies = new HashMap<>();
    /** The sets of keyed components, by path: their keys are counted in their group, never on their own. */
    private final Map<String, EntitySetMeters> sets = new HashMap<>();
    /** Events that came while the first snapshot was registered; null once it is. */
    private @Nullable List<SupervisionEvent> pending = new ArrayList<>();
    private int tagged;
    private @Nullable Disposable events;
    private @Nullable Disposable observer;
    private volatile boolean closed;

    private TreeMeters(SupervisorMetrics spec, MeterRegistry registry) {
        this.root = spec.root();
        this.rootPath = root.path();
        this.lookups = new TreeLookups(root);
        this.registry = registry;
        this.tags = spec.tags();
        this.maxTagged = spec.maxTaggedComponents();
    }

    static TreeMeters bind(SupervisorMetrics spec, MeterRegistry registry) {
        TreeMeters t = new TreeMeters(spec, registry);
        MeterObserver o = new MeterObserver(t, registry.config().clock(), spec);
        Disposable attached;
        try {
            attached = spec.root().observe(o);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the tree of '" + t.rootPath + "' is bound already, or another "
                    + "MessageObserver watches it: close that binding first (to publish to several registries, bind "
                    + "once to a CompositeMeterRegistry)", e);
        }
        synchronized (t) {
            t.observer = attached;
            try {
                // events first, so that no child started after the snapshot is missed; they wait until it is done
                t.events = t.root.events().subscribe(t::onEvent,
                        e -> ComponentMeters.LOG.warn("the event stream of '{}' failed", t.rootPath, e));
                t.walk(t.root.snapshot());
                List<SupervisionEvent> waiting = t.pending;
                t.pending = null;
                if (waiting != null) {
                    waiting.forEach(t::handle);
                }
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    // ------------------------------------------------------------------ the hot path

    /** The meters a handling of {@code ref} is timed in, or null; a component not seen yet is registered now. */
    @Nullable ComponentMeters metersOf(ComponentRef<?, ?> ref) {
        ComponentMeters m = byRef.get(ref);
        if (m != null || closed) {
            return m;
        }
        synchronized (this) {
            if (!closed && pending == null) {
                discover(ref.path());
            }
            return byRef.get(ref);
        }
    }

    // ------------------------------------------------------------------ following the tree

    private void onEvent(SupervisionEvent e) {
        if (!(e instanceof SupervisionEvent.Started || e instanceof SupervisionEvent.Restarted
                || e instanceof SupervisionEvent.Stopped || e instanceof SupervisionEvent.Failed
                || e instanceof SupervisionEvent.Removed
                || e instanceof SupervisionEvent.CircuitStateChanged)) {
            return; // crashes and dead letters: the stats count them
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            List<SupervisionEvent> waiting = pending;
            if (waiting != null) {
                waiting.add(e);
                return;
            }
            handle(e);
        }
    }

    private void handle(SupervisionEvent e) {
        String path = e.path();
        if (!lookups.below(path)) {
            return; // the root itself
        }
        try {
            if (e instanceof SupervisionEvent.CircuitStateChanged) {
                Member m = members.get(path);
                if (m != null) {
                    m.meters.breaker(((SupervisionEvent.CircuitStateChanged) e).breaker(),
                            ((SupervisionEvent.CircuitStateChanged) e).toState());
                }
                return;
            }
            if (e instanceof SupervisionEvent.Started) {
                discover(path);
            } else if (e instanceof SupervisionEvent.Restarted) {
                if (strategies.containsKey(path) || sets.containsKey(path)) {
                    recheckUnder(path); // a restarted supervisor drops the children started at runtime
                } else if (!members.containsKey(path)) {
                    discover(path);
                }
            } else if (members.containsKey(path)) { // Stopped, Failed, Removed
                recheckMember(path);
            } else if (sets.containsKey(path)) {
                recheckSet(path);
            } else if (strategies.containsKey(path)) {
                recheckSupervisor(path);
            }
        } catch (RuntimeException ex) {
            ComponentMeters.LOG.warn("could not follow '{}' after {}", path, e.getClass().getSimpleName(), ex);
        }
    }

    /** Registers every component of the snapshot, in start order, depth first. */
    private void walk(SupervisorSnapshot snapshot) {
        ArrayDeque<ChildSnapshot> stack = new ArrayDeque<>();
        stack.push(snapshot);
        while (!stack.isEmpty()) {
            ChildSnapshot node = stack.pop();
            if (node instanceof SupervisorSnapshot) {
                SupervisorSnapshot s = (SupervisorSnapshot) node;
                strategies.put(s.path(), s.strategy());
                for (int i = s.children().size() - 1; i >= 0; i--) {
                    stack.push(s.children().get(i));
                }
            } else if (node instanceof EntitiesSnapshot) {
                registerSet(node.path()); // its keys are found as they start or handle
            } else {
                discover(node.path());
            }
        }
    }

    /** Gives the component at {@code path} meters, unless it has them; a supervisor's strategy is remembered. */
    private void discover(String path) {
        if (!lookups.below(path) || sets.containsKey(path)) {
            return;
        }
        ComponentRef<?, ?> ref = lookups.component(path);
        if (ref == null) {
            if (!strategies.containsKey(path) && isSet(path)) {
                registerSet(path);
            } else if (!strategies.containsKey(path)) {
                Supervisor s = lookups.supervisor(path);
                if (s != null) {
                    strategies.put(path, s.snapshot().strategy());
                }
            }
            return;
        }
        Member m = members.get(path);
        if (m != null && m.ref == ref) {
            return;
        }
        if (m != null) {
            remove(path); // removed, and a new component of the same name started
        }
        register(path, ref);
    }

    private void register(String path, ComponentRef<?, ?> ref) {
        String parent = TreeLookups.parent(path);
        boolean keyed = sets.containsKey(parent) || (!strategies.containsKey(parent) && isSet(parent)
                && registerSet(parent));
        SupervisionStrategy strategy = strategyOf(parent);
        if (strategy == null) {
            return; // its supervisor is gone, and it with it
        }
        ComponentStats stats = ref.stats();
        ComponentMeters meters;
        boolean own = !keyed && tagged < maxTagged;
        if (own) {
            meters = new ComponentMeters(path, tags(path, strategy), new ComponentMeters.Single(stats), registry);
            meters.register();
            tagged++;
        } else {
            meters = groups.get(parent);
            if (meters == null) {
                String group = parent + "/*";
                meters = new ComponentMeters(group, tags(group, strategy), new Group(), registry);
                meters.register();
                groups.put(parent, meters);
            }
            ((Group) meters.source).add(stats);
        }
        members.put(path, new Member(ref, stats, meters, own));
        byRef.put(ref, meters);
        stats.circuitBreakers().forEach(meters::breaker);
    }

    private void remove(String path) {
        Member m = members.remove(path);
        if (m == null) {
            return;
        }
        byRef.remove(m.ref, m.meters);
        if (m.own) {
            m.meters.remove();
            tagged--;
            return;
        }
        Group g = (Group) m.meters.source;
        g.retire(m.stats);
        String parent = TreeLookups.parent(path);
        if (g.isEmpty() && !sets.containsKey(parent)) { // a set's group stays: its keys come and go
            m.meters.remove();
            groups.remove(parent);
        }
    }

    // ------------------------------------------------------------------ sets of keyed components

    /** Whether the child at {@code path} is a set of keyed components (read from its supervisor's snapshot). */
    private boolean isSet(String path) {
        if (!lookups.below(path)) {
            return false;
        }
        Supervisor parent = lookups.supervisor(TreeLookups.parent(path));
        if (parent == null) {
            return false;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        for (ChildSnapshot c : parent.snapshot().children()) {
            if (c.name().equals(name)) {
                return c instanceof EntitiesSnapshot;
            }
        }
        return false;
    }

    /** Gives a set its meters in aggregate; its keys will be counted in its group. @return true */
    private boolean registerSet(String path) {
        if (!sets.containsKey(path)) {
            EntitySetMeters meters = new EntitySetMeters(path, lookups, tags, registry);
            meters.register();
            sets.put(path, meters);
            strategies.put(path, SupervisionStrategy.ONE_FOR_ONE); // a set is a one-for-one supervisor of its keys
        }
        return true;
    }

    /** A set that stopped, failed or was removed: if it is gone, its meters and its keys' group go too. */
    private void recheckSet(String path) {
        if (lookups.supervisor(path) != null) {
            recheckUnder(path); // still in the tree: its keys may be gone
            return;
        }
        recheckUnder(path);
        EntitySetMeters meters = sets.remove(path);
        if (meters != null) {
            meters.remove();
        }
        ComponentMeters group = groups.remove(path);
        if (group != null) {
            group.remove();
        }
        forgetGoneSupervisors(path);
    }

    /** A member that may be gone from the tree (or replaced), or may have stopped or failed and stay. */
    private void recheckMember(String path) {
        Member m = members.get(path);
        if (m == null) {
            return;
        }
        ComponentRef<?, ?> now = lookups.component(path);
        if (now != m.ref) {
            remove(path);
            if (now != null) {
                register(path, now);
            } else {
                forgetGoneSupervisors(TreeLookups.parent(path));
            }
        }
        // still in the tree, stopped, failed or restarted: it keeps its meters until it is removed
    }

    /** A supervisor that stopped or failed: gone with its subtree, or still there (its runtime children may not be). */
    private void recheckSupervisor(String path) {
        forgetGoneSupervisors(path);
        recheckUnder(path);
    }

    private void recheckUnder(String supervisorPath) {
        String prefix = supervisorPath + "/";
        for (String p : new ArrayList<>(members.keySet())) {
            if (p.startsWith(prefix)) {
                recheckMember(p);
            }
        }
    }

    /** Forgets the strategy of the supervisor at {@code path} and of its ancestors, as long as they are gone. */
    private void forgetGoneSupervisors(String path) {
        String p = path;
        while (lookups.below(p) && lookups.supervisor(p) == null) {
            String gone = p;
            strategies.keySet().removeIf(k -> k.equals(gone) || k.startsWith(gone + "/"));
            p = TreeLookups.parent(p);
        }
    }

    // ------------------------------------------------------------------ lookups

    private @Nullable SupervisionStrategy strategyOf(String supervisorPath) {
        SupervisionStrategy s = strategies.get(supervisorPath);
        if (s == null) {
            Supervisor sup = lookups.supervisor(supervisorPath);
            if (sup != null) {
                s = sup.snapshot().strategy();
                strategies.put(supervisorPath, s);
            }
        }
        return s;
    }

    private Tags tags(String component, SupervisionStrategy strategy) {
        return tags.and("component", component, "supervisor.strategy", ComponentMeters.lower(strategy.name()));
    }

    // ------------------------------------------------------------------ the binding

    @Override
    public void close() {
        Disposable o;
        Disposable ev;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            o = observer;
            ev = events;
        }
        if (o != null) {
            o.dispose();
        }
        if (ev != null) {
            ev.dispose();
        }
        synchronized (this) {
            for (Member m : members.values()) {
                if (m.own) {
                    m.meters.remove();
                }
            }
            groups.values().forEach(ComponentMeters::remove);
            sets.values().forEach(EntitySetMeters::remove);
            members.clear();
            groups.clear();
            sets.clear();
            byRef.clear();
            tagged = 0;
        }
    }

    @Override
    public boolean isDisposed() {
        return closed;
    }

    /** @return how many components have meters of their own */
    synchronized int taggedComponents() {
        return tagged;
    }

    /** @return how many components are counted in a group */
    synchronized int groupedComponents() {
        return members.size() - tagged;
    }

    @Override
    public String toString() {
        return "SupervisorMetrics.Binding[root=" + rootPath + ", registry=" + registry.getClass().getSimpleName()
                + (closed ? ", closed" : "") + "]";
    }
}
