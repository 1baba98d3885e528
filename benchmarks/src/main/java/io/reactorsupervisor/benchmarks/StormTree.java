package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import java.util.ArrayList;
import java.util.List;

/**
 * A supervisor with a healthy component, a sibling that can be made to crash, and
 * {@value #STORM_SIZE} components that crash together in a restart storm. All run on the default
 * scheduler ({@code Schedulers.parallel()}), restart at once and never give up.
 */
final class StormTree {

    /** Components that crash at once in a storm. */
    static final int STORM_SIZE = 10_000;

    /** What the crashing components are told. */
    enum Command {
        CRASH, HANDLE
    }

    /** Counts what the healthy component handles (one consumer at a time). */
    final HandledCounter healthyHandled = new HandledCounter();
    /* The storm's components handle on several threads at once: counted atomically. */
    final HandledCounter stormHandled = new HandledCounter();
    final HandledCounter stormIncarnations = new HandledCounter();
    final HandledCounter siblingIncarnations = new HandledCounter();
    final HandledCounter siblingHandled = new HandledCounter();
    final Supervisor root;
    final ComponentRef<Tick, Void> healthy;
    final ComponentRef<Command, Void> sibling;
    final List<ComponentRef<Command, Void>> storm = new ArrayList<>(STORM_SIZE);
    long storms;
    long siblingCrashes;

    StormTree(String name) {
        ComponentSpec<Tick, Void> healthySpec = Components.counting("healthy", healthyHandled);
        ComponentSpec<Command, Void> siblingSpec = crashing("sibling", siblingIncarnations, siblingHandled, false);
        root = Components.start(name, healthySpec, siblingSpec);
        healthy = root.ref(healthySpec);
        sibling = root.ref(siblingSpec);
        for (int i = 0; i < STORM_SIZE; i++) {
            ComponentSpec<Command, Void> spec = crashing("storm-" + i, stormIncarnations, stormHandled, true);
            root.startChild(spec);
            storm.add(root.ref(spec));
        }
    }

    /**
     * Crashes every storm component (one crash message each, told in a row), then tells each a
     * message and waits until all {@value #STORM_SIZE} have been handled by new incarnations.
     */
    void storm() {
        long target = stormHandled.get() + STORM_SIZE;
        for (ComponentRef<Command, Void> ref : storm) {
            Components.tell(ref, Command.CRASH);
        }
        storms++;
        for (ComponentRef<Command, Void> ref : storm) {
            Components.tell(ref, Command.HANDLE);
        }
        stormHandled.awaitAtLeast(target);
    }

    /** Shuts the tree down and checks that every crash was followed by exactly one new incarnation. */
    void shutdownAndVerify() {
        Components.shutdown(root);
        long expected = STORM_SIZE * (storms + 1);
        if (stormIncarnations.get() != expected) {
            throw new IllegalStateException(stormIncarnations.get() + " storm incarnations for " + storms
                    + " storms, expected " + expected);
        }
        if (siblingIncarnations.get() != siblingCrashes + 1) {
            throw new IllegalStateException(siblingIncarnations.get() + " sibling incarnations for "
                    + siblingCrashes + " crashes, expected " + (siblingCrashes + 1));
        }
    }

    private static ComponentSpec<Command, Void> crashing(String name, HandledCounter incarnations,
            HandledCounter handled, boolean concurrently) {
        return ComponentSpec.<Command, Void, Components.Counted>named(name)
                .state(() -> {
                    incarnations.incrementConcurrently();
                    return new Components.Counted();
                })
                .syncHandler((state, command) -> {
                    if (command == Command.CRASH) {
                        throw BenchmarkCrash.INSTANCE;
                    }
                    state.handled++;
                    if (concurrently) {
                        handled.incrementConcurrently();
                    } else {
                        handled.increment();
                    }
                    return null;
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
    }
}
