package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Readiness, per component and for the tree, separate from liveness, on virtual time. */
class ReadinessTest extends VirtualTimeTest {

    /** Each message takes one second; "boom" crashes. */
    private static ComponentSpec.Builder<String, String, Object> oneSecondEach(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> m.equals("boom") ? Mono.error(new IllegalStateException("boom"))
                        : Mono.delay(Duration.ofSeconds(1)).thenReturn(m));
    }

    @Test
    void aComponentIsNotReadyWhileItsMailboxIsAboveItsThreshold() {
        ComponentSpec<String, String> spec = oneSecondEach("c").mailbox(Mailbox.bounded(10)).readinessThreshold(0.5)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec).child(oneSecondEach("other").build()));
        assertThat(root.readiness()).isEqualTo(new Readiness(true, Map.of()));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 6; i++) {
            ref.tell("m" + i); // one in progress, five waiting: at the threshold, still ready
        }
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).ready()).isTrue();
        ref.tell("m6"); // six waiting, above half of ten
        ComponentSnapshot c = (ComponentSnapshot) root.snapshot().child("c");
        assertThat(c.ready()).isFalse();
        assertThat(c.state()).isEqualTo(ComponentState.RUNNING); // live, but not ready
        assertThat(root.readiness().ready()).isFalse();
        assertThat(root.readiness().notReady()).containsExactly(
                Map.entry("root/c", "mailbox above its readiness threshold (6 waiting)"));
        assertThat(root.snapshot().render()).contains("c [component] RUNNING restarts=0 mailbox=6 handled=0 dead=0 "
                + "not-ready");
        advance(Duration.ofSeconds(1)); // five waiting again
        assertThat(root.readiness().ready()).isTrue();
    }

    @Test
    void aComponentIsNotReadyWhileItRestarts() {
        ComponentSpec<String, String> spec = oneSecondEach("c").restart(RestartStrategy.delayed(Duration.ofSeconds(5)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.ref(spec).tell("boom");
        advance(1);
        assertThat(root.readiness()).isEqualTo(new Readiness(false, Map.of("root/c", "RESTARTING")));
        advance(Duration.ofSeconds(5));
        assertThat(root.readiness().ready()).isTrue();
    }

    @Test
    void aStoppedChildDoesNotCountAndAFailedOneDoes() {
        ComponentSpec<String, String> stopped = oneSecondEach("stopped").build();
        ComponentSpec<String, String> failed = oneSecondEach("failed").limit(RestartLimit.of(0, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(stopped).child(Supervisor.named("sub").child(failed)));
        root.stopChild("stopped", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(root.readiness().ready()).isTrue();
        root.ref("sub/failed").tell("boom");
        advance(1);
        assertThat(root.readiness()).isEqualTo(new Readiness(false, Map.of("root/sub/failed", "FAILED")));
        assertThat(root.supervisor("sub").readiness().ready()).isFalse();
    }

    @Test
    void theThresholdIsCheckedWhenGiven() {
        for (double bad : new double[] {0.0, -0.5, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> oneSecondEach("c").readinessThreshold(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("readinessThreshold must be above 0 and at most 1, but was " + bad);
        }
        assertThat(oneSecondEach("c").readinessThreshold(1.0).build().readinessThreshold()).isEqualTo(1.0);
        assertThat(oneSecondEach("c").build().readinessThreshold())
                .isEqualTo(ComponentSpec.Builder.DEFAULT_READINESS_THRESHOLD);
    }

    @Test
    void anUnboundedMailboxIsNeverAboveItsThreshold() {
        ComponentSpec<String, String> spec = oneSecondEach("c").mailbox(Mailbox.unbounded()).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        for (int i = 0; i < 10_000; i++) {
            root.ref(spec).tell("m");
        }
        assertThat(root.readiness().ready()).isTrue();
    }
}
