package io.reactorsupervisor.wasm;

/**
 * A WebAssembly guest stopped abnormally: it trapped, broke the ABI, ran past its time budget, or
 * a host function it called failed. This is a crash of the component that ran it.
 *
 * <p>The {@link WasmInstance} that threw it is poisoned: its linear memory may hold a half-done
 * update, so every later call on it throws {@link IllegalStateException}. Create a fresh instance
 * with {@link WasmModule#newInstance()}. The cause, when present, is the exception the runtime or
 * the host function threw.
 */
public final class WasmTrapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What stopped the guest. */
    private final TrapKind kind;

    /** The export that was running. */
    private final String exportName;

    WasmTrapException(TrapKind kind, String exportName, String detail, Throwable cause) {
        super("wasm trap in '" + exportName + "': " + detail, cause);
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
