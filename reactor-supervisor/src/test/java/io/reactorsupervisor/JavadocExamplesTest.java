package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The examples in the public javadoc, compiled and run: keep them identical to the javadoc. */
class JavadocExamplesTest extends VirtualTimeTest {

    record Order(String id, long cents) {
    }

    record Receipt(String orderId, long balance) {
    }

    static final class Ledger {
        private long balance;

        Mono<Receipt> charge(Order order) {
            balance += order.cents();
            return Mono.just(new Receipt(order.id(), balance));
        }
    }

    static final class InvalidOrderException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidOrderException(String message) {
            super(message);
        }
    }

    @Test
    void onFailureExample() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, int[]>named("orders")
            .state(() -> new int[1])
            .syncHandler((count, m) -> {
                if (m.startsWith("invalid")) {
                    throw new InvalidOrderException(m);
                }
                if (m.equals("broken")) {
                    throw new IllegalStateException(m);
                }
                return ++count[0] + ":" + m;
            })
            // ComponentSpec.Builder.onFailure
            .onFailure(InvalidOrderException.class, Directive.RESUME) // reject the order, keep the state
            .onFailure(IllegalStateException.class, Directive.STOP)
            .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(ref.ask("invalid b")).expectError(InvalidOrderException.class).verify();
        StepVerifier.create(ref.ask("c")).expectNext("2:c").verifyComplete();
        ref.tell("broken");
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
    }

    @Test
    void componentSpecAndSupervisorExamples() {
        // ComponentSpec
        ComponentSpec<Order, Receipt> billing = ComponentSpec.<Order, Receipt, Ledger>named("billing")
            .state(Ledger::new)                               // fresh state for every incarnation
            .handler((ledger, order) -> ledger.charge(order)) // returns Mono<Receipt>
            .restart(RestartStrategy.exponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0))
            .limit(RestartLimit.of(5, Duration.ofSeconds(60)))
            .policy(RestartPolicy.PERMANENT)
            .mailbox(Mailbox.bounded(10_000))
            .build();

        ComponentSpec<String, String> parser = ComponentTest.memo("parser").build();
        ComponentSpec<String, String> router = ComponentTest.memo("router").build();

        // SupervisorSpec
        Supervisor root = Supervisor.named("root")
            .strategy(SupervisionStrategy.ONE_FOR_ONE)
            .child(billing)
            .child(Supervisor.named("api").strategy(SupervisionStrategy.REST_FOR_ONE).child(parser).child(router))
            .start();

        // Supervisor
        List<SupervisionEvent> seen = new ArrayList<>();
        Order order = new Order("o-1", 250);
        ComponentRef<Order, Receipt> ref = root.ref(billing);
        ref.tell(order);                                  // fire and forget
        Mono<Receipt> receipt = ref.ask(order);           // request/reply
        root.events().subscribe(seen::add);               // Flux<SupervisionEvent>
        StepVerifier.create(receipt).expectNext(new Receipt("o-1", 500)).verifyComplete();
        root.shutdown(Duration.ofSeconds(5)).block();

        assertThat(seen).filteredOn(e -> e instanceof SupervisionEvent.Started).extracting(SupervisionEvent::path)
                .containsExactly("root", "root/billing", "root/api", "root/api/parser", "root/api/router");
        assertThat(root.termination().block(Duration.ofSeconds(1))).isNull();
    }

    @Test
    void restartStrategyExample() {
        RestartStrategy backoff = RestartStrategy
            .exponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0)
            .withJitter(0.2)
            .withResetAfter(Duration.ofMinutes(2));
        assertThat(backoff.jitter()).isEqualTo(0.2);
        assertThat(backoff.resetAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void healthCheckExample() {
        HealthCheck check =
        HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)).withUnhealthyAfter(3)
        ;
        assertThat(check).hasToString("HealthCheck.every(PT10S).withTimeout(PT5S).withUnhealthyAfter(3)");
    }
}
