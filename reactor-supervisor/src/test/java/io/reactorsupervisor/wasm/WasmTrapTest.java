package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each way a guest can crash becomes a {@link WasmTrapException} of the right kind, and poisons
 * the instance. Every case runs compiled and interpreted: Chicory reports some traps differently.
 */
class WasmTrapTest {

    private static final Map<String, WasmModule> MODULES = new ConcurrentHashMap<>();

    /** The traps.wat module with the given handler export, built once per mode. */
    private static WasmInstance instance(String handler, boolean compiled) {
        return MODULES.computeIfAbsent(handler + compiled, k -> {
            WasmModule.Builder b = Wat.module("traps").handlerExport(handler);
            return (compiled ? b.compiled() : b.interpreter()).build();
        }).newInstance();
    }

    /** Runs the handler, expects a trap of that kind, and checks the instance is poisoned after. */
    private static WasmTrapException trap(String handler, boolean compiled, TrapKind kind) {
        WasmInstance instance = instance(handler, compiled);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> instance.handle(new byte[] {1, 2, 3}));

        assertThat(thrown).isInstanceOf(WasmTrapException.class);
        WasmTrapException trap = (WasmTrapException) thrown;
        assertThat(trap.kind()).isEqualTo(kind);
        assertThat(trap.exportName()).isEqualTo(handler);
        assertThat(instance.isPoisoned()).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> instance.handle(new byte[] {1})).withCause(trap);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        return trap;
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void unreachableTrapPoisonsTheInstance(boolean compiled) {
        assertThat(trap("unreachable", compiled, TrapKind.UNREACHABLE))
                .hasMessage("wasm trap in 'unreachable': Trapped on unreachable instruction")
                .hasCauseInstanceOf(TrapException.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void outOfBoundsLoadTrapPoisonsTheInstance(boolean compiled) {
        WasmTrapException trap = trap("outOfBounds", compiled, TrapKind.OUT_OF_BOUNDS_MEMORY);

        // The compiler names the address; the interpreter does not.
        assertThat(trap).hasMessage(compiled
                ? "wasm trap in 'outOfBounds': out of bounds memory access:"
                        + " attempted to access address: -16 but limit is: 65536 and size: 4"
                : "wasm trap in 'outOfBounds': out of bounds memory access")
                .hasCauseInstanceOf(WasmRuntimeException.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void divideByZeroTrapPoisonsTheInstance(boolean compiled) {
        assertThat(trap("divideByZero", compiled, TrapKind.DIVIDE_BY_ZERO))
                .hasMessage("wasm trap in 'divideByZero': integer divide by zero")
                .hasCauseInstanceOf(WasmRuntimeException.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void integerOverflowTrapPoisonsTheInstance(boolean compiled) {
        assertThat(trap("integerOverflow", compiled, TrapKind.INTEGER_OVERFLOW))
                .hasMessage("wasm trap in 'integerOverflow': integer overflow")
                .hasCauseInstanceOf(WasmRuntimeException.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void invalidConversionTrapPoisonsTheInstance(boolean compiled) {
        assertThat(trap("invalidConversion", compiled, TrapKind.INVALID_CONVERSION))
                .hasMessage("wasm trap in 'invalidConversion': invalid conversion to integer")
                .hasCauseInstanceOf(WasmRuntimeException.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void unboundedRecursionExhaustsTheCallStackAndPoisonsTheInstance(boolean compiled) {
        WasmTrapException trap = trap("recurse", compiled, TrapKind.CALL_STACK_EXHAUSTED);

        assertThat(trap).hasMessage("wasm trap in 'recurse': call stack exhausted");
        assertThat(trap.getCause()).isExactlyInstanceOf(ChicoryException.class)
                .hasCauseInstanceOf(StackOverflowError.class);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aReplyPastTheEndOfMemoryIsABadReply(boolean compiled) {
        assertThat(trap("replyPastMemory", compiled, TrapKind.BAD_REPLY))
                .hasMessage("wasm trap in 'replyPastMemory':"
                        + " reply of 4 bytes at 131072 is outside linear memory (65536 bytes)")
                .hasNoCause();
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aReplyLongerThanWhatIsLeftOfMemoryIsABadReply(boolean compiled) {
        assertThat(trap("replyTooLong", compiled, TrapKind.BAD_REPLY))
                .hasMessage("wasm trap in 'replyTooLong':"
                        + " reply of 65536 bytes at 1024 is outside linear memory (65536 bytes)");
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aReplyWithAllBitsSetIsReadAsUnsignedAndIsABadReply(boolean compiled) {
        assertThat(trap("replyAllOnes", compiled, TrapKind.BAD_REPLY))
                .hasMessage("wasm trap in 'replyAllOnes':"
                        + " reply of 4294967295 bytes at 4294967295 is outside linear memory (65536 bytes)");
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void anAllocThatHandsOutMemoryTooCloseToTheEndIsABadReply(boolean compiled) {
        WasmModule.Builder b = Wat.module("bad-alloc");
        WasmInstance instance = (compiled ? b.compiled() : b.interpreter()).build().newInstance();
        assertThat(instance.handle(new byte[6])).isEmpty();

        assertThatThrownBy(() -> instance.handle(new byte[7]))
                .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TrapKind.BAD_REPLY);
                    assertThat(e.exportName()).isEqualTo("alloc");
                })
                .hasMessage("wasm trap in 'alloc':"
                        + " alloc(7) returned 65530, but 7 bytes there are outside linear memory (65536 bytes)");
        assertThat(instance.isPoisoned()).isTrue();
    }
}
