package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** {@link ComponentSpec#toBuilder()} copies everything, and the copy changes nothing of the original. */
class ComponentSpecToBuilderTest {

    @Test
    void aCopyKeepsEveryValueAndBehaviourItIsNotToldToChange() {
        ComponentSpec<String, String> original = ComponentSpec.<String, String, List<String>>named("billing")
                .state(ArrayList::new)
                .handler((log, m) -> {
                    if (m.equals("bad")) {
                        return Mono.error(new IllegalArgumentException("bad"));
                    }
                    log.add(m);
                    return Mono.just(m + log.size());
                })
                .restart(RestartStrategy.delayed(Duration.ofMillis(5)))
                .limit(RestartLimit.of(3, Duration.ofSeconds(9)))
                .policy(RestartPolicy.TRANSIENT)
                .mailbox(Mailbox.bounded(7))
                .redeliveries(2)
                .healthCheck(HealthCheck.every(Duration.ofSeconds(1)))
                .processingTimeout(Duration.ofSeconds(4), Directive.STOP)
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .readinessThreshold(0.5)
                .describeMessages(m -> "order " + m)
                .build();

        ComponentSpec<String, String> copy = original.toBuilder().mailbox(Mailbox.bounded(99)).build();

        assertThat(copy.mailbox()).isEqualTo(Mailbox.bounded(99));
        assertThat(original.mailbox()).isEqualTo(Mailbox.bounded(7));
        assertThat(copy.name()).isEqualTo("billing");
        assertThat(copy.restartStrategy()).isEqualTo(original.restartStrategy());
        assertThat(copy.restartLimit()).isEqualTo(original.restartLimit());
        assertThat(copy.restartPolicy()).isEqualTo(RestartPolicy.TRANSIENT);
        assertThat(copy.redeliveries()).isEqualTo(2);
        assertThat(copy.healthCheck()).isEqualTo(original.healthCheck());
        assertThat(copy.processingTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(copy.processingTimeoutDirective()).isEqualTo(Directive.STOP);
        assertThat(copy.directiveFor(new IllegalArgumentException())).isEqualTo(Directive.RESUME);
        assertThat(copy.readinessThreshold()).isEqualTo(0.5);
        assertThat(copy.describe("42")).isEqualTo("order 42");
        assertThat(copy.blocking()).isEqualTo(original.blocking());

        Supervisor root = Supervisor.named("root").child(copy).start();
        try {
            ComponentRef<String, String> ref = root.ref(copy);
            assertThat(ref.ask("a").block(Duration.ofSeconds(5))).isEqualTo("a1");
            assertThat(ref.ask("b").block(Duration.ofSeconds(5))).isEqualTo("b2");
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
