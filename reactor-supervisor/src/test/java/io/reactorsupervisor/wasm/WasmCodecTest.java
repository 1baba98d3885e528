package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WasmCodecTest {

    @Test
    void utf8RoundTripsAnyWellFormedString() {
        String text = "plain, grüße, 世界, 🦀";

        byte[] bytes = WasmCodec.utf8().encode(text);

        assertThat(bytes).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(WasmCodec.utf8().decode(bytes)).isEqualTo(text);
        assertThat(WasmCodec.utf8().decode(new byte[0])).isEmpty();
    }

    @Test
    void utf8RefusesBytesThatAreNotUtf8InsteadOfReplacingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> WasmCodec.utf8().decode(new byte[] {'o', 'k', (byte) 0xC3}))
                .withMessage("bytes are not valid UTF-8: Input length = 1");
    }

    @Test
    void utf8RefusesAStringWithAnUnpairedSurrogate() {
        assertThatIllegalArgumentException().isThrownBy(() -> WasmCodec.utf8().encode("a\uD800b"))
                .withMessage("string cannot be encoded as UTF-8: Input length = 1");
    }

    @Test
    void codecsRefuseNull() {
        assertThatNullPointerException().isThrownBy(() -> WasmCodec.utf8().encode(null)).withMessage("value");
        assertThatNullPointerException().isThrownBy(() -> WasmCodec.utf8().decode(null)).withMessage("bytes");
        assertThatNullPointerException().isThrownBy(() -> WasmCodec.bytes().encode(null)).withMessage("value");
    }

    @Test
    void theBytesCodecIsTheIdentity() {
        byte[] bytes = {1, 2, 3};

        assertThat(WasmCodec.bytes().encode(bytes)).isSameAs(bytes);
        assertThat(WasmCodec.bytes().decode(bytes)).isSameAs(bytes);
    }
}
