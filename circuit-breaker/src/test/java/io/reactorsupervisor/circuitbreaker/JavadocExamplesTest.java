package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The examples of the package's javadoc, compiled and run. */
class JavadocExamplesTest {

    record Order(String id) {
    }

    record Receipt(String orderId, boolean deferred) {
        static Receipt deferred(Order order) {
            return new Receipt(order.id(), true);
        }
    }

    @AfterEach
    void resetTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void circuitBreakerGuardExampleGuardsABillingComponent() {
        VirtualTimeScheduler.getOrSet();
        ComponentSpec<Order, Receipt> billingSpec = ComponentSpec.<Order, Receipt, Object>named("billing")
                .state(Object::new)
                .syncHandler((s, order) -> new Receipt(order.id(), false))
                .build();
        Supervisor root = Supervisor.named("root").child(billingSpec).start();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        Order order = new Order("o-1");

        // the example of CircuitBreakerGuard
        GuardedRef<Order, Receipt> billing = CircuitBreakerGuard.of(root.ref(billingSpec))
                .circuitBreaker(registry, "billing")                      // or circuitBreaker(CircuitBreaker)
                .fallback((o, cause) -> Mono.just(Receipt.deferred(o)))
                .timeLimiter(TimeLimiter.of(Duration.ofSeconds(2)))
                .bulkhead(Bulkhead.of("billing", BulkheadConfig.ofDefaults()))
                .build();
        // the example of GuardedRef
        Mono<Receipt> receipt = billing.ask(order);

        StepVerifier.create(receipt).expectNext(new Receipt("o-1", false)).verifyComplete();
        registry.circuitBreaker("billing").transitionToForcedOpenState();
        StepVerifier.create(billing.ask(order)).expectNext(new Receipt("o-1", true)).verifyComplete();
        assertThat(root.snapshot().render()).contains("breaker:billing=FORCED_OPEN");
        root.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
    }
}
