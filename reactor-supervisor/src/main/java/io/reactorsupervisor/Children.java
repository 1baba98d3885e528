package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Sinks;

/**
 * The children of one supervisor: the map that refs and snapshots read from any thread, and,
 * owned by the supervisor's drain, what it waits for (a child's start, a child's end) and
 * which children it is ending, with the verdict a crash of theirs gets meanwhile.
 */
final class Children {

    private final SupervisorCell owner;
    /** By name: written by the drain (and by {@code startChild}, one creator at a time), read from anywhere. */
    final ConcurrentHashMap<String, ChildCell> byName = new ConcurrentHashMap<>();
    final List<ChildCell> declared = new ArrayList<>();
    private int nextSeq;

    // the drain's
    private final Map<ChildCell, Consumer<@Nullable Throwable>> onStarted = new HashMap<>();
    private final Map<ChildCell, Consumer<@Nullable Throwable>> onEnded = new HashMap<>();
    private final Map<ChildCell, Signals.Signal> ending = new HashMap<>();

    Children(SupervisorCell owner) {
        this.owner = owner;
    }

    /** Creates the declared children of {@code root} and of every supervisor below it, level by level. */
    static void build(SupervisorCell root) {
        ArrayDeque<SupervisorCell> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            SupervisorCell s = todo.poll();
            for (ChildSpec spec : s.sspec.children()) {
                ChildCell cell = s.children.create(spec);
                s.children.declared.add(cell);
                s.children.byName.put(cell.name, cell);
                if (cell instanceof SupervisorCell) {
                    todo.add((SupervisorCell) cell);
                }
            }
        }
    }

    /** A new child, last in start order; a supervisor's subtree is built by the caller. */
    ChildCell create(ChildSpec spec) {
        int seq = ++nextSeq;
        if (spec instanceof ComponentSpec) {
            return new ComponentCell((ComponentSpec<?, ?>) spec, owner, owner.tree, seq);
        }
        return new SupervisorCell((SupervisorSpec) spec, owner, owner.tree, seq);
    }

    /** A keyed component of a set (see {@link EntitySet}), last in start order; one creator at a time. */
    synchronized ComponentCell createKeyed(ComponentSpec<?, ?> template, String key) {
        return new ComponentCell(template, key, owner, owner.tree, ++nextSeq);
    }

    /** The children in start order (a copy of the map, sorted). */
    List<ChildCell> inStartOrder() {
        List<ChildCell> list = new ArrayList<>(byName.values());
        list.sort(Comparator.comparingInt(c -> c.seq));
        return list;
    }

    /** Takes {@code c} out of the tree, once, and says so with a {@link SupervisionEvent.Removed}. */
    void remove(ChildCell c) {
        if (byName.remove(c.name, c)) {
            owner.tree.publish(new SupervisionEvent.Removed(c.path(), Tree.now()));
        }
    }

    /** The verdict for a crash of a child being ended, or null. */
    Signals.@Nullable Signal ending(ChildCell c) {
        return ending.get(c);
    }

    /** Children still ending, removed from the map or not. */
    Collection<ChildCell> stillEnding() {
        return new ArrayList<>(ending.keySet());
    }

    /** Whether the drain waits for this child's start (a crash now is a start that failed). */
    boolean starting(ChildCell c) {
        return onStarted.containsKey(c);
    }

    /** Starts a child that is not running (never started, ended, or parked) and calls {@code k} with the outcome. */
    void launch(ChildCell c, Consumer<@Nullable Throwable> k) {
        onStarted.put(c, k);
        c.live = true;
        c.startAwaited = true;
        Sinks.Empty<Void> g = c.gate;
        if (g != null) {
            c.gate = null;
            g.tryEmitEmpty(); // the crashed child of a group: Reactor resubscribes, the next incarnation begins
        } else {
            c.startPipeline();
        }
    }

    /** The child has started an incarnation: whoever ordered the start goes on. */
    void started(ChildCell c) {
        c.awaitingRestart = false;
        Consumer<@Nullable Throwable> k = onStarted.remove(c);
        if (k != null) {
            k.accept(null);
        }
    }

    /** Ends a child's incarnation for a restart the supervisor orders (its mailbox is kept), then {@code next}. */
    void terminateOne(ChildCell c, Runnable next) {
        endOne(c, new Signals.Terminated("restarted with its group by its supervisor"), next, c::terminate);
    }

    /** Stops a child gracefully within the deadline (at once if it is between incarnations), then {@code next}. */
    void stopOne(ChildCell c, Duration deadline, String reason, Runnable next) {
        endOne(c, new Signals.Stop(reason), next, () -> c.stop(deadline));
    }

    private void endOne(ChildCell c, Signals.Signal verdict, Runnable next, Runnable ask) {
        if (c.state().isTerminal() && !c.live) {
            next.run();
            return;
        }
        Signals.Signal already = ending.get(c);
        if (already != null) {
            // it is ending already: a stop wins over a termination, and this end waits for that one
            if (verdict instanceof Signals.Stop) {
                ending.put(c, verdict);
            }
            whenEnded(c, cause -> endOne(c, verdict, next, ask));
            return;
        }
        whenEnded(c, cause -> next.run());
        if (!c.live) {
            endParked(c, verdict);
        } else if (c.awaitingRestart || c.gate != null) {
            // waiting out its restart delay, or at its gate for its turn in a group: it ends at once
            c.awaitingRestart = false;
            c.gate = null;
            c.cancelPipeline();
            c.live = false;
            endParked(c, verdict);
        } else {
            ending.put(c, verdict);
            ask.run();
            owner.undefer(c); // a crash of it set aside meanwhile gets its verdict now
        }
    }

    /** A child without a pipeline (parked, or cancelled) ends as the verdict says; it flushes, then tells. */
    void endParked(ChildCell c, Signals.Signal verdict) {
        if (verdict instanceof Signals.Stop) {
            c.stopped(((Signals.Stop) verdict).reason);
        }
        c.ended(verdict);
    }

    /** Fails a child for good (FAILED, flushed); false if it had ended already. */
    boolean fail(ChildCell c, Throwable cause) {
        if (!c.failed(cause)) {
            return false;
        }
        whenEnded(c, x -> { });
        c.ended(new Signals.GiveUp(cause));
        return true;
    }

    void whenEnded(ChildCell c, Consumer<@Nullable Throwable> k) {
        onEnded.merge(c, k, (a, b) -> cause -> {
            a.accept(cause);
            b.accept(cause);
        });
    }

    /**
     * A child's pipeline has ended and the child has flushed what it held: whoever waited for
     * its start or its end goes on.
     *
     * @return false if nobody waited: it ended by itself (a normal exit, or it gave up)
     */
    boolean ended(ChildCell c, @Nullable Throwable cause) {
        ending.remove(c);
        c.live = false;
        c.awaitingRestart = false;
        Consumer<@Nullable Throwable> start = onStarted.remove(c);
        Consumer<@Nullable Throwable> end = onEnded.remove(c);
        if (start != null) {
            start.accept(cause == null ? new IllegalStateException("stopped while starting") : Signals.unwrap(cause));
        }
        if (end != null) {
            end.accept(cause);
        }
        return start != null || end != null;
    }
}
