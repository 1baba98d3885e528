package io.reactorsupervisor.micrometer;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Clock;
import reactor.core.scheduler.Schedulers;

/**
 * A Micrometer clock that reads the time of {@code Schedulers.parallel()}: virtual time in a
 * test that set a {@code VirtualTimeScheduler}, so timers total exactly what the test advanced.
 */
final class VirtualClock implements Clock {

    @Override
    public long wallTime() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    @Override
    public long monotonicTime() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }
}
