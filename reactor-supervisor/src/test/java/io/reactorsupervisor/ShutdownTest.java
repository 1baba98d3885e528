package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ShutdownTest extends VirtualTimeTest {

    /** A component whose every message takes one virtual second. */
    private static ComponentSpec<String, String> slow(String name, List<String> handled) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofSeconds(1)).then(Mono.fromCallable(() -> {
                    handled.add(name + ":" + m);
                    return m;
                })))
                .build();
    }

    @Test
    void childrenDrainTheirMailboxesAndStopInReverseStartOrder() {
        List<String> handled = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> a = slow("a", handled);
        ComponentSpec<String, String> b = slow("b", handled);
        ComponentSpec<String, String> c = slow("c", handled);
        Supervisor root = start(Supervisor.named("root").child(a).child(b).child(c));
        root.ref(a).tell("1");
        root.ref(b).tell("1");
        root.ref(c).tell("1");
        root.ref(c).tell("2");

        StepVerifier.create(root.shutdown(Duration.ofSeconds(30)))
                .then(() -> assertThat(root.ref(a).tell("refused")).isFalse())
                .then(() -> advance(Duration.ofSeconds(10)))
                .verifyComplete();

        // all four handled; each child finished its own work before the next one stopped
        assertThat(handled).containsExactlyInAnyOrder("a:1", "b:1", "c:1", "c:2");
        assertThat(events(SupervisionEvent.Stopped.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/c", "root/b", "root/a", "root");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("refused/SHUT_DOWN");
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.STOPPED);
        StepVerifier.create(root.termination()).verifyComplete();
    }

    @Test
    void whatIsLeftAtTheDeadlineBecomesDeadLettersAndTheShutdownCompletesOnTime() {
        List<String> handled = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> a = slow("a", handled);
        Supervisor root = start(Supervisor.named("root").child(a));
        ComponentRef<String, String> ref = root.ref(a);
        for (int i = 1; i <= 5; i++) {
            ref.tell(String.valueOf(i));
        }
        Mono<String> pending = ref.ask("6").cache();
        pending.subscribe(v -> { }, e -> { });

        StepVerifier.create(root.shutdown(Duration.ofMillis(2500)))
                .expectSubscription()
                .then(() -> advance(2499))
                .then(() -> assertThat(handled).containsExactly("a:1", "a:2"))
                .then(() -> assertThat(ref.state()).isEqualTo(ComponentState.STOPPING))
                .then(() -> advance(1))
                .verifyComplete();

        assertThat(handled).containsExactly("a:1", "a:2");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("3/SHUT_DOWN", "4/SHUT_DOWN", "5/SHUT_DOWN", "6/SHUT_DOWN");
        StepVerifier.create(pending).expectError(ComponentUnavailableException.class).verify();
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.Stopped.class, "root/a").get(0).reason())
                .isEqualTo("shutdown deadline passed");
    }

    @Test
    void shutdownTwiceIsTheSameShutdownAndAsksAfterItFailClearly() {
        ComponentSpec<String, String> a = ComponentTest.memo("a").build();
        Supervisor root = start(Supervisor.named("root").child(a));
        Mono<Void> first = root.shutdown(Duration.ofSeconds(1));
        Mono<Void> second = root.shutdown(Duration.ofSeconds(1));
        StepVerifier.create(first).verifyComplete();
        StepVerifier.create(second).verifyComplete();
        StepVerifier.create(root.ref(a).ask("x"))
                .expectErrorMessage("Component 'root/a' is STOPPED and does not accept messages")
                .verify();
        StepVerifier.create(root.events().filter(e -> e instanceof SupervisionEvent.Stopped).count())
                .expectNext(2L)
                .verifyComplete();
    }

    /**
     * A component waiting out its restart delay when the tree shuts down stops at once, as a
     * crash-looping child that is stopped does: no new incarnation is started to drain it; what
     * it holds becomes dead letters, and the shutdown does not wait for the delay.
     */
    @Test
    void aComponentWaitingOutARestartDelayStopsAtOnceAndItsMailboxIsDeadLettered() {
        for (Duration delay : List.of(Duration.ofSeconds(2), Duration.ofMinutes(10))) {
            events.clear();
            ComponentSpec<String, String> a = ComponentTest.memo("a").restart(RestartStrategy.delayed(delay)).build();
            Supervisor root = start(Supervisor.named("root").child(a));
            root.ref(a).tell("boom");
            root.ref(a).tell("queued");
            assertThat(root.ref(a).state()).isEqualTo(ComponentState.RESTARTING);
            StepVerifier.create(root.shutdown(Duration.ofSeconds(5))).verifyComplete();
            assertThat(root.ref(a).state()).isEqualTo(ComponentState.STOPPED);
            assertThat(kinds("root/a")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting", "Stopped",
                    "DeadLetter");
            assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                    .containsExactly("boom/CRASHED", "queued/SHUT_DOWN");
            advance(delay);
            assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        }
    }

    @Test
    void aStopThatCompletesAtOnceLeavesNoDeadlineTimerAndOneThatWaitsSetsOne() {
        CountingScheduler timers = new CountingScheduler(vts);
        List<String> handled = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> quick = ComponentSpec.<String, String, Object>named("quick")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    handled.add(m);
                    return m;
                })
                .scheduler(reactor.core.scheduler.Schedulers.immediate())
                .restart(RestartStrategy.immediate().withScheduler(timers))
                .build();
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow")
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn(m))
                .restart(RestartStrategy.immediate().withScheduler(timers))
                .build();
        Supervisor root = start(Supervisor.named("root").child(quick).child(slow));
        root.ref(quick).tell("1");
        root.ref(slow).tell("1");

        // drained on the caller's thread: stopped before stopChild returns, no timer scheduled
        StepVerifier.create(root.stopChild("quick", Duration.ofSeconds(30))).verifyComplete();
        assertThat(handled).containsExactly("1");
        assertThat(timers.delayed).hasValue(0);

        // a message in flight for one more second: the deadline timer guards the stop
        StepVerifier.create(root.stopChild("slow", Duration.ofSeconds(30)))
                .expectSubscription()
                .then(() -> assertThat(timers.delayed).hasValue(1))
                .then(() -> advance(Duration.ofSeconds(1)))
                .verifyComplete();
        assertThat(events(SupervisionEvent.Stopped.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/quick", "root/slow");
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }
}
