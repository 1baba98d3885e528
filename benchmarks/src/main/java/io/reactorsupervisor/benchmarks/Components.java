package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import reactor.core.scheduler.Scheduler;

/**
 * Starting and stopping the library's side: one {@link Supervisor} per trial (or iteration),
 * shut down and awaited in the teardown, and the component specs the benchmarks share.
 *
 * <p>Every spec restarts at once ({@link RestartStrategy#immediate()}), never gives up
 * ({@link RestartLimit#unlimited()}), and has an unbounded mailbox (a 100,000-message batch
 * must fit); every supervisor has an unlimited restart intensity, since a benchmark restarts
 * millions of times. Crash logging is switched off in {@code simplelogger.properties}.
 */
final class Components {

    /** Generous: a shutdown that takes this long is a broken benchmark. */
    static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private Components() {
    }

    /** The state of one incarnation: created fresh by each (re)start, never shared. */
    static final class Counted {
        long handled;
    }

    /** A component whose synchronous handler counts each message it handles, on {@code scheduler}. */
    static ComponentSpec<Tick, Void> counting(String name, HandledCounter handled, Scheduler scheduler) {
        return ComponentSpec.<Tick, Void, Counted>named(name)
                .state(Counted::new)
                .syncHandler((state, tick) -> {
                    state.handled++;
                    handled.increment();
                    return null;
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .scheduler(scheduler)
                .build();
    }

    /** As {@link #counting}, on the default scheduler ({@code Schedulers.parallel()}). */
    static ComponentSpec<Tick, Void> counting(String name, HandledCounter handled) {
        return ComponentSpec.<Tick, Void, Counted>named(name)
                .state(Counted::new)
                .syncHandler((state, tick) -> {
                    state.handled++;
                    handled.increment();
                    return null;
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
    }

    /** Starts a root supervisor with these children and an unlimited restart intensity. */
    static Supervisor start(String name, ComponentSpec<?, ?>... children) {
        var builder = Supervisor.named(name).intensity(RestartLimit.unlimited());
        for (ComponentSpec<?, ?> child : children) {
            builder.child(child);
        }
        return builder.start();
    }

    /** Shuts the tree down and waits until it has stopped. */
    static void shutdown(Supervisor root) {
        root.shutdown(SHUTDOWN).block(SHUTDOWN.plusSeconds(5));
    }

    /**
     * Tells one message, failing loudly if the mailbox refuses it (a refused message would
     * otherwise only show up as a batch that never completes).
     */
    static <M> void tell(ComponentRef<M, ?> ref, M message) {
        if (!ref.tell(message)) {
            throw new IllegalStateException("'" + ref.path() + "' refused a message (state " + ref.state() + ")");
        }
    }

    /** Sends a batch of {@link TellThroughput#BATCH} ticks and waits until all have been handled. */
    static void sendBatch(ComponentRef<Tick, ?> ref, HandledCounter handled) {
        long target = handled.get() + TellThroughput.BATCH;
        for (int i = 0; i < TellThroughput.BATCH; i++) {
            tell(ref, Tick.INSTANCE);
        }
        handled.awaitAtLeast(target);
    }
}
