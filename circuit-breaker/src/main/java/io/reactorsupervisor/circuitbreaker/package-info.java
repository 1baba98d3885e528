/**
 * Resilience4j circuit breakers that guard calls between supervised components.
 *
 * <p>{@link io.reactorsupervisor.circuitbreaker.CircuitBreakerGuard} describes the guard of
 * one {@link io.reactorsupervisor.ComponentRef}: a Resilience4j
 * {@link io.github.resilience4j.circuitbreaker.CircuitBreaker}, and optionally a fallback, a
 * {@link io.github.resilience4j.timelimiter.TimeLimiter} and a
 * {@link io.github.resilience4j.bulkhead.Bulkhead}. Its
 * {@link io.reactorsupervisor.circuitbreaker.CircuitBreakerGuard#build() build()} gives a
 * {@link io.reactorsupervisor.circuitbreaker.GuardedRef} whose every {@code ask} is one call
 * that the breaker counts once. Breaker state transitions are published in the supervision
 * event stream and appear in the tree snapshot next to the guarded component.
 */
@NullMarked
package io.reactorsupervisor.circuitbreaker;

import org.jspecify.annotations.NullMarked;
