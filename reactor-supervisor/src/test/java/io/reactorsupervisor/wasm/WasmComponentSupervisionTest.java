package io.reactorsupervisor.wasm;

import io.reactorsupervisor.VirtualTimeTest;

import static io.reactorsupervisor.wasm.WasmComponentTrapTest.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.HealthCheckFailedException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartLimitExceededException;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The supervision features work unchanged for a WebAssembly component: backoff, restart limits,
 * redelivery, and a health check that asks the guest's {@code health()} export. On virtual time.
 */
class WasmComponentSupervisionTest extends VirtualTimeTest {

    private static WasmModule counter;
    private static WasmModule healthTraps;

    @BeforeAll
    static void buildModules() {
        counter = Wat.module("counter").build();
        healthTraps = Wat.module("health-traps").build();
    }

    private static ComponentSpec.Builder<String, String, WasmInstance> counter(String name) {
        return WasmComponent.named(name, counter, WasmCodec.utf8(), WasmCodec.utf8());
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    @Test
    void exponentialBackoffDelaysTheRestartsAfterTraps() {
        ComponentSpec<String, String> spec = counter("c")
                .restart(RestartStrategy.exponentialBackoff(s(1), s(8), 2.0).withResetAfter(s(3600)))
                .limit(RestartLimit.unlimited())
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(reply(ref, "count")).isEqualTo("1");
            waits.add(crashAndMeasureRestart(ref, "divide"));
        }

        assertThat(waits).containsExactly(1000L, 2000L, 4000L, 8000L, 8000L);
        assertThat(events(SupervisionEvent.Restarting.class, "root/c"))
                .extracting(SupervisionEvent.Restarting::delay)
                .containsExactly(s(1), s(2), s(4), s(8), s(8));
        assertThat(events(SupervisionEvent.Restarting.class, "root/c"))
                .allSatisfy(r -> assertThat(r.cause()).isInstanceOfSatisfying(WasmTrapException.class,
                        trap -> assertThat(trap.kind()).isEqualTo(TrapKind.DIVIDE_BY_ZERO)));
        assertThat(reply(ref, "count")).isEqualTo("1");
    }

    @Test
    void reachingTheRestartLimitFailsTheComponentAndDeadLettersWhatIsQueued() {
        ComponentSpec<String, String> flaky = counter("flaky")
                .restart(RestartStrategy.delayed(s(1)))
                .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        ComponentSpec<String, String> sibling = counter("sibling").build();
        Supervisor root = start(Supervisor.named("root").child(flaky).child(sibling));
        ComponentRef<String, String> ref = root.ref(flaky);
        ComponentRef<String, String> other = root.ref(sibling);
        assertThat(reply(other, "count")).isEqualTo("1");

        ref.tell("unreachable");
        ref.tell("divide"); // waits out the restart delay, then traps again: a second restart is one too many
        ref.tell("count");
        Mono<String> pending = ref.ask("count").cache();
        pending.subscribe(v -> { }, e -> { });
        advance(1000);

        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        StepVerifier.create(pending)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasCauseInstanceOf(RestartLimitExceededException.class))
                .verify(Duration.ofSeconds(5));
        assertThat(events(SupervisionEvent.Failed.class, "root/flaky").get(0).cause())
                .isInstanceOf(RestartLimitExceededException.class)
                .hasMessage("'root/flaky' reached its restart limit: 1 restarts within 1 min; last crash: "
                        + "io.reactorsupervisor.wasm.WasmTrapException: wasm trap in 'handle': integer divide by zero");
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/flaky"))
                .extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("unreachable/CRASHED", "divide/CRASHED", "count/COMPONENT_FAILED",
                        "count/COMPONENT_FAILED");
        assertThat(ref.mailboxDepth()).isZero();
        assertThat(reply(other, "count")).isEqualTo("2");
    }

    @Test
    void theMessageThatTrappedIsRedeliveredToAFreshInstance() {
        ComponentSpec<String, String> spec = counter("c").redeliveries(1).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(reply(ref, "count")).isEqualTo("1");
        assertThat(reply(ref, "count")).isEqualTo("2");

        // "x" traps unless it is the instance's first message: it is, once redelivered
        StepVerifier.create(ref.ask("x")).expectNext("1").verifyComplete();

        assertThat(kinds("root/c")).containsExactly("Started", "Crashed", "Restarting", "Restarted");
        assertThat(events(SupervisionEvent.Crashed.class, "root/c").get(0).message()).isEqualTo("x");
        assertThat(reply(ref, "count")).isEqualTo("2");
    }

    @Test
    void aMessageThatTrapsEveryTimeIsDeadLetteredOnceItsRedeliveriesAreSpent() {
        ComponentSpec<String, String> spec = counter("c").redeliveries(2).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        StepVerifier.create(ref.ask("unreachable"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOf(WasmTrapException.class))
                .verify(Duration.ofSeconds(5));

        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).hasSize(3);
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/c")).singleElement()
                .satisfies(d -> assertThat(d.cause()).isInstanceOf(WasmTrapException.class));
        assertThat(reply(ref, "count")).isEqualTo("1");
    }

    @Test
    void aGuestWhoseHealthExportAnswersZeroIsRestartedByItsHealthCheck() {
        ComponentSpec<String, String> spec = counter("c")
                .healthCheck(HealthCheck.every(s(1)).withTimeout(Duration.ofMillis(500)).withUnhealthyAfter(2))
                .healthProbe(WasmComponent.healthProbe())
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(reply(ref, "count")).isEqualTo("1");
        advance(5000);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class, "root/c")).isEmpty();

        assertThat(reply(ref, "health-off")).isEqualTo("2"); // "h": health() answers 0 from now on
        advance(1000);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class, "root/c"))
                .extracting(SupervisionEvent.HealthCheckFailed::consecutiveFailures,
                        SupervisionEvent.HealthCheckFailed::reason)
                .containsExactly(tuple(1, "health probe answered false"));
        assertThat(reply(ref, "count")).isEqualTo("3"); // unhealthy, but not yet restarted
        advance(1000);

        SupervisionEvent.Crashed crashed = events(SupervisionEvent.Crashed.class, "root/c").get(0);
        assertThat(crashed.message()).isNull();
        assertThat(crashed.cause()).isInstanceOf(HealthCheckFailedException.class)
                .hasMessage("Component 'root/c' failed 2 health checks in a row (last: health probe answered false)");
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(reply(ref, "count")).isEqualTo("1");
        advance(5000);
        assertThat(events(SupervisionEvent.HealthCheckFailed.class, "root/c")).hasSize(2);
        assertThat(kinds("root/c")).containsExactly("Started", "HealthCheckFailed", "HealthCheckFailed", "Crashed",
                "Restarting", "Restarted");
    }

    @Test
    void aHealthExportThatTrapsFailsTheCheckWithTheTrap() {
        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("c", healthTraps)
                .healthCheck(HealthCheck.every(s(1)).withUnhealthyAfter(1))
                .healthProbe(WasmComponent.healthProbe())
                .build();
        ComponentRef<byte[], byte[]> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        advance(1000);

        assertThat(events(SupervisionEvent.HealthCheckFailed.class, "root/c")).singleElement()
                .extracting(SupervisionEvent.HealthCheckFailed::reason)
                .isEqualTo("health probe failed: io.reactorsupervisor.wasm.WasmTrapException:"
                        + " wasm trap in 'health': integer divide by zero");
        assertThat(kinds("root/c")).containsExactly("Started", "HealthCheckFailed", "Crashed", "Restarting",
                "Restarted");
        StepVerifier.create(ref.ask(new byte[] {1})).expectNextMatches(r -> r.length == 0).verifyComplete();
    }

    /**
     * A failed probe is not a crash in the core, so a guest poisoned by its own {@code health()}
     * keeps its incarnation until the check gives up on it; a message handed to it meanwhile
     * crashes it, with the trap as the cause's cause. Documented in {@link WasmComponent#healthProbe()}.
     */
    @Test
    void untilTheHealthCheckGivesUpAMessageToAGuestPoisonedByItsHealthExportCrashesIt() {
        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("c", healthTraps)
                .healthCheck(HealthCheck.every(s(1)).withUnhealthyAfter(3))
                .healthProbe(WasmComponent.healthProbe())
                .build();
        ComponentRef<byte[], byte[]> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        advance(1000);

        StepVerifier.create(ref.ask(new byte[] {1}))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOf(IllegalStateException.class)
                        .hasMessage("WasmInstance failed earlier and must be discarded:"
                                + " wasm trap in 'health': integer divide by zero")
                        .cause().isInstanceOf(WasmTrapException.class))
                .verify(Duration.ofSeconds(5));
        assertThat(kinds("root/c")).containsExactly("Started", "HealthCheckFailed", "Crashed", "DeadLetter",
                "Restarting", "Restarted");
        StepVerifier.create(ref.ask(new byte[] {2})).expectNextMatches(r -> r.length == 0).verifyComplete();
    }

    @Test
    void aModuleWithoutAHealthExportPassesEveryCheck() {
        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("c", Wat.module("grow").build())
                .healthCheck(HealthCheck.every(s(1)).withUnhealthyAfter(1))
                .healthProbe(WasmComponent.healthProbe())
                .build();
        start(Supervisor.named("root").child(spec));
        advance(10_000);

        assertThat(kinds("root/c")).containsExactly("Started");
    }
}
