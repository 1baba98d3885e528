package io.reactorsupervisor.wasm;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** Strict UTF-8; a coder per call, since coders are not thread-safe. */
final class Utf8Codec implements WasmCodec<String> {

    static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
    }

    @Override
    public byte[] encode(String value) {
        Objects.requireNonNull(value, "value");
        try {
            ByteBuffer out = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            return Arrays.copyOfRange(out.array(), out.arrayOffset() + out.position(),
                    out.arrayOffset() + out.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string cannot be encoded as UTF-8: " + e.getMessage(), e);
        }
    }

    @Override
    public String decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("bytes are not valid UTF-8: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "WasmCodec.utf8()";
    }
}
