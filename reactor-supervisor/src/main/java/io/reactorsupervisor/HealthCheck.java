package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A liveness check that catches hung components: a component is hung when it makes no
 * progress. Every {@link #interval()}, unless a check is under way, the library notes the
 * component's drain, without sending anything through its mailbox: the message in progress and
 * whether messages wait. The check fails if, one {@link #timeout()} later,
 * <ul>
 * <li>that same message is still in progress (it has run longer than the timeout), or</li>
 * <li>messages wait and none was taken.</li>
 * </ul>
 * A message that runs longer than {@code interval + 2 * timeout} always fails a check (a check
 * starts while it runs and ends before it does); a shorter one that outlives the timeout fails
 * the checks that started while it ran. A long backlog whose messages are each handled in time
 * is never hung, and an idle component always passes. {@link #unhealthyAfter()} failures in a row end the incarnation
 * (its handler is cancelled or interrupted, the message is dead-lettered or redelivered as for
 * a crash) and restart it through the same strategy, limit and supervisor path as a crash; a
 * passed check resets the count. A hung component is restarted within about
 * {@code (interval + timeout) * unhealthyAfter}. A crash itself is detected at once, without
 * waiting for a check.
 *
 * <pre>{@code
 * HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)).withUnhealthyAfter(3)
 * }</pre>
 *
 * <p>With a {@code healthProbe} in its spec, a component is also asked about its state: the
 * probe runs between two messages (the state is not thread-safe) but ahead of the backlog, and
 * the check fails if it answers false, fails, or does not answer within the timeout, which
 * then covers only the message in progress plus the probe.
 *
 * <p>Liveness is not readiness: a component that is restarting, or whose backlog is past its
 * {@linkplain ComponentSpec#readinessThreshold() readiness threshold}, is live but not ready
 * (see {@link Readiness}).
 */
public final class HealthCheck {

    /** Default number of failed probes in a row that make a component unhealthy. */
    public static final int DEFAULT_UNHEALTHY_AFTER = 3;

    /**
     * The shortest interval between checks: a check is a timer task (and, with a health
     * probe, a trip through the drain), and a component checked more often than this spends
     * its time being checked.
     */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    private final Duration interval;
    private final Duration timeout;
    private final int unhealthyAfter;

    private HealthCheck(Duration interval, Duration timeout, int unhealthyAfter) {
        this.interval = interval;
        this.timeout = timeout;
        this.unhealthyAfter = unhealthyAfter;
    }

    /**
     * Check every {@code interval}, with a timeout equal to the interval and
     * {@value #DEFAULT_UNHEALTHY_AFTER} failures in a row before a restart.
     *
     * @param interval time between probes, at least {@link #MIN_INTERVAL} (10 ms) and at most
     *     36500 days
     * @return the health check spec
     * @throws IllegalArgumentException if {@code interval} is below 10 ms or above 36500 days
     */
    public static HealthCheck every(Duration interval) {
        Checks.atLeast(interval, MIN_INTERVAL, "interval");
        return new HealthCheck(interval, interval, DEFAULT_UNHEALTHY_AFTER);
    }

    /**
     * @param timeout how long one message may be in progress, messages may wait without one
     *     being taken, or a health probe may take to answer; positive, at most 36500 days
     * @return a copy with this timeout
     * @throws IllegalArgumentException if {@code timeout} is not positive or above 36500 days
     */
    public HealthCheck withTimeout(Duration timeout) {
        Checks.positive(timeout, "timeout");
        return new HealthCheck(interval, timeout, unhealthyAfter);
    }

    /**
     * @param unhealthyAfter how many failed checks in a row restart the component, at least 1
     * @return a copy with this threshold
     * @throws IllegalArgumentException if {@code unhealthyAfter} is below 1
     */
    public HealthCheck withUnhealthyAfter(int unhealthyAfter) {
        Checks.atLeast(unhealthyAfter, 1, "unhealthyAfter");
        return new HealthCheck(interval, timeout, unhealthyAfter);
    }

    /** @return the time between probes */
    public Duration interval() {
        return interval;
    }

    /** @return how long one message may be in progress, or messages wait without one being taken */
    public Duration timeout() {
        return timeout;
    }

    /** @return how many failed checks in a row restart the component */
    public int unhealthyAfter() {
        return unhealthyAfter;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof HealthCheck)) {
            return false;
        }
        HealthCheck that = (HealthCheck) o;
        return interval.equals(that.interval) && timeout.equals(that.timeout) && unhealthyAfter == that.unhealthyAfter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, timeout, unhealthyAfter);
    }

    @Override
    public String toString() {
        return "HealthCheck.every(" + interval + ").withTimeout(" + timeout + ").withUnhealthyAfter("
                + unhealthyAfter + ")";
    }
}
