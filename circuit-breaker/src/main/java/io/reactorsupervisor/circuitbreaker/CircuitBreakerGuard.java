package io.reactorsupervisor.circuitbreaker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.reactorsupervisor.ComponentRef;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The immutable description of a guard on calls to one component: a Resilience4j
 * {@link CircuitBreaker}, and optionally a fallback, a {@link TimeLimiter} and a
 * {@link Bulkhead}. {@link #build()} makes the {@link GuardedRef} that callers use.
 *
 * <pre>{@code
 * GuardedRef<Order, Receipt> billing = CircuitBreakerGuard.of(root.ref(billingSpec))
 *     .circuitBreaker(registry, "billing")                      // or circuitBreaker(CircuitBreaker)
 *     .fallback((order, cause) -> Mono.just(Receipt.deferred(order)))
 *     .timeLimiter(TimeLimiter.of(Duration.ofSeconds(2)))
 *     .bulkhead(Bulkhead.of("billing", BulkheadConfig.ofDefaults()))
 *     .build();
 * }</pre>
 *
 * <p>Every method returns a new guard and leaves this one unchanged, so a guard can be kept
 * as a template, like Reactor's {@code RetryBackoffSpec}. Each checks its argument when it
 * is given: a null argument is a {@link NullPointerException} naming the parameter.
 *
 * <p>The decorators are applied in the order Resilience4j recommends:
 * {@code CircuitBreaker(TimeLimiter(Bulkhead(ask)))}, with the fallback outside them all. So
 * a time-limiter timeout and a bulkhead rejection are outcomes the breaker records as
 * failures, unless its config ignores them (for example
 * {@code CircuitBreakerConfig.custom().ignoreExceptions(BulkheadFullException.class)}).
 *
 * <p><b>Measuring on the breaker's clock.</b> Resilience4j measures a call's duration with
 * the config's {@code currentTimestampFunction}, by default {@code System.nanoTime()}: the
 * config's {@code clock} only decides when OPEN turns HALF_OPEN. For slow calls to be
 * measured on the clock too (a test clock, or one that follows virtual time), configure
 * {@code .currentTimestampFunction(clock -> clock.millis(), TimeUnit.MILLISECONDS)}.
 *
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public final class CircuitBreakerGuard<M, R> {

    private final ComponentRef<M, R> ref;
    private final @Nullable CircuitBreaker circuitBreaker;
    private final @Nullable BiFunction<? super M, ? super Throwable, ? extends Mono<? extends R>> fallback;
    private final @Nullable TimeLimiter timeLimiter;
    private final @Nullable Bulkhead bulkhead;
    private final @Nullable ComponentRef<?, ?> reportTo;

    private CircuitBreakerGuard(ComponentRef<M, R> ref, @Nullable CircuitBreaker circuitBreaker,
            @Nullable BiFunction<? super M, ? super Throwable, ? extends Mono<? extends R>> fallback,
            @Nullable TimeLimiter timeLimiter, @Nullable Bulkhead bulkhead, @Nullable ComponentRef<?, ?> reportTo) {
        this.ref = ref;
        this.circuitBreaker = circuitBreaker;
        this.fallback = fallback;
        this.timeLimiter = timeLimiter;
        this.bulkhead = bulkhead;
        this.reportTo = reportTo;
    }

    /**
     * Starts the description of a guard on calls to a component.
     *
     * @param ref the component to guard
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return a guard without breaker yet: give one with {@link #circuitBreaker(CircuitBreaker)}
     *     or {@link #circuitBreaker(CircuitBreakerRegistry, String)}
     * @throws NullPointerException if {@code ref} is null
     */
    public static <M, R> CircuitBreakerGuard<M, R> of(ComponentRef<M, R> ref) {
        return new CircuitBreakerGuard<>(Objects.requireNonNull(ref, "ref"), null, null, null, null, null);
    }

    /**
     * The breaker that counts the calls. Required (this method or one of the registry
     * variants); the last one given wins. A breaker may guard several components and be
     * given to several guards.
     *
     * @param circuitBreaker the breaker
     * @return a copy with this breaker
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    public CircuitBreakerGuard<M, R> circuitBreaker(CircuitBreaker circuitBreaker) {
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        return new CircuitBreakerGuard<>(ref, circuitBreaker, fallback, timeLimiter, bulkhead, reportTo);
    }

    /**
     * The breaker of this name in the registry, created now with the registry's default
     * config if the registry has none of that name.
     *
     * @param registry the registry
     * @param name the breaker's name, non-blank
     * @return a copy with this breaker
     * @throws NullPointerException if {@code registry} or {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public CircuitBreakerGuard<M, R> circuitBreaker(CircuitBreakerRegistry registry, String name) {
        Objects.requireNonNull(registry, "registry");
        return circuitBreaker(registry.circuitBreaker(nonBlank(name)));
    }

    /**
     * The breaker of this name in the registry, created now with {@code config} if the
     * registry has none of that name. A breaker that already exists keeps its own config, as
     * {@link CircuitBreakerRegistry#circuitBreaker(String, CircuitBreakerConfig)} does.
     *
     * @param registry the registry
     * @param name the breaker's name, non-blank
     * @param config the config of a breaker created now
     * @return a copy with this breaker
     * @throws NullPointerException if {@code registry}, {@code name} or {@code config} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public CircuitBreakerGuard<M, R> circuitBreaker(CircuitBreakerRegistry registry, String name,
            CircuitBreakerConfig config) {
        Objects.requireNonNull(registry, "registry");
        nonBlank(name);
        Objects.requireNonNull(config, "config");
        return circuitBreaker(registry.circuitBreaker(name, config));
    }

    /**
     * The degraded mode: the reply given instead of an error, while the breaker does not
     * permit calls ({@link CallNotPermittedException}) or when a call failed (the component
     * was unavailable, the message crashed it, the time limiter or bulkhead refused it). The
     * fallback can look at the cause and return {@code Mono.error(cause)} to pass it on.
     * Without a fallback, callers get the error itself.
     *
     * @param fallback gives the reply from the message and the cause; must not return null
     * @return a copy with this fallback
     * @throws NullPointerException if {@code fallback} is null
     */
    public CircuitBreakerGuard<M, R> fallback(
            BiFunction<? super M, ? super Throwable, ? extends Mono<? extends R>> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return new CircuitBreakerGuard<>(ref, circuitBreaker, fallback, timeLimiter, bulkhead, reportTo);
    }

    /**
     * Fails a call with a {@link java.util.concurrent.TimeoutException} when no reply came
     * within the limiter's timeout, a failure the breaker records. The timeout runs on
     * {@code Schedulers.parallel()}, so virtual time drives it in tests. The message is not
     * taken back: the component still handles it, and its reply is dropped.
     *
     * @param timeLimiter the time limiter
     * @return a copy with this time limiter
     * @throws NullPointerException if {@code timeLimiter} is null
     */
    public CircuitBreakerGuard<M, R> timeLimiter(TimeLimiter timeLimiter) {
        Objects.requireNonNull(timeLimiter, "timeLimiter");
        return new CircuitBreakerGuard<>(ref, circuitBreaker, fallback, timeLimiter, bulkhead, reportTo);
    }

    /**
     * Bounds the calls in flight: a call beyond the bulkhead's {@code maxConcurrentCalls}
     * fails at once with {@code BulkheadFullException}. The bulkhead must not wait for a
     * permission ({@code maxWaitDuration} zero, its default), because waiting would block the
     * subscribing thread, often a component's.
     *
     * @param bulkhead the semaphore bulkhead
     * @return a copy with this bulkhead
     * @throws NullPointerException if {@code bulkhead} is null
     * @throws IllegalArgumentException if the bulkhead's {@code maxWaitDuration} is not zero
     */
    public CircuitBreakerGuard<M, R> bulkhead(Bulkhead bulkhead) {
        Objects.requireNonNull(bulkhead, "bulkhead");
        Duration wait = bulkhead.getBulkheadConfig().getMaxWaitDuration();
        if (!wait.isZero()) {
            throw new IllegalArgumentException("maxWaitDuration of bulkhead '" + bulkhead.getName()
                    + "' must be zero (a guarded call must not block its thread), but was " + wait);
        }
        return new CircuitBreakerGuard<>(ref, circuitBreaker, fallback, timeLimiter, bulkhead, reportTo);
    }

    /**
     * Reports the breaker's states to this component instead of the guarded ref: for a guard
     * over a wrapper of a component's ref (one that counts or logs what it sends), give the
     * ref the supervisor handed out, which the tree knows.
     *
     * @param component the component whose events and snapshot show the breaker
     * @return a copy that reports there
     * @throws NullPointerException if {@code component} is null
     */
    public CircuitBreakerGuard<M, R> reportTo(ComponentRef<?, ?> component) {
        Objects.requireNonNull(component, "component");
        return new CircuitBreakerGuard<>(ref, circuitBreaker, fallback, timeLimiter, bulkhead, component);
    }

    /**
     * Makes the guarded ref. The first guard built for a pair of breaker and component
     * subscribes to the breaker's state transitions, which from then on are reported through
     * {@link io.reactorsupervisor.GuardReports}, holding the component weakly: each one is published
     * as a {@code SupervisionEvent.CircuitStateChanged} and the breaker's state appears next
     * to the component in the tree snapshot. That first build also reports the breaker's
     * current state, as a change from that state to itself. Later builds for the same pair
     * share the subscription.
     *
     * @return the guarded ref
     * @throws IllegalStateException if no breaker was given
     */
    public GuardedRef<M, R> build() {
        CircuitBreaker cb = circuitBreaker;
        if (cb == null) {
            throw new IllegalStateException("guard of '" + ref.path() + "': a circuit breaker is required, call "
                    + "circuitBreaker(CircuitBreaker) or circuitBreaker(CircuitBreakerRegistry, String)");
        }
        CircuitStateReporter.attach(cb, reportTo != null ? reportTo : ref);
        return new DefaultGuardedRef<>(ref, cb, fallback, timeLimiter, bulkhead);
    }

    @Override
    public String toString() {
        return "CircuitBreakerGuard[" + ref.path() + ", breaker " + (circuitBreaker == null ? "none"
                : "'" + circuitBreaker.getName() + "'") + (fallback != null ? ", fallback" : "")
                + (timeLimiter != null ? ", timeLimiter '" + timeLimiter.getName() + "'" : "")
                + (bulkhead != null ? ", bulkhead '" + bulkhead.getName() + "'" : "") + "]";
    }

    private static String nonBlank(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must be non-blank, but was '" + name + "'");
        }
        return name;
    }
}
