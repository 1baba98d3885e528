package io.reactorsupervisor.circuitbreaker;

import java.util.Objects;
import java.util.function.BiFunction;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The guarded ref: each ask is {@code CircuitBreaker(TimeLimiter(Bulkhead(availability check,
 * ask)))} with the fallback outside, all Resilience4j's own Reactor operators applied with
 * {@code transformDeferred}, so that each subscription is one call.
 */
final class DefaultGuardedRef<M, R> implements GuardedRef<M, R> {

    private final ComponentRef<M, R> ref;
    private final CircuitBreaker circuitBreaker;
    private final @Nullable BiFunction<? super M, ? super Throwable, ? extends Mono<? extends R>> fallback;
    private final CircuitBreakerOperator<R> breakerOperator;
    private final @Nullable TimeLimiterOperator<R> timeLimiterOperator;
    private final @Nullable BulkheadOperator<R> bulkheadOperator;

    DefaultGuardedRef(ComponentRef<M, R> ref, CircuitBreaker circuitBreaker,
            @Nullable BiFunction<? super M, ? super Throwable, ? extends Mono<? extends R>> fallback,
            @Nullable TimeLimiter timeLimiter, @Nullable Bulkhead bulkhead) {
        this.ref = ref;
        this.circuitBreaker = circuitBreaker;
        this.fallback = fallback;
        this.breakerOperator = CircuitBreakerOperator.of(circuitBreaker);
        this.timeLimiterOperator = timeLimiter == null ? null : TimeLimiterOperator.of(timeLimiter);
        this.bulkheadOperator = bulkhead == null ? null : BulkheadOperator.of(bulkhead);
    }

    @Override
    public Mono<R> ask(M message) {
        Objects.requireNonNull(message, "message");
        Mono<R> call = Mono.defer(() -> send(message));
        if (bulkheadOperator != null) {
            call = call.transformDeferred(bulkheadOperator);
        }
        if (timeLimiterOperator != null) {
            call = call.transformDeferred(timeLimiterOperator);
        }
        call = call.transformDeferred(breakerOperator);
        if (fallback != null) {
            call = call.onErrorResume(cause -> degrade(message, cause));
        }
        return call;
    }

    /** Sends the message, or fails fast without sending it when the component takes none. */
    private Mono<R> send(M message) {
        ComponentState state = ref.state();
        if (state == ComponentState.STOPPING || state.isTerminal()) {
            return Mono.error(new ComponentUnavailableException(ref.path(), state, null));
        }
        return ref.ask(message);
    }

    private Mono<? extends R> degrade(M message, Throwable cause) {
        Mono<? extends R> reply = Objects.requireNonNull(fallback).apply(message, cause);
        if (reply == null) {
            NullPointerException npe = new NullPointerException(
                    "fallback of the guard of '" + ref.path() + "' returned null instead of a Mono");
            npe.addSuppressed(cause);
            return Mono.error(npe);
        }
        return reply;
    }

    @Override
    public ComponentRef<M, R> ref() {
        return ref;
    }

    @Override
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    @Override
    public String toString() {
        return "GuardedRef[" + ref.path() + ", breaker '" + circuitBreaker.getName() + "' "
                + circuitBreaker.getState() + "]";
    }
}
