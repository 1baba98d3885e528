package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guest that runs past its budget is stopped by a real-time watchdog, and the thread that ran
 * it comes back clean. Each test runs in its own thread under a generous preemptive bound, so a
 * guest that is never stopped fails the test instead of hanging the build.
 */
class WasmTimeBudgetTest {

    private static final Duration BUDGET = Duration.ofMillis(50);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static WasmModule echo;

    @BeforeAll
    static void buildModules() {
        echo = Wat.module("echo").build();
    }

    private static WasmModule looping(boolean compiled) {
        WasmModule.Builder b = Wat.module("traps").handlerExport("loop").timeBudget(BUDGET);
        return (compiled ? b.compiled() : b.interpreter()).build();
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void anInfiniteLoopIsStoppedByItsBudgetAndTheThreadComesBackClean(boolean compiled) {
        WasmModule module = looping(compiled);

        assertTimeoutPreemptively(BOUND, () -> {
            WasmInstance instance = module.newInstance();

            assertThatThrownBy(() -> instance.handle(new byte[] {1}))
                    .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
                        assertThat(e.exportName()).isEqualTo("loop");
                    })
                    .hasMessage("wasm trap in 'loop': time budget of 50ms exceeded")
                    .hasCauseInstanceOf(ChicoryInterruptedException.class);

            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(instance.isPoisoned()).isTrue();
            assertThat(echo.newInstance().handle(new byte[] {4, 2})).containsExactly(4, 2);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        });
    }

    @Test
    void aHostFunctionBlockedPastTheBudgetIsInterruptedToo() {
        CountDownLatch never = new CountDownLatch(1);
        HostFunction log = new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while logging", e);
                    }
                    return null;
                });
        WasmModule module = Wat.module("log").grant(log).timeBudget(BUDGET).build();

        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(() -> module.newInstance().handle(new byte[] {1}))
                    .isInstanceOfSatisfying(WasmTrapException.class,
                            e -> assertThat(e.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED))
                    .hasMessage("wasm trap in 'handle': time budget of 50ms exceeded");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        });
    }

    @Test
    void anInitThatNeverReturnsFailsNewInstanceWithinTheBudget() {
        WasmModule module = Wat.module("init-loops").timeBudget(BUDGET).build();

        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(module::newInstance)
                    .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
                        assertThat(e.exportName()).isEqualTo("init");
                    });
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        });
    }

    @Test
    void anInterruptFromElsewhereStopsTheGuestAndIsLeftForItsOwner() {
        WasmModule module = Wat.module("traps").handlerExport("loop").timeBudget(BOUND).build();

        assertTimeoutPreemptively(BOUND, () -> {
            WasmInstance instance = module.newInstance();
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> instance.handle(new byte[] {1}))
                        .isInstanceOfSatisfying(WasmTrapException.class,
                                e -> assertThat(e.kind()).isEqualTo(TrapKind.OTHER))
                        .hasMessage("wasm trap in 'loop': Thread interrupted");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                assertThat(instance.isPoisoned()).isTrue();
            } finally {
                Thread.interrupted();
            }
        });
    }

    /**
     * Budgets about as long as a call, so that the watchdog fires before, during and just after
     * calls: whichever way each race goes, no interrupt may outlive its call, which would show as
     * a set flag after a call or as a later call stopped by an interrupt that is not its own.
     */
    @Test
    void theWatchdogNeverInterruptsAThreadAfterItsCallHasReturned() {
        byte[] message = new byte[64];
        Map<TrapKind, Integer> outcomes = new EnumMap<>(TrapKind.class);
        int[] replies = {0};

        assertTimeoutPreemptively(BOUND, () -> {
            for (long budgetNanos : new long[] {1_000, 3_000, 10_000, 30_000}) {
                WasmModule tight = Wat.module("echo").timeBudget(Duration.ofNanos(budgetNanos)).build();
                WasmInstance instance = instantiate(tight);
                for (int i = 0; i < 5_000; i++) {
                    if (instance.isPoisoned()) {
                        instance = instantiate(tight);
                    }
                    try {
                        assertThat(instance.handle(message)).hasSize(64);
                        replies[0]++;
                    } catch (WasmTrapException e) {
                        outcomes.merge(e.kind(), 1, Integer::sum);
                    }
                    assertThat(Thread.currentThread().isInterrupted())
                            .as("interrupt flag after call %d with a budget of %dns", i, budgetNanos)
                            .isFalse();
                }
            }
        });

        assertThat(outcomes.keySet()).isSubsetOf(TrapKind.TIME_BUDGET_EXCEEDED);
        assertThat(replies[0] + outcomes.getOrDefault(TrapKind.TIME_BUDGET_EXCEEDED, 0)).isEqualTo(20_000);
    }

    /**
     * A fresh instance; an instantiation ({@code init}) that overran a budget this tight is a trap
     * too: it is retried, and not counted among the 20,000 calls.
     */
    private static WasmInstance instantiate(WasmModule module) {
        for (;;) {
            try {
                return module.newInstance();
            } catch (WasmTrapException e) {
                assertThat(e.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            }
        }
    }
}
