package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Liveness probes through the mailbox, processing timeouts and state probes, on virtual time. */
class HealthCheckTest extends VirtualTimeTest {

    private static final HealthCheck CHECK = HealthCheck.every(Duration.ofSeconds(10))
            .withTimeout(Duration.ofSeconds(5)).withUnhealthyAfter(3);

    /** "hang" never completes; "slow" takes 4s, "one second" 1s; anything else replies at once. */
    private static ComponentSpec.Builder<String, String, Object> hangable(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> {
                    switch (m) {
                        case "hang":
                            return Mono.never();
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

        advance(Duration.ofSeconds(35).minusMillis(1)); // probes at 10, 20, 30 s; timeouts at 15, 25 s
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(
                SupervisionEvent.HealthCheckFailed::consecutiveFailures).containsExactly(1, 2);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        advance(1); // the third timeout, at 35 s = 3 x 10 s + 5 s
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).hasSize(3);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class).get(2).reason()).isEqualTo("no answer within PT5S");
        SupervisionEvent.Crashed crash = events(SupervisionEvent.Crashed.class).get(0);
        assertThat(crash.cause()).isInstanceOf(HealthCheckFailedException.class)
                .hasMessage("Component 'root/c' failed 3 health checks in a row (last: no answer within PT5S)");
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
    void aSlowButAnsweringComponentIsNotRestarted() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 12; i++) {
            advance(Duration.ofSeconds(9).plusMillis(999));
            ref.tell("slow"); // the probe arriving now waits 4 s behind it: within the 5 s timeout
            advance(1);
        }
        advance(Duration.ofMinutes(1));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(12);
    }

    @Test
    void aSuccessfulProbeResetsTheFailureCount() {
        ComponentSpec<String, String> spec = hangable("c").healthCheck(CHECK).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        // two slow-probe failures, then healthy, then two more: never three in a row
        ref.tell("slow");
        ref.tell("slow");
        ref.tell("slow"); // 12 s of work queued at t=0: the probe sent at 10 s answers at 12 s
        advance(Duration.ofMinutes(2));
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
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
                        .hasMessage("handler of 'root/c' took longer than its processing timeout PT2S"))
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
                        "health probe failed: java.lang.IllegalStateException: probe broke", "no answer within PT0.5S");
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
        assertThat(events(SupervisionEvent.Crashed.class).get(0).message()).isNull();
    }
}
