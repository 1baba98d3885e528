package io.reactorsupervisor.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmMessageTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * The parse guest's limits, called directly (past the Java check of {@link OrderParser#handler()}):
 * a line too long for the guest is refused by the module, not a trap; one the guest can hold but
 * longer than an order line gets the guest's own answer.
 */
class OrderParserTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String parse(WasmInstance instance, String line) {
        return new String(instance.handle(utf8(line)), StandardCharsets.UTF_8);
    }

    @Test
    void fourLinesOf100KbInARowAreRefusedBeforeTheGuestAndTheInstanceCarriesOn() {
        WasmInstance instance = OrderParser.module().newInstance();
        String line = "1,kiwi," + "9".repeat(100_000);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> instance.handle(utf8(line)))
                    .isInstanceOfSatisfying(WasmMessageTooLargeException.class, e -> {
                        assertThat(e.size()).isEqualTo(100_007);
                        assertThat(e.maxBytes()).isEqualTo(OrderParser.MAX_MESSAGE_BYTES);
                    });
        }

        assertThat(instance.isPoisoned()).isFalse();
        assertThat(parse(instance, "17,kiwi,2")).isEqualTo("17,KIWI,2");
    }

    @Test
    void theLargestMessageTheGuestHoldsGetsItsOwnAnswerNotATrap() {
        WasmInstance instance = OrderParser.module().newInstance();

        assertThat(parse(instance, "1,kiwi," + "9".repeat(OrderParser.MAX_MESSAGE_BYTES - 7)))
                .isEqualTo("ERR line too long");
        assertThat(parse(instance, "1,kiwi," + "9".repeat(OrderParser.MAX_LINE_BYTES - 6)))
                .isEqualTo("ERR line too long");
        assertThat(parse(instance, "17,kiwi,2")).isEqualTo("17,KIWI,2");
        assertThat(instance.isPoisoned()).isFalse();
    }
}
