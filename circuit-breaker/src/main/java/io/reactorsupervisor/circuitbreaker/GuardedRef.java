package io.reactorsupervisor.circuitbreaker;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.MessageCrashedException;
import reactor.core.publisher.Mono;

/**
 * A {@link ComponentRef} whose requests go through a Resilience4j {@link CircuitBreaker}.
 * Made by {@link CircuitBreakerGuard#build()}; safe to share between threads and to keep for
 * as long as the component's ref.
 *
 * <pre>{@code
 * GuardedRef<Order, Receipt> billing = CircuitBreakerGuard.of(root.ref(billingSpec))
 *     .circuitBreaker(registry, "billing")
 *     .fallback((order, cause) -> Mono.just(Receipt.deferred(order)))
 *     .build();
 * Mono<Receipt> receipt = billing.ask(order);
 * }</pre>
 *
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public interface GuardedRef<M, R> {

    /**
     * Sends a message through the guard and returns its reply. Nothing happens until the
     * returned Mono is subscribed; each subscription is one call, which the breaker permits or
     * refuses when it is subscribed and counts once when it ends.
     *
     * <p>For each subscription, in this order:
     * <ol>
     *   <li>the breaker refuses the call with {@link CallNotPermittedException} while it is
     *       OPEN or FORCED_OPEN (or HALF_OPEN with all its trial calls taken);</li>
     *   <li>the bulkhead, if any, refuses the call when it holds its maximum of concurrent
     *       calls ({@code BulkheadFullException});</li>
     *   <li>a component that is {@link io.reactorsupervisor.ComponentState#FAILED FAILED},
     *       {@link io.reactorsupervisor.ComponentState#STOPPED STOPPED} or stopping fails the
     *       call at once with {@link ComponentUnavailableException}, without sending the
     *       message, and the breaker records that failure;</li>
     *   <li>the message is sent with {@link ComponentRef#ask(Object)}; the time limiter, if
     *       any, fails the call with a {@link java.util.concurrent.TimeoutException} when no
     *       reply came within its timeout (the message is not taken back: the component still
     *       handles it and its reply is dropped);</li>
     *   <li>the breaker records the outcome with the call's duration, from subscription to
     *       reply, measured with its own {@code currentTimestampFunction}: a success (slow if
     *       longer than its {@code slowCallDurationThreshold}), or a failure such as
     *       {@link MessageCrashedException} when the message crashed the component. A call
     *       cancelled before its reply gives its permission back to the breaker without
     *       being counted, so a cancelled trial call does not keep the breaker HALF_OPEN.</li>
     * </ol>
     * Any error of these steps, including {@link CallNotPermittedException}, goes to the
     * fallback if the guard has one; otherwise it is the error of the returned Mono.
     *
     * @param message the message
     * @return a Mono of the reply, or of the fallback's reply
     * @throws NullPointerException if {@code message} is null
     */
    Mono<R> ask(M message);

    /** @return the guarded component's ref, for unguarded use such as {@code tell} */
    ComponentRef<M, R> ref();

    /** @return the breaker that guards the calls */
    CircuitBreaker circuitBreaker();
}
