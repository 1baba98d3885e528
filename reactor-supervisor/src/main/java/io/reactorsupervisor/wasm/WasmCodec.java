package io.reactorsupervisor.wasm;

/**
 * Turns messages and replies into the bytes a {@link WasmInstance} exchanges with its guest,
 * and back. Implementations must be thread-safe; both shipped here are.
 *
 * <pre>{@code
 * BiFunction<WasmInstance, String, String> handler =
 *     WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8());
 * }</pre>
 *
 * @param <T> the Java type
 */
public interface WasmCodec<T> {

    /**
     * Encodes a value for the guest.
     *
     * @param value the value
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * Decodes bytes from the guest.
     *
     * @param bytes the bytes (the caller's own copy)
     * @return the value
     * @throws IllegalArgumentException if the bytes are not a valid encoding
     */
    T decode(byte[] bytes);

    /**
     * Strings as UTF-8, strictly: a string with an unpaired surrogate, or bytes that are not
     * UTF-8, are refused with {@link IllegalArgumentException} rather than silently replaced.
     *
     * @return the shared UTF-8 codec
     */
    static WasmCodec<String> utf8() {
        return Utf8Codec.INSTANCE;
    }

    /**
     * Bytes as they are: the identity codec.
     *
     * @return the shared byte array codec
     */
    static WasmCodec<byte[]> bytes() {
        return BytesCodec.INSTANCE;
    }
}
