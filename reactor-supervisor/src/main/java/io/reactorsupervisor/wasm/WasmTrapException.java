package io.reactorsupervisor.wasm;

/**
 * A WebAssembly guest stopped abnormally: it trapped, broke the ABI, ran past its time budget, or
 * a host function it called failed. This is a crash of the component that ran it.
 *
 * <p>The {@link WasmInstance} that threw it is poisoned: its linear memory may hold a half-done
 * update, so every later call on it throws {@link IllegalStateException}. Create a fresh instance
 * with {@link WasmModule#newInstance()}. The cause, when present, is the exception the runtime or
 * the host function threw, and its stack trace is where to look: an exception with a cause has
 * no stack trace of its own (it would repeat the cause's host frames, at a cost on every
 * restart); one without a cause (a reply outside memory, a call that returned past its budget)
 * has its own.
 */
public final class WasmTrapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What stopped the guest. */
    private final TrapKind kind;

    /** The export that was running. */
    private final String exportName;

    /**
     * A trap with the exception the runtime or the host function threw as its cause. It has no
     * stack trace of its own: it is created on the same thread, a few frames above where its cause
     * was thrown, so the cause's trace shows the same host frames (and the guest's, for a trap),
     * and filling a second trace would add its cost to every restart.
     */
    WasmTrapException(TrapKind kind, String exportName, String detail, Throwable cause) {
        super("wasm trap in '" + exportName + "': " + detail, cause, true, false);
        this.kind = kind;
        this.exportName = exportName;
    }

    WasmTrapException(TrapKind kind, String exportName, String detail) {
        super("wasm trap in '" + exportName + "': " + detail);
        this.kind = kind;
        this.exportName = exportName;
    }

    /**
     * What stopped the guest.
     *
     * @return the kind of trap, never null
     */
    public TrapKind kind() {
        return kind;
    }

    /**
     * The export that was running when the guest stopped: the handler, {@code alloc},
     * {@code init}, {@code health}, or {@code start} for the module's start function.
     *
     * @return the export's name
     */
    public String exportName() {
        return exportName;
    }
}
