package io.reactorsupervisor.wasm;

/**
 * What made a WebAssembly guest stop, as carried by {@link WasmTrapException#kind()}.
 */
public enum TrapKind {
    /** The guest executed {@code unreachable}. */
    UNREACHABLE,
    /** A load, store or bulk memory instruction touched memory outside the linear memory. */
    OUT_OF_BOUNDS_MEMORY,
    /** An integer division or remainder by zero. */
    DIVIDE_BY_ZERO,
    /** A signed integer division whose result does not fit, such as {@code INT_MIN / -1}. */
    INTEGER_OVERFLOW,
    /** A float-to-integer truncation of NaN, an infinity or a value out of the integer's range. */
    INVALID_CONVERSION,
    /** The guest recursed deeper than the JVM thread's stack allows. */
    CALL_STACK_EXHAUSTED,
    /** The call ran past the module's time budget and was stopped by interrupting its thread. */
    TIME_BUDGET_EXCEEDED,
    /**
     * An export returned a value that breaks the ABI: {@code alloc} returned an address, or
     * the handler returned a reply, that does not lie inside linear memory.
     */
    BAD_REPLY,
    /** A granted host function threw; the cause is what it threw. */
    HOST_FUNCTION,
    /**
     * Any other failure of the guest, such as an out-of-bounds table access, an indirect call
     * type mismatch, or an interrupt of the calling thread that did not come from the time budget.
     */
    OTHER
}
