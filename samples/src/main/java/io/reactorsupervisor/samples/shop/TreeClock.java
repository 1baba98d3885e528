package io.reactorsupervisor.samples.shop;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Schedulers;

/**
 * The clock of the supervision tree, {@code Schedulers.parallel()}'s, read at each use: the
 * circuit breaker measures its wait in OPEN on it, so that the demo's scenario runs the same
 * on virtual time in tests, where the tree's events and restarts follow virtual time too.
 */
final class TreeClock extends Clock {

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) {
            return this;
        }
        throw new UnsupportedOperationException("the tree's clock is in UTC");
    }
}
