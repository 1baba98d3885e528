package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;
import reactor.util.retry.RetrySpec;

/**
 * How long a crashed component waits before its next incarnation starts.
 *
 * <p>Each strategy is carried out by one of Reactor's own retry specs, the {@code retryWhen}
 * companion of the child's Flux of incarnations:
 * <ul>
 *   <li>{@link #immediate()}: restart at once ({@code Retry.indefinitely()});</li>
 *   <li>{@link #delayed(Duration)}: wait a fixed delay before each restart
 *       ({@code Retry.fixedDelay});</li>
 *   <li>{@link #exponentialBackoff(Duration, Duration, double)}: wait {@code initial},
 *       {@code initial * multiplier}, {@code initial * multiplier^2}, ... capped at
 *       {@code max} ({@code Retry.backoff(..).maxBackoff(..).multiplier(..).jitter(..)}); the
 *       sequence starts over once an incarnation has run for
 *       {@link #withResetAfter(Duration) resetAfter} without crashing
 *       ({@code transientErrors(true)}: the incarnation signals that it has been stable);</li>
 *   <li>{@link #of(RetryBackoffSpec)}: a backoff spec you already have.</li>
 * </ul>
 *
 * <p>Whatever the strategy, the library's {@link RestartLimit}, the supervisor's intensity
 * and its restart policy stay in charge: the spec's before-retry hook asks the supervisor
 * for admission, and a refusal ends the child's retries.
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

    private enum Kind { IMMEDIATE, DELAYED, EXPONENTIAL_BACKOFF, CUSTOM }

    private static final RestartStrategy IMMEDIATE =
            new RestartStrategy(Kind.IMMEDIATE, Duration.ZERO, Duration.ZERO, 1.0, 0.0, null, null, null);

    /** The default timer: {@link Schedulers#single()}, looked up at each use. */
    private static final Scheduler SINGLE = new LazySingle();

    private final Kind kind;
    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final @Nullable Duration resetAfter;
    private final @Nullable Scheduler scheduler;
    private final @Nullable RetryBackoffSpec custom;
    /** The spec with the supervisor's hooks, built once per strategy and shared by every child that uses it. */
    private volatile @Nullable Retry retry;
    /** As {@link #retry}, also gated by a group restart (under one-for-all and rest-for-one). */
    private volatile @Nullable Retry gatedRetry;

    private RestartStrategy(Kind kind, Duration initial, Duration max, double multiplier, double jitter,
            @Nullable Duration resetAfter, @Nullable Scheduler scheduler, @Nullable RetryBackoffSpec custom) {
        this.kind = kind;
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.resetAfter = resetAfter;
        this.scheduler = scheduler;
        this.custom = custom;
    }

    /**
     * Restart at once, without any delay: {@code Retry.indefinitely()}.
     *
     * @return the immediate strategy
     */
    public static RestartStrategy immediate() {
        return IMMEDIATE;
    }

    /**
     * Wait the same delay before every restart: {@code Retry.fixedDelay}.
     *
     * @param delay the delay before each restart, positive, at most 36500 days
     * @return a fixed-delay strategy
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is not positive or above 36500 days
     */
    public static RestartStrategy delayed(Duration delay) {
        Checks.positive(delay, "delay");
        return new RestartStrategy(Kind.DELAYED, delay, delay, 1.0, 0.0, null, null, null);
    }

    /**
     * Wait {@code initial} before the first restart, then multiply the delay by
     * {@code multiplier} for every further restart in a row, never waiting longer than
     * {@code max}: {@code Retry.backoff(..).maxBackoff(max).multiplier(multiplier)}, without
     * jitter unless {@link #withJitter(double)} adds some.
     *
     * @param initial the first delay, positive, at most 36500 days
     * @param max the longest delay, at least {@code initial}, at most 36500 days
     * @param multiplier the growth factor, at least 1.0 and finite
     * @return an exponential backoff strategy without jitter, whose sequence starts over
     *     after an incarnation has run for {@code max} without crashing
     * @throws NullPointerException if {@code initial} or {@code max} is null
     * @throws IllegalArgumentException if a duration is not positive or above 36500 days,
     *     {@code max} is below {@code initial}, or {@code multiplier} is below 1.0 or not finite
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
        return new RestartStrategy(Kind.EXPONENTIAL_BACKOFF, initial, max, multiplier, 0.0, null, null, null);
    }

    /**
     * Restart after the delays of a Reactor backoff spec you already have: its minimum and
     * maximum backoff, multiplier, jitter, scheduler, error filter and maximum attempts are
     * kept. The library adds its hooks (the supervisor's admission, which applies the
     * {@link RestartLimit}, the supervisor's intensity and the restart policy) after any hook
     * of the spec, and adds to its filter that the library's own signals are never retried.
     * An error the spec's filter refuses, or retries exhausted, make the child give up
     * (FAILED) with that error. The sequence starts over after an incarnation has run for
     * the spec's maximum backoff without crashing if the spec counts transient errors
     * ({@code transientErrors(true)}), or for {@link #withResetAfter(Duration)}.
     *
     * @param spec the spec, as built by {@code Retry.backoff(..)} or {@code Retry.fixedDelay(..)}
     * @return a strategy carried out by that spec
     * @throws NullPointerException if {@code spec} is null
     * @throws IllegalArgumentException if its minimum or maximum backoff is negative or above
     *     36500 days (Reactor's default maximum, when {@code maxBackoff} was not set, is above)
     */
    public static RestartStrategy of(RetryBackoffSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Checks.atLeast(spec.minBackoff, Duration.ZERO, "spec.minBackoff");
        Checks.atLeast(spec.maxBackoff, Duration.ZERO, "spec.maxBackoff");
        return new RestartStrategy(Kind.CUSTOM, spec.minBackoff, spec.maxBackoff, spec.multiplier, spec.jitterFactor,
                null, null, spec);
    }

    /**
     * Spread each delay at random so that components that crashed together do not all
     * restart at the same instant, as Reactor's backoff spec does it (in whole milliseconds
     * and whole percent of the factor). For exponential backoff a delay {@code d} becomes a
     * value in {@code [d - factor*d, d + factor*d]}, kept within {@code [initial, max]}. For a
     * fixed delay {@code d}, the delay becomes a value in {@code [d, d + factor*d]}: a fixed
     * delay is a minimum (Reactor's {@code fixedDelay} has no jitter, so the library carries
     * it out as a backoff from {@code d} to {@code d + factor*d} with a multiplier of 1, the
     * factor in whole percent as Reactor takes it).
     *
     * @param factor the jitter factor, between 0.0 (none) and 1.0
     * @return a copy with this jitter
     * @throws IllegalArgumentException if {@code factor} is outside 0.0..1.0
     * @throws IllegalStateException on the immediate strategy, which has no delay to spread,
     *     or on a strategy made {@link #of(RetryBackoffSpec) of a spec} (set its jitter there)
     */
    public RestartStrategy withJitter(double factor) {
        if (!(factor >= 0.0 && factor <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, but was " + factor);
        }
        if (kind == Kind.IMMEDIATE || kind == Kind.CUSTOM) {
            throw new IllegalStateException("withJitter applies to delayed and exponentialBackoff, not "
                    + (kind == Kind.IMMEDIATE ? "immediate" : "a strategy made of a RetryBackoffSpec (set its jitter)"));
        }
        return new RestartStrategy(kind, initial, max, multiplier, factor, resetAfter, scheduler, custom);
    }

    /**
     * Start the backoff sequence over once an incarnation has run this long without
     * crashing. Without this option the sequence starts over after {@code max}. On a strategy
     * made {@link #of(RetryBackoffSpec) of a spec}, the spec is carried out with
     * {@code transientErrors(true)}: its maximum attempts count the restarts in a row.
     *
     * @param resetAfter how long an incarnation must run to reset the sequence, positive, at
     *     most 36500 days
     * @return a copy with this reset time
     * @throws IllegalArgumentException if {@code resetAfter} is not positive or above 36500 days
     * @throws IllegalStateException on a strategy other than exponential backoff or a backoff spec
     */
    public RestartStrategy withResetAfter(Duration resetAfter) {
        Checks.positive(resetAfter, "resetAfter");
        if (kind != Kind.EXPONENTIAL_BACKOFF && kind != Kind.CUSTOM) {
            throw new IllegalStateException("withResetAfter applies to exponentialBackoff only");
        }
        return new RestartStrategy(kind, initial, max, multiplier, jitter, resetAfter, scheduler, custom);
    }

    /**
     * Run restart delays on this scheduler instead of {@link Schedulers#single()}. It also
     * runs the health checks, processing timeouts and shutdown deadline of a component that
     * uses this strategy: a scheduler that runs handlers too would let a hung handler hold up
     * the very timer meant to stop it. Timers only post signals to the component and to its
     * supervisor: no user code runs on this scheduler.
     *
     * @param scheduler the scheduler for delays, for the component's timers and for the clock
     *     of restart limits
     * @return a copy that uses this scheduler
     */
    public RestartStrategy withScheduler(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return new RestartStrategy(kind, initial, max, multiplier, jitter, resetAfter, scheduler, custom);
    }

    /**
     * The nominal delay (without jitter) before the restart with the given index in a row,
     * computed as Reactor's backoff spec computes it.
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

    /**
     * The Reactor spec that carries out this strategy, with the supervisor's hooks: built once
     * and shared by every child that uses this strategy (the hooks find their child in the
     * Context of the retrying pipeline).
     *
     * @param gated whether a group restart orders the next start (the after-retry hook), as
     *        one-for-all and rest-for-one need; one-for-one goes without that hook
     */
    Retry retry(boolean gated) {
        Retry r = gated ? gatedRetry : retry;
        if (r == null) {
            r = buildRetry(gated);
            if (gated) {
                gatedRetry = r;
            } else {
                retry = r;
            }
        }
        return r;
    }

    private Retry buildRetry(boolean gated) {
        RetryBackoffSpec spec = backoff();
        if (spec == null) {
            RetrySpec indefinitely = Retry.indefinitely()
                    .filter(ChildCell::retriable)
                    .doBeforeRetryAsync(ChildCell::admission);
            return gated ? indefinitely.doAfterRetryAsync(ChildCell::startOrder) : indefinitely;
        }
        RetryBackoffSpec withAdmission = spec.modifyErrorFilter(filter -> filter.and(ChildCell::retriable))
                .doBeforeRetryAsync(ChildCell::admission);
        return gated ? withAdmission.doAfterRetryAsync(ChildCell::startOrder) : withAdmission;
    }

    /** The delays alone, as Reactor's backoff spec, without the supervisor's hooks; null for {@link #immediate()}. */
    @Nullable RetryBackoffSpec backoff() {
        switch (kind) {
            case IMMEDIATE:
                return null;
            case DELAYED:
                RetryBackoffSpec fixed = jitter == 0.0 ? Retry.fixedDelay(Long.MAX_VALUE, initial)
                        : Retry.backoff(Long.MAX_VALUE, initial)
                                .maxBackoff(initial.plus(initial.multipliedBy((long) (100 * jitter)).dividedBy(100)))
                                .multiplier(1.0).jitter(1.0);
                return fixed.scheduler(scheduler()).transientErrors(true);
            case EXPONENTIAL_BACKOFF:
                return Retry.backoff(Long.MAX_VALUE, initial).maxBackoff(max).multiplier(multiplier).jitter(jitter)
                        .scheduler(scheduler()).transientErrors(true);
            default:
                RetryBackoffSpec own = Objects.requireNonNull(custom);
                // a reset time starts the sequence over through the incarnation's stable signal, which
                // only a spec that counts retries in a row heeds
                return resetAfter != null && !own.isTransientErrors ? own.transientErrors(true) : own;
        }
    }

    /** How long an incarnation must run before the backoff sequence starts over; null when it never does. */
    @Nullable Duration resetAfter() {
        if (resetAfter != null) {
            return resetAfter;
        }
        if (kind == Kind.EXPONENTIAL_BACKOFF || (kind == Kind.CUSTOM && Objects.requireNonNull(custom).isTransientErrors)) {
            return max;
        }
        return null;
    }

    /**
     * The jitter factor.
     *
     * @return the jitter factor, 0.0 when none was set
     */
    public double jitter() {
        return jitter;
    }

    /**
     * The scheduler of restart delays and of the child's timers, and the clock of its restart
     * limit: the one given, or {@link Schedulers#single()} looked up at each use, so that
     * virtual time can replace it in tests. Not {@link Schedulers#parallel()}, where handlers
     * run by default: a synchronous handler hung on a parallel worker blocks every timer
     * queued on that worker, health checks included.
     */
    Scheduler scheduler() {
        return scheduler != null ? scheduler : SINGLE;
    }

    /**
     * Whether {@link #scheduler()} is {@link Schedulers#single()}, whose clock is the tree's
     * (the parallel scheduler's): both are Reactor's default clock, and virtual time replaces
     * both with one.
     */
    boolean onDefaultScheduler() {
        return scheduler == null;
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
                && Objects.equals(scheduler, that.scheduler) && Objects.equals(custom, that.custom);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, initial, max, multiplier, jitter, resetAfter, scheduler, custom);
    }

    @Override
    public String toString() {
        switch (kind) {
            case IMMEDIATE:
                return "RestartStrategy.immediate()";
            case DELAYED:
                return "RestartStrategy.delayed(" + initial + (jitter > 0 ? ", jitter " + jitter : "") + ")";
            case CUSTOM:
                return "RestartStrategy.of(" + custom + ")";
            default:
                return "RestartStrategy.exponentialBackoff(" + initial + ", " + max + ", " + multiplier
                        + (jitter > 0 ? ", jitter " + jitter : "") + ", resetAfter " + resetAfter() + ")";
        }
    }

    /** {@link Schedulers#single()}, looked up at each use, so that virtual time installed later replaces it. */
    private static final class LazySingle implements Scheduler {
        @Override
        public Disposable schedule(Runnable task) {
            return Schedulers.single().schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            return Schedulers.single().schedule(task, delay, unit);
        }

        @Override
        public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
            return Schedulers.single().schedulePeriodically(task, initialDelay, period, unit);
        }

        @Override
        public long now(TimeUnit unit) {
            return Schedulers.single().now(unit);
        }

        @Override
        public Worker createWorker() {
            return Schedulers.single().createWorker();
        }

        @Override
        public String toString() {
            return "Schedulers.single()";
        }
    }
}
