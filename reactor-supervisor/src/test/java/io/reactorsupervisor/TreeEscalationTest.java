package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Nested supervisors: degraded mode, escalation one level up, escalation to the root. */
class TreeEscalationTest extends VirtualTimeTest {

    private static ComponentSpec<String, String> crashLooping(String name) {
        return ComponentTest.memo(name)
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .build();
    }

    /** Crashes the leaf until it gives up: two restarts allowed, the third crash is one too many. */
    private void crashUntilItGivesUp(ComponentRef<String, String> leaf) {
        for (int i = 0; i < 3; i++) {
            leaf.tell("boom");
            advance(1000);
        }
    }

    @Test
    void degradedModeKeepsTheRestRunning() {
        Supervisor root = start(Supervisor.named("root")
                .child(Supervisor.named("mid").child(crashLooping("leaf")).child(ComponentTest.memo("ok").build())));
        crashUntilItGivesUp(root.ref("mid/leaf"));
        assertThat(root.ref("mid/leaf").state()).isEqualTo(ComponentState.FAILED);
        assertThat(root.supervisor("mid").snapshot().state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(root.<String, String>ref("mid/ok").ask("x")).expectNext("1:x").verifyComplete();
        assertThat(events(SupervisionEvent.Escalated.class)).isEmpty();
    }

    @Test
    void aLeafCrashLoopEscalatesOneLevelAndNoFurther() {
        Supervisor root = start(Supervisor.named("root")
                .child(ComponentTest.memo("sibling").build())
                .child(Supervisor.named("mid")
                        .escalateOnFailure()
                        .restart(RestartStrategy.delayed(Duration.ofSeconds(5)))
                        .child(ComponentTest.memo("before").build())
                        .child(crashLooping("leaf"))));
        ComponentRef<String, String> before = root.ref("mid/before");
        before.tell("kept state?");
        crashUntilItGivesUp(root.ref("mid/leaf"));

        // mid escalated: root restarts the whole subtree after mid's own delay
        assertThat(events(SupervisionEvent.Escalated.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/mid");
        assertThat(events(SupervisionEvent.Escalated.class).get(0).cause())
                .isInstanceOf(RestartLimitExceededException.class);
        assertThat(events(SupervisionEvent.Restarting.class, "root/mid")).hasSize(1);
        assertThat(before.state()).isEqualTo(ComponentState.RESTARTING);
        Mono<String> queued = before.ask("queued meanwhile").cache();
        queued.subscribe(v -> { }, e -> { });
        advance(5000);

        // the subtree runs again with fresh state; the leaf's restart window started over
        assertThat(root.ref("mid/leaf").state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(queued).expectNext("1:queued meanwhile").verifyComplete();
        assertThat(root.supervisor("mid").snapshot().restarts()).isEqualTo(1);
        // no further: the root and the sibling never noticed
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        assertThat(root.ref("sibling").state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Escalated.class, "root")).isEmpty();
        StepVerifier.create(root.termination()).expectSubscription().expectNoEvent(Duration.ZERO).thenCancel()
                .verify();
    }

    @Test
    void escalationReachingTheRootTerminatesTheTreeWithTheCause() {
        Supervisor root = start(Supervisor.named("root")
                .escalateOnFailure()
                .child(ComponentTest.memo("other").build())
                .child(Supervisor.named("mid")
                        .escalateOnFailure()
                        .limit(RestartLimit.of(1, Duration.ofMinutes(10)))
                        .child(crashLooping("leaf"))));
        ComponentRef<String, String> other = root.ref("other");
        crashUntilItGivesUp(root.ref("mid/leaf")); // mid escalates once: root restarts it
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        crashUntilItGivesUp(root.ref("mid/leaf")); // mid escalates again: past its own limit, root escalates
        StepVerifier.create(root.termination())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EscalationException.class)
                        .hasMessageStartingWith("Supervisor 'root' escalated: ")
                        .satisfies(x -> assertThat(((EscalationException) x).path()).isEqualTo("root")))
                .verify();
        assertThat(events(SupervisionEvent.Escalated.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/mid", "root/mid", "root");
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.FAILED);
        assertThat(other.state()).isEqualTo(ComponentState.FAILED);
        assertThat(other.tell("late")).isFalse();
        StepVerifier.create(root.events()).thenConsumeWhile(e -> true).verifyComplete();
    }

    @Test
    void aNestedSupervisorsChildrenAreReachableByPath() {
        ComponentSpec<String, String> deep = ComponentTest.memo("deep").build();
        Supervisor root = start(Supervisor.named("root")
                .child(Supervisor.named("a").child(Supervisor.named("b").child(deep))));
        assertThat(root.ref(deep).path()).isEqualTo("root/a/b/deep");
        assertThat(root.ref("a/b/deep")).isSameAs(root.ref(deep));
        assertThat(root.supervisor("a/b").path()).isEqualTo("root/a/b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.ref("a/nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no child 'a/nope' under 'root'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.ref("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'root/a' is a supervisor, not a component");
    }
}
