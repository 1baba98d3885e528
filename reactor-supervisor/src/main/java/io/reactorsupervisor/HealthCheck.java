package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A liveness probe that catches hung components. Every {@link #interval()} a probe passes
 * through the component's mailbox, behind the messages already queued; a probe not answered
 * within {@link #timeout()} is a failure, and {@link #unhealthyAfter()} failures in a row end
 * the incarnation (its in-flight handler is cancelled) and restart it through the same
 * strategy, limit and supervisor path as a crash. A crash itself is detected at once, without
 * waiting for a probe.
 *
 * <pre>{@code
 * HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)).withUnhealthyAfter(3)
 * }</pre>
 *
 * <p>A component also answers the probe from its state when its spec has a
 * {@code healthProbe}: a probe that answers false counts as a failure.
 */
public final class HealthCheck {

    /** Default number of failed probes in a row that make a component unhealthy. */
    public static final int DEFAULT_UNHEALTHY_AFTER = 3;

    /**
     * The shortest interval between probes: a probe is a timer task and a trip through the
     * drain, and a component probed more often than this spends its time being probed.
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
     * Probe every {@code interval}, with a timeout equal to the interval and
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
     * @param timeout how long a probe may wait for its answer, positive
     * @return a copy with this timeout
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public HealthCheck withTimeout(Duration timeout) {
        Checks.positive(timeout, "timeout");
        return new HealthCheck(interval, timeout, unhealthyAfter);
    }

    /**
     * @param failures how many failed probes in a row restart the component, at least 1
     * @return a copy with this threshold
     * @throws IllegalArgumentException if {@code failures} is below 1
     */
    public HealthCheck withUnhealthyAfter(int failures) {
        Checks.atLeast(failures, 1, "unhealthyAfter");
        return new HealthCheck(interval, timeout, failures);
    }

    /** @return the time between probes */
    public Duration interval() {
        return interval;
    }

    /** @return how long a probe may wait for its answer */
    public Duration timeout() {
        return timeout;
    }

    /** @return how many failed probes in a row restart the component */
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
