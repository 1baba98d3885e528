package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Starting, stopping, restarting and removing children at runtime; the tree snapshot. */
class DynamicChildrenTest extends VirtualTimeTest {

    @Test
    void childrenCanBeStartedStoppedRestartedAndRemovedByName() {
        Supervisor root = start(Supervisor.named("root").maxChildren(2).child(ComponentTest.memo("a").build()));
        ComponentSpec<String, String> b = ComponentTest.memo("b").build();
        root.startChild(b);
        StepVerifier.create(root.ref(b).ask("x")).expectNext("1:x").verifyComplete();

        StepVerifier.create(root.stopChild("b", Duration.ofSeconds(1))).verifyComplete();
        assertThat(root.ref(b).state()).isEqualTo(ComponentState.STOPPED);
        root.restartChild("b");
        assertThat(root.ref(b).state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(root.ref(b).ask("y")).expectNext("1:y").verifyComplete();

        root.ref(b).tell("y2");
        root.restartChild("b"); // a running child: a fresh incarnation
        StepVerifier.create(root.ref(b).ask("z")).expectNext("1:z").verifyComplete();

        StepVerifier.create(root.removeChild("b", Duration.ofSeconds(1))).verifyComplete();
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("a");
        root.startChild(ComponentTest.memo("b").build()); // the name is free again
    }

    @Test
    void aFailedChildCanBeRestartedWithAFreshWindow() {
        ComponentSpec<String, String> c = ComponentTest.memo("c").limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(c));
        root.ref(c).tell("boom");
        root.ref(c).tell("boom");
        assertThat(root.ref(c).state()).isEqualTo(ComponentState.FAILED);
        root.restartChild("c");
        assertThat(root.ref(c).state()).isEqualTo(ComponentState.RUNNING);
        root.ref(c).tell("boom"); // one restart allowed again
        assertThat(root.ref(c).state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aChildStoppedWhileWaitingForAGroupRestartIsRevivedByRestartChild() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.REST_FOR_ONE)
                .child(ComponentTest.memo("a").restart(RestartStrategy.delayed(Duration.ofSeconds(10))).build())
                .child(ComponentTest.memo("b").build()));
        root.<String, String>ref("a").tell("boom"); // a and b wait 10 s for their group restart
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.RESTARTING);
        StepVerifier.create(root.stopChild("b", Duration.ofSeconds(1))).verifyComplete();
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.STOPPED);
        root.restartChild("b");
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.RUNNING);
        advance(Duration.ofSeconds(10)); // the group's timer finds b's old gate gone
        assertThat(root.ref("a").state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(root.<String, String>ref("b").ask("x")).expectNext("1:x").verifyComplete();
    }

    @Test
    void aSlowEventSubscriberGetsTheNewestEventsWhenItAsksAndLosesOnlyTheOldest() {
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(ComponentTest.memo("a").limit(RestartLimit.unlimited()).build()));
        StepVerifier.create(root.events(), 0)
                .then(() -> {
                    for (int i = 0; i < 2000; i++) {
                        root.<String, String>ref("a").tell("boom"); // crashed, dead letter, restarting, restarted
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(1023) // 8,002 events happened; the newest 1,024 waited
                .assertNext(e -> assertThat(e).isInstanceOfSatisfying(SupervisionEvent.Restarted.class,
                        r -> assertThat(r.restarts()).isEqualTo(2000)))
                .expectNoEvent(Duration.ZERO)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void unknownAndDuplicateNamesAndTheMaximumAreRefusedClearly() {
        Supervisor root = start(Supervisor.named("root").maxChildren(1).child(ComponentTest.memo("a").build()));
        assertThatThrownBy(() -> root.startChild(ComponentTest.memo("a").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("child name must be unique within supervisor 'root', but 'a' is taken");
        assertThatThrownBy(() -> root.startChild(ComponentTest.memo("b").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisor 'root' holds at most 1 children, but 'b' would be child 2");
        assertThatThrownBy(() -> root.restartChild("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisor 'root' has no child named 'nope'");
        assertThatThrownBy(() -> root.stopChild("nope", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisor 'root' has no child named 'nope'");
        assertThatThrownBy(() -> root.removeChild("nope", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisor 'root' has no child named 'nope'");
        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).verifyComplete();
        assertThatThrownBy(() -> root.startChild(ComponentTest.memo("c").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("supervisor 'root' is STOPPED and cannot start children");
    }

    @Test
    void theSnapshotShowsEachChildsKindStateRestartsMailboxAndUptime() {
        ComponentSpec<String, String> busy = ComponentSpec.<String, String, Object>named("busy")
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofHours(1)).thenReturn(m))
                .build();
        Supervisor root = start(Supervisor.named("root")
                .child(ComponentTest.memo("a").build())
                .child(Supervisor.named("api").strategy(SupervisionStrategy.REST_FOR_ONE).child(busy)
                        .child(ComponentTest.memo("b").restart(RestartStrategy.delayed(Duration.ofMinutes(5)))
                                .build())));
        advance(Duration.ofSeconds(30));
        root.ref("a").tell("boom");
        root.ref(busy).tell("1");
        root.ref(busy).tell("2");
        root.ref(busy).tell("3");
        root.<String, String>ref("api/b").tell("boom");
        advance(Duration.ofSeconds(12));

        SupervisorSnapshot snap = root.snapshot();
        assertThat(snap.countByState()).containsEntry(ComponentState.RUNNING, 2);
        ComponentSnapshot a = (ComponentSnapshot) snap.child("a");
        assertThat(a.kind()).isEqualTo("component");
        assertThat(a.restarts()).isEqualTo(1);
        assertThat(a.uptime()).isEqualTo(Duration.ofSeconds(12));
        assertThat(a.deadLetters()).isEqualTo(1);
        ComponentSnapshot busySnap = (ComponentSnapshot) snap.child("api/busy");
        assertThat(busySnap.mailboxDepth()).isEqualTo(2);
        assertThat(busySnap.uptime()).isEqualTo(Duration.ofSeconds(42));
        ChildSnapshot api = snap.child("api");
        assertThat(api.kind()).isEqualTo("supervisor");
        assertThat(((SupervisorSnapshot) api).countByState()).containsEntry(ComponentState.RUNNING, 1)
                .containsEntry(ComponentState.RESTARTING, 1);
        assertThat(snap.child("api/b").uptime()).isZero();
        assertThat(snap.render()).isEqualTo(String.join("\n",
                "root [supervisor ONE_FOR_ONE] RUNNING restarts=0 uptime=42 s",
                "├─ a [component] RUNNING restarts=1 mailbox=0 handled=0 dead=1 uptime=12 s",
                "└─ api [supervisor REST_FOR_ONE] RUNNING restarts=0 uptime=42 s",
                "   ├─ busy [component] RUNNING restarts=0 mailbox=2 handled=0 dead=0 uptime=42 s",
                "   └─ b [component] RESTARTING restarts=0 mailbox=0 handled=0 dead=1 uptime=0 s",
                ""));
    }
}
