package io.reactorsupervisor;

/**
 * A message was refused because it is larger than its component accepts, before the handler's
 * work on it began. Thrown from a handler whose {@link ComponentSpec.Builder#onFailure(Class, Directive)
 * rule} for it is {@link Directive#RESUME}, it makes the message a dead letter of reason
 * {@link DeadLetterReason#TOO_LARGE} (not {@code REJECTED}), its {@code ask} fails with it, and
 * the component carries on with its state. Under any other directive it is a failure like any other.
 *
 * <p>A WebAssembly component's {@link io.reactorsupervisor.wasm.WasmMessageTooLargeException} is
 * one, and its component rejects it this way.
 */
public class MessageTooLargeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * A refusal with its reason.
     *
     * @param message what was too large, and the limit
     */
    public MessageTooLargeException(String message) {
        super(message);
    }
}
