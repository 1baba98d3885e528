package io.reactorsupervisor.wasm;

import io.reactorsupervisor.VirtualTimeTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.reactorsupervisor.ChildStartException;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartLimitExceededException;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

/**
 * A trap crashes and restarts only the component whose guest trapped, with fresh memory, in a
 * real tree on virtual time. The counter.wat guest keeps a counter in linear memory and counts
 * every message, including the one that traps.
 */
class WasmComponentTrapTest extends VirtualTimeTest {

    private static WasmModule counter;

    @BeforeAll
    static void buildModule() {
        counter = Wat.module("counter").build();
    }

    static ComponentSpec.Builder<String, String, WasmInstance> counter(String name) {
        return WasmComponent.named(name, counter, WasmCodec.utf8(), WasmCodec.utf8());
    }

    /** The reply to a message; on virtual time it is there as soon as the ask is subscribed. */
    static String reply(ComponentRef<String, String> ref, String message) {
        return ref.ask(message).block(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "unreachable | UNREACHABLE          | Trapped on unreachable instruction",
        "memory      | OUT_OF_BOUNDS_MEMORY | out of bounds memory access: attempted to access address: -16"
                + " but limit is: 65536 and size: 4",
        "divide      | DIVIDE_BY_ZERO       | integer divide by zero",
        "overflow    | INTEGER_OVERFLOW     | integer overflow",
        "nan         | INVALID_CONVERSION   | invalid conversion to integer",
        "stack       | CALL_STACK_EXHAUSTED | call stack exhausted",
        "reply       | BAD_REPLY            | reply of 4 bytes at 131072 is outside linear memory (65536 bytes)",
    })
    void aTrapRestartsOnlyThatComponentWithFreshMemory(String message, TrapKind kind, String detail) {
        ComponentSpec<String, String> a = counter("a").build();
        ComponentSpec<String, String> b = counter("b").build();
        Supervisor root = start(Supervisor.named("root").child(a).child(b));
        ComponentRef<String, String> refA = root.ref(a);
        ComponentRef<String, String> refB = root.ref(b);
        assertThat(reply(refA, "count")).isEqualTo("1");
        assertThat(reply(refA, "count")).isEqualTo("2");
        assertThat(reply(refB, "count")).isEqualTo("1");
        assertThat(reply(refB, "count")).isEqualTo("2");
        assertThat(reply(refB, "count")).isEqualTo("3");

        StepVerifier.create(refA.ask(message))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOfSatisfying(WasmTrapException.class, trap -> {
                            assertThat(trap.kind()).isEqualTo(kind);
                            assertThat(trap.exportName()).isEqualTo("handle");
                        })
                        .hasMessage("wasm trap in 'handle': " + detail))
                .verify(Duration.ofSeconds(5));

        // a's guest starts over, though it counted the message that trapped; b's memory is untouched
        assertThat(refA.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(reply(refA, "count")).isEqualTo("1");
        assertThat(reply(refB, "count")).isEqualTo("4");

        SupervisionEvent.Crashed crashed = events(SupervisionEvent.Crashed.class, "root/a").get(0);
        assertThat(crashed.message()).isEqualTo(message);
        assertThat(crashed.cause()).isInstanceOfSatisfying(WasmTrapException.class,
                trap -> assertThat(trap.kind()).isEqualTo(kind));
        SupervisionEvent.DeadLetter dead = events(SupervisionEvent.DeadLetter.class, "root/a").get(0);
        assertThat(dead.message()).isEqualTo(message);
        assertThat(dead.reason()).isEqualTo(DeadLetterReason.CRASHED);
        assertThat(dead.cause()).isSameAs(crashed.cause());
        assertThat(kinds("root/a")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting", "Restarted");
        assertThat(kinds("root/b")).containsExactly("Started");
    }

    @Test
    void eachIncarnationGetsItsOwnInstanceAndAnEndedOneIsNeverUsedAgain() {
        List<WasmInstance> instances = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = counter("c")
                .state(() -> {
                    WasmInstance instance = counter.newInstance();
                    instances.add(instance);
                    return instance;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        assertThat(reply(ref, "count")).isEqualTo("1");
        ref.tell("unreachable");
        assertThat(reply(ref, "count")).isEqualTo("1");

        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).isPoisoned()).isTrue();
        assertThat(instances.get(1).isPoisoned()).isFalse();

        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).verifyComplete();
        // the last incarnation ended with the shutdown: its instance was closed
        assertThatIllegalStateException().isThrownBy(() -> instances.get(1).handle(new byte[] {'c'}))
                .withMessage("WasmInstance is closed");
        assertThat(instances).hasSize(2);
    }

    /**
     * As OTP's start_child: a guest whose {@code init} traps when its first incarnation starts
     * makes the start fail, with the trap as the cause; it is not restarted in a loop.
     */
    @Test
    void aGuestWhoseInitTrapsFailsItsStartWithTheTrap() {
        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("c", Wat.module("init-traps").build())
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<byte[], byte[]> ref = root.ref(spec);

        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        List<SupervisionEvent.Crashed> crashes = events(SupervisionEvent.Crashed.class, "root/c");
        assertThat(crashes).hasSize(1).allSatisfy(c -> {
            assertThat(c.message()).isNull();
            assertThat(c.cause()).isInstanceOfSatisfying(WasmTrapException.class, trap -> {
                assertThat(trap.kind()).isEqualTo(TrapKind.UNREACHABLE);
                assertThat(trap.exportName()).isEqualTo("init");
            });
        });
        StepVerifier.create(root.started())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ChildStartException.class)
                        .hasMessage("'root/c' could not start: io.reactorsupervisor.wasm.WasmTrapException: wasm trap in"
                                + " 'init': Trapped on unreachable instruction")
                        .hasCauseInstanceOf(WasmTrapException.class))
                .verify();
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
    }
}
