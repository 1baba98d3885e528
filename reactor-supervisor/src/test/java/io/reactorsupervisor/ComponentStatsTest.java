package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The live counters and gauges a metrics binder reads, on virtual time. */
class ComponentStatsTest extends VirtualTimeTest {

    @Test
    void countersAndGaugesReadTheComponentNow() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c")
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .limit(RestartLimit.of(3, Duration.ofSeconds(10)))
                .mailbox(Mailbox.bounded(2))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ComponentStats stats = ref.stats();
        assertThat(stats.path()).isEqualTo("root/c");
        assertThat(stats.mailboxCapacity()).isEqualTo(2);
        assertThat(stats.deadLetters(DeadLetterReason.CRASHED)).isZero();

        ref.tell("a");
        ref.tell("boom 1"); // IllegalStateException: a restart
        advance(1);
        ref.tell("boom 2");
        advance(1);
        assertThat(stats.crashes()).isEqualTo(2);
        assertThat(stats.restarts()).isEqualTo(2);
        assertThat(stats.restartsInWindow()).isEqualTo(2);
        assertThat(stats.handled()).isEqualTo(1);
        assertThat(stats.deadLetters()).isEqualTo(2);
        assertThat(stats.deadLetters(DeadLetterReason.CRASHED)).isEqualTo(2);
        assertThat(stats.state()).isEqualTo(ComponentState.RUNNING);

        advance(Duration.ofSeconds(10)); // the window moves on
        assertThat(stats.restartsInWindow()).isZero();
        assertThat(stats.restarts()).isEqualTo(2); // the counters do not
        root.shutdown(Duration.ofSeconds(1)).subscribe();
        advance(Duration.ofSeconds(1));
        assertThat(ref.tell("late")).isFalse();
        assertThat(stats.deadLetters(DeadLetterReason.SHUT_DOWN)).isEqualTo(1);
        assertThat(stats.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(stats.circuitBreakers()).isEmpty();
    }

    @Test
    void aRefThatIsNotTheTreesHasNoStats() {
        ComponentRef<String, String> wrapper = new ComponentRef<>() {
            @Override
            public String name() {
                return "w";
            }

            @Override
            public String path() {
                return "w";
            }

            @Override
            public boolean tell(String message) {
                return false;
            }

            @Override
            public Mono<String> ask(String message) {
                return Mono.empty();
            }

            @Override
            public ComponentState state() {
                return ComponentState.RUNNING;
            }

            @Override
            public int mailboxDepth() {
                return 0;
            }
        };
        assertThatThrownBy(wrapper::stats).isInstanceOf(UnsupportedOperationException.class);
    }
}
