package io.reactorsupervisor.wasm;

import static io.reactorsupervisor.wasm.WasmComponentTrapTest.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.VirtualTimeTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A message too large for the guest is refused before it reaches the guest: a dead letter and an
 * {@code ask} error, while the component keeps running with the same instance. On virtual time.
 */
class WasmMessageSizeTest extends VirtualTimeTest {

    /** echo.wat under a one-page cap: 64 KiB of memory, so at most 32 KiB per message by default. */
    private static WasmModule onePage;

    @BeforeAll
    static void buildModule() {
        onePage = Wat.module("echo").memoryLimitPages(1).build();
    }

    @Test
    void fourOversizedMessagesInARowAreRefusedAndNothingRestarts() {
        ComponentSpec<String, String> spec =
                WasmComponent.named("echo", onePage, WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(reply(ref, "before")).isEqualTo("before");
        String huge = "x".repeat(100_000);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> reply(ref, huge))
                    .isInstanceOf(WasmMessageTooLargeException.class)
                    .hasMessage("message of 100000 bytes is larger than the module's maxMessageBytes 32768");
        }

        assertThat(reply(ref, "after")).isEqualTo("after");
        // Each refusal is reported as a failure resumed (kept state), never a restart.
        assertThat(events(SupervisionEvent.Crashed.class)).hasSize(4).extracting(SupervisionEvent.Crashed::directive)
                .containsOnly(Directive.RESUME);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
        assertThat(events(SupervisionEvent.Started.class, "root/echo")).hasSize(1);
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/echo"))
                .hasSize(4)
                .allSatisfy(d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
                    assertThat(d.cause()).isInstanceOf(WasmMessageTooLargeException.class);
                });
    }

    @Test
    void aMessageOfExactlyTheMaximumIsHandled() {
        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("echo", Wat.module("echo")
                .memoryLimitPages(1).maxMessageBytes(1000).build()).build();
        ComponentRef<byte[], byte[]> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        assertThat(ref.ask(new byte[1000]).block(Duration.ofSeconds(5))).hasSize(1000);
        assertThatThrownBy(() -> ref.ask(new byte[1001]).block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(WasmMessageTooLargeException.class, e -> {
                    assertThat(e.size()).isEqualTo(1001);
                    assertThat(e.maxBytes()).isEqualTo(1000);
                });
        assertThat(ref.ask(new byte[3]).block(Duration.ofSeconds(5))).hasSize(3);
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(SupervisionEvent.Crashed::directive)
                .containsExactly(Directive.RESUME);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
    }
}
