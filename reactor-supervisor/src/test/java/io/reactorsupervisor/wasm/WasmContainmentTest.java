package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile guests against the sandbox: what one instance allocates stays in it, every resource a
 * guest can allocate is capped, and a module that cannot fit its own caps is refused at build.
 * Each of these failed before the containment work of issue 13 (see the commit history).
 */
class WasmContainmentTest {

    private static byte[] le(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static int call(WasmInstance instance, int argument) {
        return ByteBuffer.wrap(instance.handle(le(argument))).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static WasmModule build(WasmModule.Builder b, boolean compiled) {
        return (compiled ? b.compiled() : b.interpreter()).build();
    }

    // ------------------------------------------------------------------ tables

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aFreshInstanceStartsFromTheDeclaredTableWhateverEarlierInstancesGrew(boolean compiled) {
        WasmModule module = build(Wat.module("table-grow"), compiled);

        for (int incarnation = 0; incarnation < 3; incarnation++) {
            WasmInstance instance = module.newInstance();
            assertThat(call(instance, 1000)).as("incarnation %d: table.grow returns the old size", incarnation)
                    .isEqualTo(1);
            assertThat(call(instance, 0)).isEqualTo(1001);
            instance.close();
        }
    }

    @Test
    void twoLiveInstancesOfOneModuleDoNotSeeEachOthersTableGrowth() {
        WasmModule grower = Wat.module("table-grow").build();
        WasmInstance a = grower.newInstance();
        WasmInstance b = grower.newInstance();

        assertThat(call(a, 500)).isEqualTo(1);
        WasmInstance c = grower.newInstance();

        assertThat(call(b, 0)).isEqualTo(1);
        assertThat(call(c, 0)).isEqualTo(1);
        assertThat(call(a, 0)).isEqualTo(501);
    }

    @Test
    void instancesCreatedWhileOthersGrowOnOtherThreadsAllStartFromTheDeclaredSize() throws Exception {
        WasmModule module = Wat.module("table-grow").build();
        int threads = 4;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    int wrong = 0;
                    for (int i = 0; i < perThread; i++) {
                        WasmInstance instance = module.newInstance();
                        if (call(instance, 7) != 1) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            go.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void growingATablePastTheCapReturnsMinusOneToTheGuest(boolean compiled) {
        WasmModule module = build(Wat.module("table-grow").tableLimitEntries(100), compiled);
        WasmInstance instance = module.newInstance();

        assertThat(module.tableLimitEntries()).isEqualTo(100);
        assertThat(call(instance, 100)).isEqualTo(-1);
        assertThat(call(instance, 99)).isEqualTo(1);
        assertThat(call(instance, 1)).isEqualTo(-1);
        assertThat(instance.isPoisoned()).isFalse();
    }

    @Test
    void theDefaultTableCapStopsARunawayGrowth() {
        WasmModule module = Wat.module("table-grow").build();
        WasmInstance instance = module.newInstance();

        // Before the cap, each call added a million entries (~12 MB of host heap) without limit.
        assertThat(call(instance, 1_000_000)).isEqualTo(-1);
        assertThat(call(instance, WasmModule.DEFAULT_TABLE_LIMIT_ENTRIES - 1)).isEqualTo(1);
        assertThat(call(instance, 1)).isEqualTo(-1);
    }

    @Test
    void theTableCapIsForAllTablesOfAnInstanceTogether() {
        // Two tables of 10 declared entries under a cap of 100: 80 entries of headroom, 40 each.
        WasmModule module = Wat.module("two-tables").tableLimitEntries(100).build();
        WasmInstance first = module.newInstance();
        WasmInstance second = Wat.module("two-tables").tableLimitEntries(100).handlerExport("size").build()
                .newInstance();

        assertThat(call(first, 41)).isEqualTo(-1);
        assertThat(call(first, 40)).isEqualTo(10);
        assertThat(call(second, 41)).isEqualTo(-1);
        assertThat(call(second, 40)).isEqualTo(10);
    }

    @Test
    void aModuleWhoseDeclaredTableIsAboveTheCapIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("table-huge").build())
                .withMessage("module declares tables of 20000 initial entries in all, more than tableLimitEntries "
                        + WasmModule.DEFAULT_TABLE_LIMIT_ENTRIES);
        assertThat(Wat.module("table-huge").tableLimitEntries(20_000).build().tableLimitEntries())
                .isEqualTo(20_000);
    }

    @Test
    void theTableCapIsChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().tableLimitEntries(-1))
                .withMessage("tableLimitEntries must be between 0 and " + WasmModule.MAX_TABLE_LIMIT_ENTRIES
                        + ", but was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmModule.builder().tableLimitEntries(WasmModule.MAX_TABLE_LIMIT_ENTRIES + 1))
                .withMessage("tableLimitEntries must be between 0 and " + WasmModule.MAX_TABLE_LIMIT_ENTRIES
                        + ", but was " + (WasmModule.MAX_TABLE_LIMIT_ENTRIES + 1));
    }

    // ------------------------------------------------------------------ GC proposal

    /**
     * The module below, by hand (wabt's wat2wasm in Java does not know the GC proposal): each call
     * allocates a struct on the host's heap, out of reach of the memory cap.
     *
     * <pre>
     * (module
     *   (type $box (struct (field i64)))
     *   (memory (export "memory") 1 1)
     *   (func (export "alloc") (param i32) (result i32) (i32.const 1024))
     *   (func (export "handle") (param i32 i32) (result i64)
     *     (struct.get $box 0 (struct.new $box (i64.const 0)))))
     * </pre>
     */
    private static final String GC_STRUCT = "0061736d01000000" // magic, version; then sections: id, size, content
            + "0110" + "03" + "5f017e00" + "60017f017f" + "60027f7f017e"
            + "0303" + "020102"
            + "0504" + "01010101"
            + "071b" + "03" + "066d656d6f72790200" + "05616c6c6f630000" + "0668616e646c650001"
            + "0a13" + "02" + "05" + "00418008" + "0b" + "0b" + "004200" + "fb0000" + "fb020000" + "0b";

    @Test
    void aModuleUsingTheGcProposalIsRefusedNamingTheFeature() {
        byte[] bytes = java.util.HexFormat.of().parseHex(GC_STRUCT);
        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(bytes).build())
                .withMessage("module uses the GC proposal (type 0 is a struct type): its objects live on the"
                        + " host's heap, out of reach of the memory cap, so such modules are not supported");
    }

    // ------------------------------------------------------------------ fitting its own cap

    @Test
    void aDataSegmentBeyondTheInitialMemoryIsRefusedAtBuildNamingTheSegment() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("data-beyond-memory").build())
                .withMessage("data segment 1 (10 bytes at offset 65530) ends at byte 65540, past the module's"
                        + " initial memory of 1 pages (65536 bytes)");
    }

    // ------------------------------------------------------------------ message size

    @Test
    void theMaximumMessageSizeIsCheckedAndMustFitTheMemory() {
        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().maxMessageBytes(0))
                .withMessage("maxMessageBytes must be between 1 and 2147483647, but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("echo").maxMessageBytes(2 * 65536 + 1).build())
                .withMessage("maxMessageBytes 131073 can never fit the module's memory of at most 2 pages (131072 bytes)");
        assertThat(Wat.module("echo").maxMessageBytes(2 * 65536).build().maxMessageBytes()).isEqualTo(2 * 65536);
        // The default: half the most memory an instance can have (echo.wat declares a maximum of 2 pages).
        assertThat(Wat.module("echo").build().maxMessageBytes()).isEqualTo(65536);
        assertThat(Wat.module("grow-unbounded").memoryLimitPages(WasmModule.MAX_MEMORY_LIMIT_PAGES).build()
                .maxMessageBytes()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aRefusedMessageLeavesTheInstanceUsableAndCallsNothingInTheGuest() {
        WasmInstance instance = Wat.module("echo").handlerExport("count").maxMessageBytes(8).build().newInstance();

        assertThatExceptionOfType(WasmMessageTooLargeException.class).isThrownBy(() -> instance.handle(new byte[9]))
                .withMessage("message of 9 bytes is larger than the module's maxMessageBytes 8");
        // "count" counts its calls: the refused message was never one.
        assertThat(call(instance, 0)).isEqualTo(1);
        assertThat(instance.isPoisoned()).isFalse();
    }

    // ------------------------------------------------------------------ the budget

    /** A host function that ignores interrupts and keeps the thread for {@code millis} of real time. */
    private static HostFunction busy(long millis) {
        return new HostFunction("env", "work", FunctionType.of(List.of(), List.of()), (instance, args) -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            return null;
        });
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aCallThatFinishedPastItsBudgetIsATrap(boolean compiled) {
        WasmModule module = build(Wat.module("overrun").grant(busy(150)).timeBudget(Duration.ofMillis(20)), compiled);
        WasmInstance instance = module.newInstance();

        assertThatExceptionOfType(WasmTrapException.class).isThrownBy(() -> instance.handle(new byte[0]))
                .satisfies(trap -> {
                    assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
                    assertThat(trap.getMessage()).contains("time budget of 20ms exceeded");
                });
        assertThat(instance.isPoisoned()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aTrapsStackTraceIsItsCausesWhichShowsTheHostFramesAndTheOneWithoutACauseHasItsOwn() {
        WasmInstance trapping = Wat.module("echo").handlerExport("count").build().newInstance();
        WasmTrapException trap = org.assertj.core.api.Assertions.catchThrowableOfType(
                WasmTrapException.class, () -> trapping.handle(new byte[0]));

        assertThat(trap.kind()).isEqualTo(TrapKind.UNREACHABLE);
        assertThat(trap.getStackTrace()).isEmpty();
        assertThat(trap.getCause().getStackTrace())
                .anySatisfy(frame -> assertThat(frame.getClassName()).isEqualTo(WasmInstance.class.getName()))
                .anySatisfy(frame -> assertThat(frame.getClassName()).isEqualTo(WasmContainmentTest.class.getName()));

        WasmModule late = Wat.module("overrun").grant(busy(60)).timeBudget(Duration.ofMillis(10)).build();
        WasmTrapException overrun = org.assertj.core.api.Assertions.catchThrowableOfType(
                WasmTrapException.class, () -> late.newInstance().handle(new byte[0]));
        assertThat(overrun.getCause()).isNull();
        assertThat(overrun.getStackTrace()).isNotEmpty();
    }

    @Test
    void anInstanceClosedFromInsideItsOwnCallFinishesThatCallAndRefusesTheNext() {
        java.util.concurrent.atomic.AtomicReference<WasmInstance> self = new java.util.concurrent.atomic.AtomicReference<>();
        HostFunction closeMe = new HostFunction("env", "work", FunctionType.of(List.of(), List.of()), (i, args) -> {
            self.get().close();
            return null;
        });
        WasmInstance instance = Wat.module("overrun").grant(closeMe).build().newInstance();
        self.set(instance);

        assertThat(instance.handle(new byte[0])).isEmpty();
        assertThat(instance.toString()).startsWith("WasmInstance[closed");
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> instance.handle(new byte[0]))
                .withMessage("WasmInstance is closed");
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(instance::healthy)
                .withMessage("WasmInstance is closed");
        assertThat(instance.isPoisoned()).isFalse();
    }

    @Test
    void aCallWithinItsBudgetIsNotATrap() {
        WasmModule module = Wat.module("overrun").grant(busy(0)).timeBudget(Duration.ofSeconds(5)).build();
        WasmInstance instance = module.newInstance();

        assertThat(instance.handle(new byte[0])).isEmpty();
        assertThat(instance.isPoisoned()).isFalse();
    }
}
