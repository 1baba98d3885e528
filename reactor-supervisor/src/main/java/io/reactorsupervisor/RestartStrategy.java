package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How long a crashed component waits before its next incarnation starts.
 *
 * <p>Three strategies, each carried out by the {@code retryWhen} companion of the
 * component's processing Flux:
 * <ul>
 *   <li>{@link #immediate()}: restart at once;</li>
 *   <li>{@link #delayed(Duration)}: wait a fixed delay before each restart;</li>
 *   <li>{@link #exponentialBackoff(Duration, Duration, double)}: wait {@code initial},
 *       {@code initial * multiplier}, {@code initial * multiplier^2}, ... capped at
 *       {@code max}; the sequence starts over once an incarnation has run for
 *       {@link #withResetAfter(Duration) resetAfter} without crashing.</li>
 * </ul>
 *
 * <p>Instances are immutable: every {@code withX} method returns a copy, so a strategy can
 * be kept as a template and shared between components, like Reactor's
 * {@code RetryBackoffSpec}.
 *
 * <pre>{@code
 * RestartStrategy backoff = RestartStrategy
 *     .exponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0)
 *     .withJitter(0.2)
 *     .withResetAfter(Duration.ofMinutes(2));
 * }</pre>
 *
 * <p>Delays run on {@link #withScheduler(Scheduler) a scheduler} that is looked up when a
 * restart is scheduled, not when the strategy is built: by default
 * {@link Schedulers#single()}, which {@code StepVerifier.withVirtualTime} replaces with
 * virtual time. The same scheduler runs the component's health checks, processing timeouts
 * and shutdown deadline; by default it is not one that runs handlers, so that a handler
 * blocking a thread of {@link Schedulers#parallel()} cannot hold up the check that stops it.
 */
public final class RestartStrategy {

    private enum Kind { IMMEDIATE, DELAYED, EXPONENTIAL_BACKOFF }

    private static final RestartStrategy IMMEDIATE =
            new RestartStrategy(Kind.IMMEDIATE, Duration.ZERO, Duration.ZERO, 1.0, 0.0, null, null);

    private final Kind kind;
    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final @Nullable Duration resetAfter;
    private final @Nullable Scheduler scheduler;

    private RestartStrategy(Kind kind, Duration initial, Duration max, double multiplier, double jitter,
            @Nullable Duration resetAfter, @Nullable Scheduler scheduler) {
        this.kind = kind;
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.resetAfter = resetAfter;
        this.scheduler = scheduler;
    }

    /**
     * Restart at once, without any delay.
     *
     * @return the immediate strategy
     */
    public static RestartStrategy immediate() {
        return IMMEDIATE;
    }

    /**
     * Wait the same delay before every restart.
     *
     * @param delay the delay before each restart, positive
     * @return a fixed-delay strategy
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     */
    public static RestartStrategy delayed(Duration delay) {
        Checks.positive(delay, "delay");
        return new RestartStrategy(Kind.DELAYED, delay, delay, 1.0, 0.0, null, null);
    }

    /**
     * Wait {@code initial} before the first restart, then multiply the delay by
     * {@code multiplier} for every further restart in a row, never waiting longer than
     * {@code max}.
     *
     * @param initial the first delay, positive
     * @param max the longest delay, at least {@code initial}
     * @param multiplier the growth factor, at least 1.0 and finite
     * @return an exponential backoff strategy without jitter, whose sequence starts over
     *     after an incarnation has run for {@code max} without crashing
     * @throws NullPointerException if {@code initial} or {@code max} is null
     * @throws IllegalArgumentException if a duration is not positive, {@code max} is below
     *     {@code initial}, or {@code multiplier} is below 1.0 or not finite
     */
    public static RestartStrategy exponentialBackoff(Duration initial, Duration max, double multiplier) {
        Checks.positive(initial, "initial");
        Checks.positive(max, "max");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial (" + initial + "), but was " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1.0 and finite, but was " + multiplier);
        }
        return new RestartStrategy(Kind.EXPONENTIAL_BACKOFF, initial, max, multiplier, 0.0, null, null);
    }

    /**
     * Spread each delay at random by up to {@code factor} of itself, so that components that
     * crashed together do not all restart at the same instant. A delay {@code d} becomes a
     * value in {@code [d - factor*d, d + factor*d]}, kept within {@code [initial, max]} for
     * exponential backoff.
     *
     * @param factor the jitter factor, between 0.0 (none) and 1.0
     * @return a copy with this jitter
     * @throws IllegalArgumentException if {@code factor} is outside 0.0..1.0
     * @throws IllegalStateException on the immediate strategy, which has no delay to spread
     */
    public RestartStrategy withJitter(double factor) {
        if (!(factor >= 0.0 && factor <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, but was " + factor);
        }
        if (kind == Kind.IMMEDIATE) {
            throw new IllegalStateException("withJitter applies to delayed and exponentialBackoff, not immediate");
        }
        return new RestartStrategy(kind, initial, max, multiplier, factor, resetAfter, scheduler);
    }

    /**
     * Start the backoff sequence over once an incarnation has run this long without
     * crashing. Without this option the sequence starts over after {@code max}.
     *
     * @param resetAfter how long an incarnation must run to reset the sequence, positive
     * @return a copy with this reset time
     * @throws IllegalArgumentException if {@code resetAfter} is zero or negative
     * @throws IllegalStateException on a strategy other than exponential backoff
     */
    public RestartStrategy withResetAfter(Duration resetAfter) {
        Checks.positive(resetAfter, "resetAfter");
        if (kind != Kind.EXPONENTIAL_BACKOFF) {
            throw new IllegalStateException("withResetAfter applies to exponentialBackoff only");
        }
        return new RestartStrategy(kind, initial, max, multiplier, jitter, resetAfter, scheduler);
    }

    /**
     * Run restart delays on this scheduler instead of {@link Schedulers#single()}. It also
     * runs the health checks, processing timeouts and shutdown deadline of a component that
     * uses this strategy: a scheduler that runs handlers too would let a hung handler hold up
     * the very timer meant to stop it.
     *
     * @param scheduler the scheduler for delays, for the component's timers and for the clock
     *     of restart limits
     * @return a copy that uses this scheduler
     */
    public RestartStrategy withScheduler(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return new RestartStrategy(kind, initial, max, multiplier, jitter, resetAfter, scheduler);
    }

    /**
     * The nominal delay (without jitter) before the restart with the given index in a row.
     *
     * @param attempt 0 for the first restart in a row, 1 for the second, ...
     * @return the delay; {@link Duration#ZERO} for {@link #immediate()}
     * @throws IllegalArgumentException if {@code attempt} is negative
     */
    public Duration delay(long attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, but was " + attempt);
        }
        switch (kind) {
            case IMMEDIATE:
                return Duration.ZERO;
            case DELAYED:
                return initial;
            default:
                double nanos = initial.toNanos() * Math.pow(multiplier, attempt);
                if (!(nanos < max.toNanos())) {
                    return max;
                }
                return Duration.ofNanos((long) nanos);
        }
    }

    /** The delay with jitter applied; {@code random} is uniform in [0, 1). */
    Duration delay(long attempt, double random) {
        Duration nominal = delay(attempt);
        if (jitter == 0.0 || nominal.isZero()) {
            return nominal;
        }
        long d = nominal.toNanos();
        long spread = (long) (d * jitter);
        long low = d - spread;
        long high = d + spread;
        if (kind == Kind.EXPONENTIAL_BACKOFF) {
            low = Math.max(low, initial.toNanos());
            high = Math.min(high, max.toNanos());
        }
        return Duration.ofNanos(low + (long) ((high - low) * random));
    }

    Duration nextDelay(long attempt) {
        return delay(attempt, jitter == 0.0 ? 0.0 : ThreadLocalRandom.current().nextDouble());
    }

    /** How long an incarnation must run before the backoff sequence starts over. */
    Duration resetAfter() {
        return resetAfter != null ? resetAfter : max;
    }

    /** The jitter factor, 0.0 when none was set. */
    public double jitter() {
        return jitter;
    }

    /**
     * Resolved when a restart is scheduled, so that virtual time can replace it in tests. Not
     * {@link Schedulers#parallel()}, where handlers run by default: a synchronous handler
     * hung on a parallel worker blocks every timer queued on that worker, health checks
     * included.
     */
    Scheduler scheduler() {
        return scheduler != null ? scheduler : Schedulers.single();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RestartStrategy)) {
            return false;
        }
        RestartStrategy that = (RestartStrategy) o;
        return kind == that.kind && Double.compare(multiplier, that.multiplier) == 0
                && Double.compare(jitter, that.jitter) == 0 && initial.equals(that.initial)
                && max.equals(that.max) && Objects.equals(resetAfter, that.resetAfter)
                && Objects.equals(scheduler, that.scheduler);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, initial, max, multiplier, jitter, resetAfter, scheduler);
    }

    @Override
    public String toString() {
        switch (kind) {
            case IMMEDIATE:
                return "RestartStrategy.immediate()";
            case DELAYED:
                return "RestartStrategy.delayed(" + initial + (jitter > 0 ? ", jitter " + jitter : "") + ")";
            default:
                return "RestartStrategy.exponentialBackoff(" + initial + ", " + max + ", " + multiplier
                        + (jitter > 0 ? ", jitter " + jitter : "") + ", resetAfter " + resetAfter() + ")";
        }
    }
}
