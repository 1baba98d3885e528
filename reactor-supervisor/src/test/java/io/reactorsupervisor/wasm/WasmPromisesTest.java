package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.types.FunctionType;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.VirtualTimeTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/**
 * What a hostile guest or a hostile module meets, as README.md's "WebAssembly components in C and
 * Rust" and the javadoc of {@code io.reactorsupervisor.wasm} promise it. Trees run on virtual
 * time; the time budget is a real-time watchdog, so the tests that overrun it are bounded by the
 * class timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WasmPromisesTest extends VirtualTimeTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static final String ABI = "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
            + "(func (export \"handle\") (param i32 i32) (result i64) (i64.const 0))";

    /**
     * A module by hand, for what wat2wasm refuses to write: types {@code (i32) -> i32} and
     * {@code (i32, i32) -> i64}; {@code alloc} and {@code handle} exported with one page of memory.
     */
    private static byte[] handMade(String memoryAndGlobals, String handleBody, String dataSection) {
        String alloc = "040041000b";
        String code = "0a" + hexByte(1 + (alloc.length() + handleBody.length()) / 2) + "02" + alloc + handleBody;
        return HexFormat.of().parseHex("0061736d01000000"
                + "010c02" + "60017f017f" + "60027f7f017e"
                + "0303020001"
                + memoryAndGlobals
                + "071b03" + "066d656d6f72790200" + "05616c6c6f630000" + "0668616e646c650001"
                + code + dataSection);
    }

    private static final String ONE_PAGE = "0503010001";
    private static final String RETURNS_I64 = "040042000b";

    /** An active data segment of the ten bytes "0123456789" at the offset this constant expression gives. */
    private static String tenBytesAt(String offsetExpression) {
        String segment = "00" + offsetExpression + "0a" + "30313233343536373839";
        return "0b" + hexByte(1 + segment.length() / 2) + "01" + segment;
    }

    private static String hexByte(int value) {
        return String.format("%02x", value);
    }

    private static WasmModule build(WasmModule.Builder b, boolean compiled) {
        return (compiled ? b.compiled() : b.interpreter()).build();
    }

    private static WasmModule.Builder wat(String source) {
        return WasmModule.builder().bytes(Wat2Wasm.parse(source));
    }

    // ------------------------------------------------------------------ bad modules, at build

    /**
     * {@link WasmModule.Builder#build()}: "@throws IllegalArgumentException if the bytes are not a
     * valid WebAssembly module", here a handler whose body leaves an i32 where it must return an i64.
     */
    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aModuleWhoseCodeDoesNotValidateIsRefusedAtBuildInEitherMode(boolean compiled) {
        byte[] bytes = handMade(ONE_PAGE, "040041000b", "");

        assertThatIllegalArgumentException().isThrownBy(() -> build(WasmModule.builder().bytes(bytes), compiled))
                .withMessage("invalid WebAssembly module: type mismatch: instruction requires [i64] but stack has [i32]")
                .withCauseInstanceOf(InvalidException.class);
        assertThat(build(WasmModule.builder().bytes(handMade(ONE_PAGE, RETURNS_I64, "")), compiled)
                .newInstance().handle(new byte[] {1})).isEmpty();
    }

    /**
     * {@link WasmModule.Builder#build()} refuses bytes that are not a valid module: a function that
     * declares 4,294,967,295 locals is refused as malformed, without the host allocating them.
     */
    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aFunctionDeclaringBillionsOfLocalsIsRefusedAtBuildWithoutAllocatingThem(boolean compiled) {
        byte[] bytes = handMade(ONE_PAGE, "0a01ffffffff0f7f42000b", "");

        assertThatIllegalArgumentException().isThrownBy(() -> build(WasmModule.builder().bytes(bytes), compiled))
                .withMessageStartingWith("not a WebAssembly module: ")
                .withMessageContaining("too many locals")
                .withCauseInstanceOf(MalformedException.class);
    }

    /**
     * {@link WasmModule.Builder#build()}: "@throws IllegalArgumentException if the bytes are not a
     * valid WebAssembly module": an export naming a function the module does not have, which
     * Chicory's parser lets through, is refused with that exception, not an index error.
     */
    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void anExportNamingAFunctionThatDoesNotExistIsRefusedAtBuild(boolean compiled) {
        byte[] bytes = HexFormat.of().parseHex(HexFormat.of().formatHex(handMade(ONE_PAGE, RETURNS_I64, ""))
                .replace("0668616e646c650001", "0668616e646c650070"));

        assertThatIllegalArgumentException().isThrownBy(() -> build(WasmModule.builder().bytes(bytes), compiled))
                .withMessageStartingWith("invalid WebAssembly module: ");
    }

    /**
     * A corrupted copy of counter.wat (one byte changed by a fuzzer) that Chicory's parser accepts
     * and its compiler fails on with a bare {@code NoSuchElementException}: {@link
     * WasmModule.Builder#build()} refuses it with an {@link IllegalArgumentException}, as its
     * javadoc says of bytes that are not a valid module.
     */
    @Test
    void aCorruptedModuleThatTheCompilerChokesOnIsRefusedWithAnIllegalArgumentException() {
        byte[] bytes = HexFormat.of().parseHex(CORRUPTED_COUNTER);

        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(bytes).build())
                .withMessageStartingWith("invalid WebAssembly module: ");
    }

    private static final String CORRUPTED_COUNTER = "0061736d0100000001150460027f7f017e60017f017e60017f017f6000017f0307060001020203000503010001072404"
            + "066d656d6f7279020005616c6c6f630003066865616c746800040668616e646c6500050aba03060c002000ad42208620"
            + "01ad840b8b0101047f2000410048044041012101410020006b21000b2000210341012102024003402003410a490d0120"
            + "03410a6e2103200241016a21020c000b0b200220016a21022001044041808002412d3a00000b20022104200021030340"
            + "200441016b21044180800220046a41302003410a706a3a00002003410a6e2103200420014b0d000b4180800220021000"
            + "0b0c004101200041016a10026a0b05004180080b08004104280200450b810201017f4100410028020041016a36020020"
            + "01450440000b20002d00002102200241e300460440410028020010010f0b200241f800460440413c2802004101470440"
            + "000b410028020010010f0b200241e80046044041044101360200410028020010010fb3200241e7ff460440200041016a"
            + "2d000041306b400010010f0b200241f0004604403f0010010f0b200241ed004604404170280200ad0f0b200241e40046"
            + "0440200141006dad0f0b200241ef00460440418080808078417f6dad0f0b200241ee00460440430000c07fa8ad0f0b20"
            + "0241f30046044041001002ad0f0b200241f20046044041808008410410000f0b200241ec0046044003400c000b0b000b";

    /** Package documentation, Memory cap: "A module whose initial memory exceeds the cap ... is refused when built." */
    @Test
    void aModuleDeclaringFourGibibytesOfInitialMemoryIsRefusedAtBuildBeforeAnyIsAllocated() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> wat("(module (memory (export \"memory\") 65536)" + ABI + ")").build())
                .withMessage("module declares 65536 initial memory pages, more than memoryLimitPages 32");
    }

    /**
     * Package documentation, Memory cap: a module "whose data segment does not fit its initial
     * memory, is refused when built", also when the segment's offset is a constant expression
     * (extended-const arithmetic, an immutable global), not only a plain {@code i32.const}.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "i32.const 65530,                         '',                   41faff030b",
        "i32.const 0 + i32.const 65530,           '',                   410041faff036a0b",
        "i32.const 65530 * i32.const 1,           '',                   41faff0341016c0b",
        "global.get of a global set to 65530,     0608017f0041faff030b, 23000b",
        "global.get 0 + i32.const 65530,          0606017f0041000b,     230041faff036a0b",
    })
    void aDataSegmentAtAComputedOffsetPastTheInitialMemoryIsRefusedAtBuild(String offset, String globals,
            String expression) {
        byte[] bytes = handMade(ONE_PAGE + globals, RETURNS_I64, tenBytesAt(expression));

        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(bytes).build())
                .withMessage("data segment 0 (10 bytes at offset 65530) ends at byte 65540, past the module's"
                        + " initial memory of 1 pages (65536 bytes)");
    }

    /** The converse of the rule above: a segment whose computed offset fits is built, and instantiates. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ends at the last byte,                   '',                   41f6ff030b",
        "i32.const 65530 - i32.const 65530,       '',                   41faff0341faff036b0b",
        "global.get of a global set to 65526,     0608017f0041f6ff030b, 23000b",
    })
    void aDataSegmentAtAComputedOffsetThatFitsIsAccepted(String offset, String globals, String expression) {
        byte[] bytes = handMade(ONE_PAGE + globals, RETURNS_I64, tenBytesAt(expression));

        for (boolean compiled : new boolean[] {true, false}) {
            try (WasmInstance instance = build(WasmModule.builder().bytes(bytes), compiled).newInstance()) {
                assertThat(instance.handle(new byte[0])).isEmpty();
            }
        }
    }

    /** Package documentation, Exports: "{@code memory}: the module's one linear memory". */
    @Test
    void aModuleDefiningTwoMemoriesIsRefused() {
        byte[] bytes = handMade("05050200010001", RETURNS_I64, "");

        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(bytes).build())
                .withMessage("module defines 2 memories, but exactly one is supported");
    }

    /** Package documentation, Imports: "any other import (including a memory, table or global) is refused". */
    @Test
    void aModuleImportingATableOrAGlobalIsRefusedNamingTheImport() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> wat("(module (import \"env\" \"t\" (table 1 funcref))"
                        + " (memory (export \"memory\") 1 1)" + ABI + ")").build())
                .withMessage("module imports a table env.t which is not granted; only host functions can be granted");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> wat("(module (import \"env\" \"g\" (global i32))"
                        + " (memory (export \"memory\") 1 1)" + ABI + ")").build())
                .withMessage("module imports a global env.g which is not granted; only host functions can be granted");
    }

    /**
     * README: "A module built for {@code wasm32-wasi} imports WASI functions, so it is refused unless
     * its {@code WasmModule} grants WASI with a {@code Wasi} spec ({@code module imports
     * wasi_snapshot_preview1.fd_write, a WASI function, but WASI is not granted: ...})".
     */
    @Test
    void theRustWasiGuestIsRefusedWithoutAWasiGrantWithTheReadmesMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmModule.builder().resource("wasm/rust-wasi-counter.wasm").build())
                .withMessage("module imports wasi_snapshot_preview1.fd_write, a WASI function, but WASI is not granted:"
                        + " grant it with WasmModule.Builder.wasi(Wasi)");
    }

    /**
     * README: "A Rust module starts with 17 pages (1 MiB of stack, then its data), so its memory cap
     * must be above that: the default cap, 32 pages (2 MiB), leaves it 15 pages of heap".
     */
    @Test
    void theRustGuestNeedsACapAboveItsSeventeenInitialPagesAndHasFifteenPagesOfHeapByDefault() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmModule.builder().resource("wasm/rust-counter.wasm").memoryLimitPages(16).build())
                .withMessage("module declares 17 initial memory pages, more than memoryLimitPages 16");
        WasmModule rust = WasmModule.builder().resource("wasm/rust-counter.wasm").build();
        assertThat(rust.maxMemoryPages()).isEqualTo(32);

        try (WasmInstance instance = rust.newInstance()) {
            assertThat(text(instance, "grow 960")).isEqualTo("no memory");
            assertThat(text(instance, "grow 768")).isEqualTo("grew 768");
            assertThat(text(instance, "grow 192")).isEqualTo("no memory");
            assertThat(instance.isPoisoned()).isFalse();
        }
    }

    private static String text(WasmInstance instance, String message) {
        return new String(instance.handle(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ guests that write or read where they must not

    /**
     * {@link TrapKind#OUT_OF_BOUNDS_MEMORY}: "A load, store or bulk memory instruction touched memory
     * outside the linear memory"; README: "a bad memory access" is a crash. A guest writing past the
     * end of its memory traps; nothing is written to the host, and the instance is poisoned.
     */
    @ParameterizedTest(name = "{0}, compiled={1}")
    @CsvSource({
        "store, true", "store, false", "fill, true", "fill, false", "copy, true", "copy, false",
    })
    void aStoreOrBulkWritePastTheEndOfMemoryIsAnOutOfBoundsTrap(String handler, boolean compiled) {
        String source = "(module (memory (export \"memory\") 1 1)"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"store\") (param i32 i32) (result i64)"
                + "  (i32.store (i32.const 65534) (i32.const 1)) (i64.const 0))"
                + "(func (export \"fill\") (param i32 i32) (result i64)"
                + "  (memory.fill (i32.const 65000) (i32.const 1) (i32.const 1000)) (i64.const 0))"
                + "(func (export \"copy\") (param i32 i32) (result i64)"
                + "  (memory.copy (i32.const 65000) (local.get 0) (i32.const 1000)) (i64.const 0)))";
        WasmInstance instance = build(wat(source).handlerExport(handler), compiled).newInstance();

        WasmTrapException trap = catchThrowableOfType(WasmTrapException.class, () -> instance.handle(new byte[] {1}));

        assertThat(trap.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY);
        assertThat(trap.exportName()).isEqualTo(handler);
        assertThat(trap).hasMessageStartingWith("wasm trap in '" + handler + "': out of bounds memory access");
        assertThat(instance.isPoisoned()).isTrue();
    }

    /**
     * {@link TrapKind#OTHER}: "Any other failure of the guest, such as an out-of-bounds table
     * access, an indirect call type mismatch".
     */
    @ParameterizedTest(name = "{0}, compiled={1}")
    @CsvSource({
        "pastTheTable, true,  undefined element",
        "pastTheTable, false, undefined element",
        "emptySlot,    true,  uninitialized element 1",
        "emptySlot,    false, uninitialized element 1",
        "wrongType,    true,  indirect call type mismatch",
        "wrongType,    false, indirect call type mismatch",
    })
    void aBadIndirectCallIsATrapOfKindOther(String handler, boolean compiled, String detail) {
        String source = "(module (memory (export \"memory\") 1 1) (table 2 funcref) (type $t (func (result i32)))"
                + "(func $f (param i32) (result i32) (i32.const 1)) (elem (i32.const 0) $f)"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"pastTheTable\") (param i32 i32) (result i64)"
                + "  (drop (call_indirect (type $t) (i32.const 5))) (i64.const 0))"
                + "(func (export \"emptySlot\") (param i32 i32) (result i64)"
                + "  (drop (call_indirect (type $t) (i32.const 1))) (i64.const 0))"
                + "(func (export \"wrongType\") (param i32 i32) (result i64)"
                + "  (drop (call_indirect (type $t) (i32.const 0))) (i64.const 0)))";
        WasmInstance instance = build(wat(source).handlerExport(handler), compiled).newInstance();

        assertThatThrownBy(() -> instance.handle(new byte[0]))
                .isInstanceOfSatisfying(WasmTrapException.class, trap -> assertThat(trap.kind()).isEqualTo(TrapKind.OTHER))
                .hasMessage("wasm trap in '" + handler + "': " + detail);
        assertThat(instance.isPoisoned()).isTrue();
    }

    /**
     * Package documentation, One message: "the reply's bytes must lie inside linear memory; the host
     * copies them out before it makes another call, so the guest may reuse its reply buffer". A
     * reply that ends at the very last byte is inside; an earlier reply is not changed by later calls.
     */
    @Test
    void aReplyEndingAtTheLastByteIsReadAndEarlierRepliesAreCopiesTheGuestCannotChange() {
        String source = "(module (memory (export \"memory\") 1 1)"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)"
                + "  (memory.copy (i32.sub (i32.const 65536) (local.get $len)) (local.get $ptr) (local.get $len))"
                + "  (i64.or (i64.shl (i64.extend_i32_u (i32.sub (i32.const 65536) (local.get $len))) (i64.const 32))"
                + "          (i64.extend_i32_u (local.get $len)))))";
        WasmInstance instance = wat(source).build().newInstance();
        byte[] message = "first".getBytes(StandardCharsets.UTF_8);

        byte[] first = instance.handle(message);
        message[0] = 'X';
        byte[] second = instance.handle("again".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("first");
        assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo("again");
        assertThat(instance.handle(new byte[32768])).hasSize(32768);
        assertThat(instance.isPoisoned()).isFalse();
    }

    /**
     * Package documentation, One message: "The {@code len} bytes at the address it returns must lie
     * inside linear memory": inside the memory as it is once {@code alloc} has returned, so an
     * {@code alloc} that grows memory to make room for a large message is following the ABI.
     */
    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void anAllocThatGrowsMemoryForALargeMessageIsFollowingTheAbi(boolean compiled) {
        String source = "(module (memory (export \"memory\") 1)"
                + "(func (export \"alloc\") (param $len i32) (result i32)"
                + "  (local $old i32)"
                + "  (local.set $old (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))))"
                + "  (if (i32.lt_s (local.get $old) (i32.const 0)) (then unreachable))"
                + "  (i32.shl (local.get $old) (i32.const 16)))"
                + "(func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)"
                + "  (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len)))))";
        WasmInstance instance = build(wat(source).memoryLimitPages(8), compiled).newInstance();
        byte[] large = new byte[200_000];
        large[199_999] = 42;

        assertThat(instance.handle(large)).isEqualTo(large);
        assertThat(instance.toString()).contains("memoryPages=5");
    }

    // ------------------------------------------------------------------ the time budget

    /**
     * Package documentation, Time budget: "Each call ({@code alloc} and {@code handle} together,
     * {@code health}, or creation including {@code init}) runs under the module's wall-clock time
     * budget": an {@code alloc} or a {@code health} that never returns is stopped, naming that export.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alloc", "health"})
    void anAllocOrAHealthExportThatNeverReturnsIsStoppedByTheBudget(String export) {
        String source = "(module (memory (export \"memory\") 1 1)"
                + "(func $spin (loop $forever (br $forever)))"
                + "(func (export \"alloc\") (param i32) (result i32) (call $spin) (i32.const 1024))"
                + "(func (export \"health\") (result i32) (call $spin) (i32.const 1))"
                + "(func (export \"handle\") (param i32 i32) (result i64) (i64.const 0)))";
        WasmInstance instance = wat(source).timeBudget(Duration.ofMillis(50)).build().newInstance();

        assertThatThrownBy(() -> {
            if (export.equals("alloc")) {
                instance.handle(new byte[] {1});
            } else {
                instance.healthy();
            }
        }).isInstanceOfSatisfying(WasmTrapException.class, trap -> {
            assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
            assertThat(trap.exportName()).isEqualTo(export);
        }).hasMessage("wasm trap in '" + export + "': time budget of 50ms exceeded");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(instance.isPoisoned()).isTrue();
    }

    /**
     * Package documentation, Time budget: "{@code alloc} and {@code handle} together" share one
     * budget: each takes 60% of it, which alone is within it, and together they overrun it. The
     * budget is the guest's real running time, so the calls that must pass stay far within it
     * (20% together), and only the overrun is near its edge.
     */
    @Test
    void allocAndHandleShareOneBudget() {
        long[] spinMillis = {0};
        HostFunction work = new HostFunction("env", "work", FunctionType.of(List.of(), List.of()), (instance, args) -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spinMillis[0]);
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            return null;
        });
        String source = "(module (import \"env\" \"work\" (func $work)) (memory (export \"memory\") 1 1)"
                + "(func (export \"alloc\") (param i32) (result i32) (call $work) (i32.const 1024))"
                + "(func (export \"handle\") (param i32 i32) (result i64) (call $work) (i64.const 0)))";
        WasmModule module = wat(source).grant(work).timeBudget(Duration.ofMillis(1000)).build();

        spinMillis[0] = 100;
        assertThat(module.newInstance().handle(new byte[] {1})).isEmpty();

        spinMillis[0] = 600;
        assertThatThrownBy(() -> module.newInstance().handle(new byte[] {1}))
                .isInstanceOfSatisfying(WasmTrapException.class, trap -> {
                    assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED);
                    assertThat(trap.exportName()).isEqualTo("handle");
                });
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /**
     * README: "a message still running when the time budget is spent is stopped: a crash too", and
     * "the component restarts with a fresh instance": so even when the tree runs on virtual time,
     * as a user's tests do, since the budget is the guest's real running time.
     */
    @Test
    void aLoopingGuestIsStoppedByItsBudgetEvenWhenTheTreeRunsOnVirtualTime() {
        WasmModule counter = Wat.module("counter").timeBudget(Duration.ofMillis(50)).build();
        ComponentSpec<String, String> spec =
                WasmComponent.named("c", counter, WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(ref.ask("c").block(BOUND)).isEqualTo("1");
        assertThat(ref.ask("c").block(BOUND)).isEqualTo("2");

        StepVerifier.create(ref.ask("l"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOfSatisfying(WasmTrapException.class,
                                trap -> assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED)))
                .verify(BOUND);
        advance(Duration.ofSeconds(1));

        assertThat(ref.ask("c").block(BOUND)).isEqualTo("1");
        assertThat(events(SupervisionEvent.Restarted.class, "root/c")).hasSize(1);
    }

    // ------------------------------------------------------------------ messages the guest cannot hold

    /**
     * README: "Memory past the module's cap is refused inside the guest (C's {@code malloc} returns
     * {@code NULL}, Rust's {@code try_reserve} fails; a plain {@code Vec::push} then aborts, a
     * crash)", and "A trap (C's ... {@code abort()}, a Rust panic ...) is a crash: the component
     * restarts with a fresh instance". A message within {@code maxMessageBytes} that the guest's
     * heap cannot hold makes its {@code alloc} abort: a crash in {@code alloc}, then a fresh guest.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "wasm/c-counter.wasm,    4, 262144, 200000",
        "wasm/rust-counter.wasm, 32,     0, 1048576",
    })
    void aMessageWithinTheMaximumThatTheGuestCannotHoldCrashesItsAllocAndTheGuestStartsAfresh(
            String resource, int pages, int maxMessageBytes, int size) {
        WasmModule.Builder b = WasmModule.builder().resource(resource).memoryLimitPages(pages);
        if (resource.contains("c-counter")) {
            b.wasi(Wasi.logging());
        }
        if (maxMessageBytes > 0) {
            b.maxMessageBytes(maxMessageBytes);
        }
        WasmModule module = b.build();
        assertThat(size).isLessThanOrEqualTo(module.maxMessageBytes());
        ComponentSpec<String, String> spec =
                WasmComponent.named("guest", module, WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(ref.ask("inc").block(BOUND)).isEqualTo("count=1");

        StepVerifier.create(ref.ask("x".repeat(size)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOfSatisfying(WasmTrapException.class, trap -> {
                            assertThat(trap.kind()).isEqualTo(TrapKind.UNREACHABLE);
                            assertThat(trap.exportName()).isEqualTo("alloc");
                        }))
                .verify(BOUND);
        advance(Duration.ofSeconds(1));

        assertThat(ref.ask("get").block(BOUND)).isEqualTo("count=0");
        assertThat(ref.ask("inc").block(BOUND)).isEqualTo("count=1");
    }

    // ------------------------------------------------------------------ WasmComponent

    /**
     * {@link WasmComponent#named(String, WasmModule, WasmCodec, WasmCodec)}: "A codec that throws
     * crashes the incarnation, as a handler exception does". A guest that replies bytes that are not
     * UTF-8 crashes its component, which restarts with a fresh instance.
     */
    @Test
    void aReplyTheCodecCannotDecodeCrashesTheIncarnation() {
        String source = "(module (memory (export \"memory\") 1 1) (global $calls (mut i32) (i32.const 0))"
                + "(data (i32.const 0) \"\\ff\\fe\")"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)"
                + "  (global.set $calls (i32.add (global.get $calls) (i32.const 1)))"
                + "  (i32.store8 (i32.const 16) (i32.add (i32.const 48) (global.get $calls)))"
                + "  (if (result i64) (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 98))"
                + "    (then (i64.const 2))"
                + "    (else (i64.const 0x0000001000000001)))))";
        ComponentSpec<String, String> spec =
                WasmComponent.named("c", wat(source).build(), WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(ref.ask("count").block(BOUND)).isEqualTo("1");
        assertThat(ref.ask("count").block(BOUND)).isEqualTo("2");

        StepVerifier.create(ref.ask("bad"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("bytes are not valid UTF-8"))
                .verify(BOUND);
        advance(Duration.ofSeconds(1));

        assertThat(ref.ask("count").block(BOUND)).isEqualTo("1");
        assertThat(events(SupervisionEvent.Restarted.class, "root/c")).hasSize(1);
    }

    /**
     * {@link WasmComponent}: "(That rule is declared first: a further {@code onFailure} for that type
     * or a subtype of it is refused, one for a supertype such as {@code IllegalArgumentException} is
     * fine and applies to other failures.)"
     */
    @Test
    void theTooLargeRuleComesFirstAndASupertypeRuleAppliesToOtherFailures() {
        WasmModule echo = Wat.module("echo").memoryLimitPages(1).build();
        assertThatIllegalArgumentException().isThrownBy(() -> WasmComponent.named("e", echo)
                .onFailure(WasmMessageTooLargeException.class, Directive.STOP));

        String source = "(module (memory (export \"memory\") 1 1) (data (i32.const 0) \"\\ff\")"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)"
                + "  (if (result i64) (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 98))"
                + "    (then (i64.const 1)) (else (i64.const 0)))))";
        ComponentSpec<String, String> spec = WasmComponent.named("c", wat(source).maxMessageBytes(8).build(),
                        WasmCodec.utf8(), WasmCodec.utf8())
                .onFailure(IllegalArgumentException.class, Directive.STOP)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        assertThatThrownBy(() -> ref.ask("far too large").block(BOUND)).isInstanceOf(WasmMessageTooLargeException.class);
        assertThat(ref.ask("ok").block(BOUND)).isEmpty();
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).extracting(SupervisionEvent.Crashed::directive)
                .containsExactly(Directive.RESUME);

        StepVerifier.create(ref.ask("bad")).expectError().verify(BOUND);
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).extracting(SupervisionEvent.Crashed::directive)
                .containsExactly(Directive.RESUME, Directive.STOP);
    }

    // ------------------------------------------------------------------ lifecycle and health

    /**
     * Package documentation, Lifecycle: "then the module's start function (if it has one) and its
     * {@code init} export (if any) run. WASI's {@code _start} and {@code _initialize} are not
     * called"; README: {@code init()} is "called once, when the instance is created".
     */
    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void theStartFunctionRunsThenInitOnceAndNeitherStartNorInitializeOfWasi(boolean compiled) {
        String source = "(module (memory (export \"memory\") 1 1) (global $order (mut i32) (i32.const 0))"
                + "(func $then (param $step i32)"
                + "  (global.set $order (i32.add (i32.mul (global.get $order) (i32.const 10)) (local.get $step))))"
                + "(func $start (call $then (i32.const 1)))"
                + "(start $start)"
                + "(func (export \"init\") (call $then (i32.const 2)))"
                + "(func (export \"_start\") (call $then (i32.const 8)) unreachable)"
                + "(func (export \"_initialize\") (call $then (i32.const 9)) unreachable)"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"handle\") (param i32 i32) (result i64)"
                + "  (i32.store (i32.const 0) (global.get $order)) (i64.const 4)))";
        WasmModule module = build(wat(source), compiled);

        for (int incarnation = 0; incarnation < 2; incarnation++) {
            try (WasmInstance instance = module.newInstance()) {
                assertThat(instance.handle(new byte[0])).containsExactly(12, 0, 0, 0);
                assertThat(instance.handle(new byte[0])).containsExactly(12, 0, 0, 0);
            }
        }
    }

    /** Package documentation, Exports: "{@code health() -> i32}, optional: nonzero means healthy, 0 unhealthy." */
    @ParameterizedTest(name = "health() = {0}")
    @CsvSource({"0, false", "1, true", "-1, true", "2, true", "-2147483648, true"})
    void anyNonzeroHealthAnswerIsHealthyAndZeroIsNot(int answer, boolean healthy) {
        String source = "(module (memory (export \"memory\") 1 1)"
                + "(func (export \"alloc\") (param i32) (result i32) (i32.const 1024))"
                + "(func (export \"health\") (result i32) (i32.load (i32.const 0)))"
                + "(func (export \"handle\") (param $ptr i32) (param $len i32) (result i64)"
                + "  (i32.store (i32.const 0) (i32.load (local.get $ptr))) (i64.const 0)))";
        WasmInstance instance = wat(source).build().newInstance();

        instance.handle(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(answer).array());

        assertThat(instance.healthy()).isEqualTo(healthy);
        assertThat(instance.isPoisoned()).isFalse();
    }

    /**
     * README: "the MDC's {@code component} names the component that wrote the line": the lines its
     * {@code init} writes too, when the component starts and when it restarts.
     */
    @Test
    void everyLineOfTheGuestIncludingInitsAtStartAndRestartCarriesTheComponentInTheMdc() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger("io.reactorsupervisor.wasm.guest.c-counter");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            WasmModule c = WasmModule.builder().resource("wasm/c-counter.wasm").wasi(Wasi.logging()).build();
            ComponentSpec<String, String> spec =
                    WasmComponent.named("counter", c, WasmCodec.utf8(), WasmCodec.utf8()).build();
            ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
            assertThat(ref.ask("inc").block(BOUND)).isEqualTo("count=1");
            StepVerifier.create(ref.ask("trap")).expectError(MessageCrashedException.class).verify(BOUND);
            advance(Duration.ofSeconds(1));
            assertThat(ref.ask("inc").block(BOUND)).isEqualTo("count=1");

            assertThat(appender.list).extracting(e -> e.getFormattedMessage())
                    .containsExactly("c counter ready", "c counter: count=1", "c counter ready", "c counter: count=1");
            assertThat(appender.list).allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                    .containsEntry(Supervisor.MDC_COMPONENT, "root/counter"));
        } finally {
            logger.detachAppender(appender);
        }
    }

    // ------------------------------------------------------------------ arguments

    /**
     * {@link WasmComponent}: "A message longer than the module's maximum (once encoded) never
     * reaches the guest"; {@link WasmMessageTooLargeException#size()}: "The size of the refused
     * message, once encoded". Two-byte UTF-8 characters count twice.
     */
    @Test
    void theMaximumMessageSizeCountsEncodedBytesNotCharacters() {
        ComponentSpec<String, String> spec = WasmComponent.named("echo", Wat.module("echo").memoryLimitPages(1).build(),
                WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        String fits = "\u00e9".repeat(16_384);
        String tooLarge = "\u00e9".repeat(16_385);

        assertThat(ref.ask(fits).block(BOUND)).isEqualTo(fits);
        assertThatThrownBy(() -> ref.ask(tooLarge).block(BOUND))
                .isInstanceOfSatisfying(WasmMessageTooLargeException.class, e -> {
                    assertThat(e.size()).isEqualTo(32_770);
                    assertThat(e.maxBytes()).isEqualTo(32_768);
                })
                .hasMessage("message of 32770 bytes is larger than the module's maxMessageBytes 32768");
        assertThat(ref.ask("after").block(BOUND)).isEqualTo("after");
    }

    /** {@link WasmModule.Builder#wasi(Wasi)}: "@throws NullPointerException if {@code wasi} is null". */
    @Test
    void aNullWasiGrantIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> WasmModule.builder().wasi(null))
                .isInstanceOf(NullPointerException.class).hasMessage("wasi");
    }

    /**
     * {@link WasmModule.Builder#resource(String)}: read "through the thread's context class loader,
     * or this library's if there is none".
     */
    @Test
    void aResourceIsReadThroughTheLibrarysClassLoaderWhenTheThreadHasNoContextClassLoader() {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            WasmModule rust = WasmModule.builder().resource("/wasm/rust-counter.wasm").build();
            assertThat(rust).hasToString("WasmModule[resource wasm/rust-counter.wasm, handler=handle, maxMemoryPages=32,"
                    + " timeBudget=1s, compiled, granted=[]]");
        } finally {
            thread.setContextClassLoader(context);
        }
    }
}
