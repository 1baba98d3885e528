package io.reactorsupervisor.wasm;

/**
 * A message was refused before it reached the guest: it is larger than the module's
 * {@linkplain WasmModule#maxMessageBytes() maximum message size}. Nothing was called in the guest
 * and the {@link WasmInstance} is not poisoned: it goes on handling the next message.
 *
 * <p>A component made by {@link WasmComponent} rejects such a message
 * ({@link io.reactorsupervisor.Directive#RESUME}): the message becomes a
 * {@code DeadLetter} of reason {@link io.reactorsupervisor.DeadLetterReason#TOO_LARGE} with this
 * exception as its cause, an {@code ask} fails with it, and the component keeps its instance.
 */
public final class WasmMessageTooLargeException extends io.reactorsupervisor.MessageTooLargeException {

    private static final long serialVersionUID = 1L;

    /** The message's size in bytes. */
    private final int size;

    /** The module's maximum message size in bytes. */
    private final int maxBytes;

    WasmMessageTooLargeException(int size, int maxBytes) {
        super("message of " + size + " bytes is larger than the module's maxMessageBytes " + maxBytes);
        this.size = size;
        this.maxBytes = maxBytes;
    }

    /**
     * The size of the refused message, once encoded.
     *
     * @return the size in bytes
     */
    public int size() {
        return size;
    }

    /**
     * The module's maximum message size.
     *
     * @return the maximum in bytes
     */
    public int maxBytes() {
        return maxBytes;
    }
}
