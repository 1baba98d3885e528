package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Every way a child leaves its tree says so, once. On virtual time. */
class RemovedEventTest extends VirtualTimeTest {

    @Test
    void removeChildAndATemporaryChildThatEndsAreRemoved() {
        ComponentSpec<String, String> kept = ComponentTest.memo("kept").build();
        ComponentSpec<String, String> temporary = ComponentTest.memo("temporary").policy(RestartPolicy.TEMPORARY)
                .build();
        Supervisor root = start(Supervisor.named("root").child(kept).child(temporary));
        root.ref(temporary).tell("boom");
        advance(1);
        StepVerifier.create(root.removeChild("kept", Duration.ofSeconds(1))).verifyComplete();
        advance(1);
        assertThat(kinds("root/temporary")).endsWith("Failed", "Removed");
        assertThat(kinds("root/kept")).endsWith("Removed", "Stopped"); // taken out at once, then stopped
        assertThat(events(SupervisionEvent.Removed.class)).hasSize(2);
        assertThat(root.snapshot().children()).isEmpty();
    }

    @Test
    void aChildAlreadyStoppedOrFailedIsRemovedToo() {
        ComponentSpec<String, String> stopped = ComponentTest.memo("stopped").build();
        ComponentSpec<String, String> failed = ComponentTest.memo("failed")
                .limit(RestartLimit.of(0, Duration.ofMinutes(1))).build();
        Supervisor root = start(Supervisor.named("root").child(stopped).child(failed));
        StepVerifier.create(root.stopChild("stopped", Duration.ofSeconds(1))).verifyComplete();
        root.ref(failed).tell("boom");
        advance(1);
        assertThat(events(SupervisionEvent.Removed.class)).isEmpty();
        StepVerifier.create(root.removeChild("stopped", Duration.ofSeconds(1))).verifyComplete();
        StepVerifier.create(root.removeChild("failed", Duration.ofSeconds(1))).verifyComplete();
        advance(1);
        assertThat(events(SupervisionEvent.Removed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/stopped", "root/failed");
    }

    @Test
    void aChildStartedAtRuntimeIsRemovedWhenItsSupervisorRestarts() {
        ComponentSpec<String, String> declared = ComponentTest.memo("declared").build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("mid").escalateOnFailure()
                .child(declared)));
        Supervisor mid = root.supervisor("mid");
        StepVerifier.create(mid.startChild(ComponentTest.memo("runtime").build())).verifyComplete();
        StepVerifier.create(root.restartChild("mid")).verifyComplete();
        advance(1);
        assertThat(events(SupervisionEvent.Removed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/mid/runtime");
        assertThat(((SupervisorSnapshot) root.snapshot().child("mid")).children()).extracting(ChildSnapshot::name)
                .containsExactly("declared");
    }

    @Test
    void aStartChildThatCannotStartIsRemoved() {
        Supervisor root = start(Supervisor.named("root"));
        ComponentSpec<String, String> broken = ComponentSpec.<String, String, Object>named("broken")
                .state(() -> {
                    throw new IllegalStateException("no state");
                })
                .syncHandler((s, m) -> m)
                .build();
        StepVerifier.create(root.startChild(broken)).expectError(ChildStartException.class).verify();
        advance(1);
        assertThat(events(SupervisionEvent.Removed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/broken");
    }
}
