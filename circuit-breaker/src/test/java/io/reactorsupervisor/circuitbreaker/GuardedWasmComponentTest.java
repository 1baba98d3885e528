package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.wasm.TrapKind;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmComponent;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;
import io.reactorsupervisor.wasm.WasmTrapException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Asks to a WebAssembly component through a circuit breaker: a trap is a failed call like any crash. */
class GuardedWasmComponentTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    /** Replies "ok" to any message whose first byte is not 'u'; 'u' traps (unreachable). */
    private static final String WAT = "(module\n"
            + "  (memory (export \"memory\") 1 1)\n"
            + "  (data (i32.const 2048) \"ok\")\n"
            + "  (func (export \"alloc\") (param i32) (result i32) (i32.const 1024))\n"
            + "  (func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)\n"
            + "    (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 117)) (then unreachable))\n"
            + "    (i64.or (i64.shl (i64.const 2048) (i64.const 32)) (i64.const 2))))\n";

    @AfterEach
    void resetTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void trapsCountAsFailuresOpenTheBreakerAndTheBreakerClosesAfterRecovery() {
        VirtualTimeScheduler.getOrSet();
        MutableClock clock = new MutableClock();
        WasmModule module = WasmModule.builder().bytes(Wat2Wasm.parse(WAT)).build();
        ComponentSpec<String, String> parser = WasmComponent
                .named("parser", module, WasmCodec.utf8(), WasmCodec.utf8())
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .build();
        Supervisor root = Supervisor.named("root").child(parser).start();
        CircuitBreaker cb = Breakers.breaker("parser", clock, 1);
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(root.ref(parser)).circuitBreaker(cb).build();

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(guarded.ask("u"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                            .cause().isInstanceOfSatisfying(WasmTrapException.class,
                                    t -> assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE)))
                    .verify(VERIFY);
        }
        assertThat(root.ref(parser).state()).isEqualTo(ComponentState.FAILED);
        StepVerifier.create(guarded.ask("c")).expectError().verify(VERIFY); // fails fast: FAILED
        assertThat(cb.getState()).isEqualTo(State.OPEN);

        root.restartChild("parser");
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));
        StepVerifier.create(guarded.ask("c")).expectNext("ok").expectComplete().verify(VERIFY);
        assertThat(cb.getState()).isEqualTo(State.CLOSED);
        root.shutdown(Duration.ofSeconds(1)).block(VERIFY);
    }

    @Test
    void aFallbackAnswersWhileTheGuestIsDown() {
        VirtualTimeScheduler.getOrSet();
        WasmModule module = WasmModule.builder().bytes(Wat2Wasm.parse(WAT)).build();
        ComponentSpec<String, String> parser = ComponentSpec.<String, String, WasmInstance>named("parser")
                .state(module::newInstance)
                .syncHandler(WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8()))
                .build();
        Supervisor root = Supervisor.named("root").child(parser).start();
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(root.ref(parser))
                .circuitBreaker(Breakers.breaker("p", new MutableClock(), 1))
                .fallback((m, cause) -> Mono.just("fallback(" + cause.getClass().getSimpleName() + ")"))
                .build();
        StepVerifier.create(guarded.ask("u")).expectNext("fallback(MessageCrashedException)").expectComplete()
                .verify(VERIFY);
        StepVerifier.create(guarded.ask("c")).expectNext("ok").expectComplete().verify(VERIFY);
        root.shutdown(Duration.ofSeconds(1)).block(VERIFY);
    }
}
