package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages in, replies out, and each instance's memory its own. */
class WasmInstanceTest {

    private static WasmModule echo;
    private static WasmModule counter;
    private static ExecutorService otherThread;

    @BeforeAll
    static void buildModules() {
        echo = Wat.module("echo").build();
        counter = Wat.module("echo").handlerExport("count").build();
        otherThread = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stopThread() {
        otherThread.shutdownNow();
    }

    private static int count(WasmInstance instance) {
        byte[] reply = instance.handle(new byte[] {1});
        assertThat(reply).hasSize(4);
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void handleCopiesTheMessageInAndTheReplyOut() {
        WasmInstance instance = echo.newInstance();
        byte[] message = "hello, wasm".getBytes(StandardCharsets.UTF_8);

        byte[] reply = instance.handle(message);

        assertThat(reply).isEqualTo(message).isNotSameAs(message);
        assertThat(instance.handle(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }

    @Test
    void anEmptyMessageGetsAnEmptyReply() {
        assertThat(echo.newInstance().handle(new byte[0])).isEmpty();
    }

    @Test
    void aMessageLargerThanAPageCrossesPageBoundaries() {
        byte[] message = new byte[20_000];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 31);
        }

        assertThat(echo.newInstance().handle(message)).isEqualTo(message);
    }

    @Test
    void aReplyOfZeroMeansNoReplyAndYieldsAnEmptyArray() {
        WasmInstance instance = Wat.module("traps").handlerExport("noReply").build().newInstance();

        assertThat(instance.handle(new byte[] {1})).isEmpty();
        assertThat(instance.isPoisoned()).isFalse();
    }

    @Test
    void aReplyOfLengthZeroIsNoReplyWhateverItsAddress() {
        WasmInstance instance = Wat.module("traps").handlerExport("noReplyFarAway").build().newInstance();

        assertThat(instance.handle(new byte[] {1})).isEmpty();
        assertThat(instance.isPoisoned()).isFalse();
    }

    @Test
    void theCounterLivesInLinearMemoryAndAFreshInstanceStartsItOver() {
        WasmInstance first = counter.newInstance();
        assertThat(count(first)).isEqualTo(1);
        assertThat(count(first)).isEqualTo(2);
        assertThat(count(first)).isEqualTo(3);

        WasmInstance second = counter.newInstance();

        assertThat(count(second)).isEqualTo(1);
        assertThat(count(first)).isEqualTo(4);
    }

    @Test
    void aTrappedInstancesSiblingIsUntouched() {
        WasmInstance doomed = counter.newInstance();
        WasmInstance sibling = counter.newInstance();
        count(doomed);
        count(doomed);
        count(sibling);

        assertThatThrownBy(() -> doomed.handle(new byte[0]))
                .isInstanceOfSatisfying(WasmTrapException.class, e -> assertThat(e.kind()).isEqualTo(TrapKind.UNREACHABLE));

        assertThat(doomed.isPoisoned()).isTrue();
        assertThat(sibling.isPoisoned()).isFalse();
        assertThat(count(sibling)).isEqualTo(2);
        assertThat(count(counter.newInstance())).isEqualTo(1);
    }

    @Test
    void newInstanceRunsInit() {
        WasmInstance instance = Wat.module("echo").handlerExport("initialized").build().newInstance();

        assertThat(ByteBuffer.wrap(instance.handle(new byte[0])).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(42);
    }

    @Test
    void aTrapInInitFailsNewInstance() {
        WasmModule module = Wat.module("init-traps").build();

        assertThatThrownBy(module::newInstance)
                .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TrapKind.UNREACHABLE);
                    assertThat(e.exportName()).isEqualTo("init");
                })
                .hasMessage("wasm trap in 'init': Trapped on unreachable instruction");
    }

    @Test
    void aTrapInTheStartFunctionFailsNewInstance() {
        WasmModule module = Wat.module("start-traps").build();

        assertThatThrownBy(module::newInstance)
                .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TrapKind.UNREACHABLE);
                    assertThat(e.exportName()).isEqualTo("start");
                })
                .hasMessage("wasm trap in 'start': Trapped on unreachable instruction")
                .hasCauseInstanceOf(com.dylibso.chicory.wasm.UninstantiableException.class);
    }

    @Test
    void healthCallsTheHealthExport() {
        WasmModule sickener = Wat.module("echo").handlerExport("sicken").build();
        WasmInstance instance = sickener.newInstance();
        assertThat(instance.healthy()).isTrue();

        assertThat(instance.handle(new byte[0])).isEmpty();

        assertThat(instance.healthy()).isFalse();
        assertThat(sickener.newInstance().healthy()).isTrue();
    }

    @Test
    void aTrapInHealthIsThrownAndPoisonsTheInstance() {
        WasmInstance instance = Wat.module("health-traps").build().newInstance();

        assertThatThrownBy(instance::healthy)
                .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TrapKind.DIVIDE_BY_ZERO);
                    assertThat(e.exportName()).isEqualTo("health");
                })
                .hasMessage("wasm trap in 'health': integer divide by zero");
        assertThat(instance.isPoisoned()).isTrue();
    }

    @Test
    void aModuleWithoutAHealthExportIsAlwaysHealthy() {
        assertThat(Wat.module("traps").handlerExport("noReply").build().newInstance().healthy()).isTrue();
    }

    @Test
    void aPoisonedInstanceRefusesEveryLaterCallNamingTheFirstFailure() {
        WasmInstance instance = counter.newInstance();
        WasmTrapException trap = org.junit.jupiter.api.Assertions.assertThrows(
                WasmTrapException.class, () -> instance.handle(new byte[0]));

        assertThatIllegalStateException().isThrownBy(() -> instance.handle(new byte[] {1}))
                .withMessage("WasmInstance failed earlier and must be discarded:"
                        + " wasm trap in 'count': Trapped on unreachable instruction")
                .withCause(trap);
        assertThatIllegalStateException().isThrownBy(instance::healthy).withCause(trap);
        assertThat(instance).hasToString("WasmInstance[poisoned, memoryPages=1, " + counter + "]");
    }

    @Test
    void anInstanceDescribesItsStateAndModule() {
        WasmInstance instance = echo.newInstance();

        assertThat(instance.module()).isSameAs(echo);
        assertThat(instance).hasToString("WasmInstance[idle, memoryPages=1, " + echo + "]");
        instance.close();
        assertThat(instance).hasToString("WasmInstance[closed, memoryPages=1, " + echo + "]");
    }

    @Test
    void aClosedInstanceRefusesCalls() {
        WasmInstance instance = echo.newInstance();
        instance.close();
        instance.close();

        assertThatIllegalStateException().isThrownBy(() -> instance.handle(new byte[0]))
                .withMessage("WasmInstance is closed");
        assertThatIllegalStateException().isThrownBy(instance::healthy).withMessage("WasmInstance is closed");
        assertThat(instance.isPoisoned()).isFalse();
    }

    @Test
    void aNullMessageIsRefused() {
        assertThatNullPointerException().isThrownBy(() -> echo.newInstance().handle(null)).withMessage("message");
    }

    @Test
    void aGrantedHostFunctionIsCalledWithTheGuestsMemory() {
        List<String> logged = new CopyOnWriteArrayList<>();
        HostFunction log = new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    logged.add(instance.memory().readString((int) args[0], (int) args[1]));
                    return null;
                });
        WasmInstance instance = Wat.module("log").grant(log).build().newInstance();

        instance.handle("first".getBytes(StandardCharsets.UTF_8));
        instance.handle("second".getBytes(StandardCharsets.UTF_8));

        assertThat(logged).containsExactly("first", "second");
    }

    @Test
    void aHostFunctionThatThrowsIsAHostFunctionTrapCarryingWhatItThrew() {
        IllegalStateException boom = new IllegalStateException("disk on fire");
        HostFunction log = new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    throw boom;
                });
        WasmInstance instance = Wat.module("log").grant(log).build().newInstance();

        assertThatThrownBy(() -> instance.handle(new byte[] {1}))
                .isInstanceOfSatisfying(WasmTrapException.class, e -> assertThat(e.kind()).isEqualTo(TrapKind.HOST_FUNCTION))
                .hasMessage("wasm trap in 'handle': host function env.log threw"
                        + " java.lang.IllegalStateException: disk on fire")
                .hasCause(boom);
        assertThat(instance.isPoisoned()).isTrue();
    }

    @Test
    void aCallWhileAnotherIsInProgressIsRefused() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HostFunction log = new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    inside.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
        WasmInstance instance = Wat.module("log").grant(log).build().newInstance();
        Future<byte[]> first = otherThread.submit(() -> instance.handle(new byte[] {1}));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        try {
            assertThatIllegalStateException().isThrownBy(() -> instance.handle(new byte[] {2}))
                    .withMessage("WasmInstance is not thread-safe and is already in a call; calls must not overlap");
        } finally {
            release.countDown();
        }

        assertThat(first.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(instance.isPoisoned()).isFalse();
        assertThat(instance.handle(new byte[] {3})).isEmpty();
    }

    @Test
    void successiveCallsMayComeFromDifferentThreads() throws Exception {
        WasmInstance instance = counter.newInstance();
        assertThat(count(instance)).isEqualTo(1);

        assertThat(otherThread.submit(() -> count(instance)).get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(count(instance)).isEqualTo(3);
    }

    @Test
    void aStringHandlerIsOneLine() {
        BiFunction<WasmInstance, String, String> handler = WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8());
        WasmInstance instance = echo.newInstance();

        assertThat(handler.apply(instance, "grüße, 世界")).isEqualTo("grüße, 世界");
    }

    @Test
    void theHandlerRefusesNullCodecs() {
        assertThatNullPointerException().isThrownBy(() -> WasmInstance.handler(null, WasmCodec.utf8()))
                .withMessage("messageCodec");
        assertThatNullPointerException().isThrownBy(() -> WasmInstance.handler(WasmCodec.utf8(), null))
                .withMessage("replyCodec");
    }
}
