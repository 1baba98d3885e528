package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Liveness measured from the drain's progress, state probes that jump the queue, and
 * processing timeouts, on virtual time.
 */
class HealthCheckTest extends VirtualTimeTest {

    private static final HealthCheck CHECK = HealthCheck.every(Duration.ofSeconds(10))
            .withTimeout(Duration.ofSeconds(5)).withUnhealthyAfter(3);

    /** "hang" never completes; "six seconds" takes 6 s, "slow" 4 s, "one second" 1 s; anything else replies at once. */
    private static ComponentSpec.Builder<String, String, Object> hangable(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> {
                    switch (m) {
                        case "hang":
                            return Mono.never();
                        case "six seconds":
                            return Mono.delay(Duration.ofSeconds(6)).thenReturn("six seconds done");
                        case "slow":
                            return Mono.delay(Duration.ofSeconds(4)).thenReturn("slow done");
                        case "one second":
                            return Mono.delay(Duration.ofSeconds(1)).thenReturn("done");
                        default:
                            return Mono.just(m);
                    }
                });
    }

    @Test
    void aHungHandlerIsRestartedWithinIntervalTimesUnhealthyAfterPlusTimeout() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> hung = ref.ask("hang").cache();
        hung.subscribe(v -> { }, e -> { });
        ref.tell("waiting behind it");

        advance(Duration.ofSeconds(35).minusMillis(1)); // checks at 10, 20, 30 s; each fails 5 s later
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::consecutiveFailures).containsExactly(1, 2);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        advance(1); // the third timeout, at 35 s = 3 x 10 s + 5 s
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).hasSize(3);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class).get(2).reason())
                .isEqualTo("the message in progress has run longer than 5 s");
        SupervisionEvent.Crashed crash = events(SupervisionEvent.Crashed.class).get(0);
        assertThat(crash.cause()).isInstanceOf(HealthCheckFailedException.class)
                .hasMessage("Component 'root/c' failed 3 health checks in a row "
                        + "(last: the message in progress has run longer than 5 s)");
        assertThat(crash.directive()).isEqualTo(Directive.RESTART);
        assertThat(crash.message()).isEqualTo("hang");
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
        // the hung message fails with the cause; the one queued behind it is handled by the new incarnation
        StepVerifier.create(hung).expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                .hasCauseInstanceOf(HealthCheckFailedException.class)).verify();
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(1);
        assertThat(kinds("root/c")).containsExactly("Started", "HealthCheckFailed", "HealthCheckFailed",
                "HealthCheckFailed", "Crashed", "DeadLetter", "Restarting", "Restarted");
    }

    @Test
    void aSlowButProgressingComponentIsNotRestarted() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 12; i++) {
            advance(Duration.ofSeconds(9).plusMillis(999));
            ref.tell("slow"); // in progress at the next check, done 4 s later: within the 5 s timeout
            advance(1);
        }
        advance(Duration.ofMinutes(1));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(12);
    }

    @Test
    void aLongBacklogOfMessagesEachHandledInTimeIsNeverHung() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 100; i++) {
            ref.tell("slow"); // 400 s of work at once: a probe behind it would wait minutes
        }
        advance(Duration.ofSeconds(399));
        assertThat(root.snapshot().child("c")).extracting(c -> ((ComponentSnapshot) c).mailboxDepth())
                .isEqualTo(0); // the last one is in progress
        advance(Duration.ofSeconds(2));
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(100);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
    }

    @Test
    void aPassedCheckResetsTheFailureCount() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        // six-second messages in progress at the checks of 10 and 20 s fail them; the idle check at 30 s passes;
        // two more fail at 45 and 55 s: never three in a row
        for (long gap : new long[] {9_500, 10_000, 20_000, 10_000}) { // at 9.5, 19.5, 39.5 and 49.5 s
            advance(gap);
            ref.tell("six seconds");
        }
        advance(Duration.ofMinutes(2));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::consecutiveFailures).containsExactly(1, 2, 1, 2);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(4);
    }

    @Test
    void messagesThatWaitWhileNoneIsTakenFailTheCheck() {
        PausableScheduler paused = new PausableScheduler();
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).scheduler(paused).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        paused.release(); // the start
        paused.pause();
        ref.tell("a");
        ref.tell("b"); // the drain's task is held: nothing is taken
        advance(Duration.ofSeconds(15));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::reason).containsExactly("messages wait and none was taken within 5 s");
        paused.release();
        advance(Duration.ofSeconds(30));
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(2);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).hasSize(1);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
    }

    @Test
    void nothingGoesThroughTheMailboxForALivenessCheck() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(HealthCheck.every(Duration.ofMillis(10))
                .withTimeout(Duration.ofMillis(10)).withUnhealthyAfter(1_000)).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("hang");
        advance(Duration.ofSeconds(2));
        int failed = events(SupervisionEvent.HealthCheckFailed.class).size();
        // one check at a time, failing after its 10 ms: one failure per interval, and never more
        assertThat(failed).isBetween(190, 200);
        ComponentCell cell = ((LocalRef) (ComponentRef<?, ?>) ref).cell;
        assertThat(cell.mailbox.isEmpty()).isTrue();
        assertThat(cell.mailbox.depth()).isZero();
    }

    @Test
    void aProcessingTimeoutIsACrash() {
        ComponentSpec<String, String> spec = hangable("c").processingTimeout(Duration.ofSeconds(2)).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> hung = ref.ask("hang").cache();
        hung.subscribe(v -> { }, e -> { });
        advance(1999);
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
        advance(1);
        StepVerifier.create(hung)
                .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(TimeoutException.class)
                        .hasMessage("handler of 'root/c' took longer than its processing timeout 2 s"))
                .verify();
        StepVerifier.create(ref.ask("next")).expectNext("next").verifyComplete();
        // a handler that is quick enough is not touched
        ref.tell("one second");
        advance(Duration.ofSeconds(10));
        assertThat(events(SupervisionEvent.Crashed.class)).hasSize(1);
    }

    @Test
    void aStateProbeThatAnswersFalseRestartsTheComponent() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, AtomicBoolean>named("c")
                .state(() -> new AtomicBoolean(true))
                .syncHandler((healthy, m) -> {
                    if (m.equals("poison")) {
                        healthy.set(false);
                    }
                    return m;
                })
                .healthCheck(HealthCheck.every(Duration.ofSeconds(1)).withUnhealthyAfter(2))
                .healthProbe(healthy -> Mono.just(healthy.get()))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        advance(Duration.ofSeconds(10));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
        ref.tell("poison");
        advance(Duration.ofSeconds(2));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::reason).containsExactly("health probe answered false",
                        "health probe answered false");
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
        advance(Duration.ofSeconds(10)); // fresh state: healthy again
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
    }

    @Test
    void aStateProbeThatFailsOrHangsCountsAsAFailure() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, String[]>named("c")
                .state(() -> new String[] {"ok"})
                .syncHandler((mode, m) -> mode[0] = m)
                .healthCheck(HealthCheck.every(Duration.ofSeconds(1)).withTimeout(Duration.ofMillis(500))
                        .withUnhealthyAfter(2))
                .healthProbe(mode -> mode[0].equals("error") ? Mono.error(new IllegalStateException("probe broke"))
                        : mode[0].equals("hang") ? Mono.never() : Mono.just(true))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("error");
        advance(Duration.ofSeconds(1));
        ref.tell("hang");
        advance(Duration.ofMillis(1500));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::reason).containsExactly(
                        "health probe failed: java.lang.IllegalStateException: probe broke",
                        "health probe not answered within 500 ms");
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
        assertThat(events(SupervisionEvent.Crashed.class).get(0).message()).isNull();
    }

    @Test
    void aStateProbeJumpsTheQueue() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).healthProbe(s -> Mono.just(true))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 30; i++) {
            ref.tell("slow"); // 120 s of work: a probe behind it would time out at every check
        }
        advance(Duration.ofSeconds(125));
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(30);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
    }

    @Test
    void aStateProbeWaitsForTheMessageInProgressWithinItsTimeout() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).healthProbe(s -> Mono.just(true))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        advance(Duration.ofSeconds(9).plusMillis(500));
        ref.tell("six seconds"); // in progress until 15.5 s: the probe asked at 10 s cannot run before
        advance(Duration.ofSeconds(6));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::reason).containsExactly("health probe not answered within 5 s");
        advance(Duration.ofSeconds(4));
        ref.tell("slow"); // at 19.5 s, for 4 s: the probe asked at 20 s runs when it is done, within its 5 s
        advance(Duration.ofSeconds(30));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).hasSize(1);
    }
}
