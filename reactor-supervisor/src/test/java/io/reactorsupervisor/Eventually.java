package io.reactorsupervisor;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for a condition that another thread makes true: events are delivered by the
 * tree's hub on its own thread, so a real-time test that has seen an effect waits, within a
 * bound, for the event that reports it.
 */
public final class Eventually {

    private Eventually() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} if it does not within {@code bound}. */
    public static void until(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits up to 10 seconds. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(10), condition);
    }
}
