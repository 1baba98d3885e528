package io.reactorsupervisor.wasm;

import java.util.Objects;

/** The identity codec: {@link WasmInstance#handle(byte[])} already copies in and out. */
final class BytesCodec implements WasmCodec<byte[]> {

    static final BytesCodec INSTANCE = new BytesCodec();

    private BytesCodec() {
    }

    @Override
    public byte[] encode(byte[] value) {
        return Objects.requireNonNull(value, "value");
    }

    @Override
    public byte[] decode(byte[] bytes) {
        return Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return "WasmCodec.bytes()";
    }
}
