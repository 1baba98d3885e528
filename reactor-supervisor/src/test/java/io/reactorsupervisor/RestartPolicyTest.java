package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** PERMANENT, TRANSIENT and TEMPORARY, after a crash and after a normal exit. */
class RestartPolicyTest extends VirtualTimeTest {

    private ComponentRef<String, String> startWith(RestartPolicy policy) {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").policy(policy).build();
        return start(Supervisor.named("root").child(spec)).ref(spec);
    }

    @Test
    void permanentRestartsAfterACrash() {
        ComponentRef<String, String> ref = startWith(RestartPolicy.PERMANENT);
        ref.tell("boom");
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
    }

    @Test
    void permanentRestartsAfterANormalExit() {
        ComponentRef<String, String> ref = startWith(RestartPolicy.PERMANENT);
        StepVerifier.create(ref.ask("exit")).verifyComplete();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    @Test
    void transientRestartsAfterACrash() {
        ComponentRef<String, String> ref = startWith(RestartPolicy.TRANSIENT);
        ref.tell("boom");
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void transientStopsAfterANormalExitAndDeadLettersWhatIsQueued() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> m.equals("exit")
                        ? reactor.core.publisher.Mono.delay(java.time.Duration.ofSeconds(1))
                                .then(reactor.core.publisher.Mono.error(new NormalExit()))
                        : reactor.core.publisher.Mono.just(m))
                .policy(RestartPolicy.TRANSIENT)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("exit");
        ref.tell("queued");
        advance(1000);
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.Stopped.class).get(0).reason()).isEqualTo("normal exit, policy TRANSIENT");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("queued/COMPONENT_STOPPED");
        assertThat(ref.tell("late")).isFalse();
    }

    @Test
    void temporaryIsNotRestartedAfterACrash() {
        ComponentRef<String, String> ref = startWith(RestartPolicy.TEMPORARY);
        ref.tell("boom");
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        assertThat(events(SupervisionEvent.Failed.class).get(0).cause()).hasMessage("boom");
    }

    @Test
    void temporaryIsNotRestartedAfterANormalExit() {
        ComponentRef<String, String> ref = startWith(RestartPolicy.TEMPORARY);
        ref.tell("exit");
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
    }
}
