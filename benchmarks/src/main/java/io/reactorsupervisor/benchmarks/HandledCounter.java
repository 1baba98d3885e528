package io.reactorsupervisor.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * How many messages a consumer has handled, and a bounded wait for a target count.
 *
 * <p>Benchmarks count messages <em>handled</em>, not sent: the consumer calls
 * {@link #increment()} for each message it handles, and the benchmark thread, after sending a
 * batch, waits in {@link #awaitAtLeast(long)} until the count reaches what it sent. A batch
 * therefore ends only when its last message has been handled.
 */
final class HandledCounter {

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(HandledCounter.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Busy-spins before the waiter starts yielding its core (a round trip is a few us). */
    private static final int SPINS_BEFORE_YIELD = 256;

    /** A batch that takes longer than this is a broken benchmark, not a slow one. */
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /*
     * volatile: it is written on the consumer's thread (a publishOn worker, a Pekko dispatcher
     * thread) and read on the benchmark thread, which must see every increment.
     */
    private volatile long count;

    /**
     * Counts one handled message. Only one thread may call this at a time, with a happens-before
     * edge between successive callers: true of a subscriber (onNext is serial) and of an actor
     * (one message at a time), and of successive children spawned one after another by a round
     * trip. So a plain read followed by a release store is a correct increment, and it avoids the
     * full fence (x86 {@code lock} prefix) that a volatile store or {@code getAndIncrement} would
     * add to every handled message.
     */
    void increment() {
        COUNT.setRelease(this, count + 1);
    }

    /**
     * Counts one event from any thread, with an atomic add: for counters that many consumers
     * update at the same time (idle actors starting on several dispatcher threads).
     */
    void incrementConcurrently() {
        COUNT.getAndAdd(this, 1L);
    }

    /** The number of messages handled so far. */
    long get() {
        return count;
    }

    /**
     * Waits until at least {@code target} messages have been handled: spins briefly, then
     * yields the core (on two cores the consumer may need it), and gives up after 30 s.
     *
     * @throws IllegalStateException if the target is not reached within 30 s
     */
    void awaitAtLeast(long target) {
        long deadline = 0;
        for (int i = 0; count < target; i++) {
            if (i < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TIMEOUT_NANOS;
                } else if (now - deadline > 0) {
                    throw new IllegalStateException(
                            "handled " + count + " messages, expected at least " + target + " within 30 s");
                }
            }
        }
    }
}
