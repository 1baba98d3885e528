package io.reactorsupervisor.circuitbreaker;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/** A clock that reads a scheduler's time, so that it follows virtual time. */
final class SchedulerClock extends Clock {

    private final Scheduler scheduler;

    SchedulerClock(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(0, scheduler.now(TimeUnit.NANOSECONDS));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock has one zone");
    }
}
