package io.reactorsupervisor.wasm;

import io.reactorsupervisor.VirtualTimeTest;

import static io.reactorsupervisor.wasm.WasmComponentTrapTest.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A WebAssembly component's limits, seen through a tree: its memory cap and its grants. On virtual time. */
class WasmComponentLimitsTest extends VirtualTimeTest {

    @Test
    void growingPastTheMemoryCapFailsInsideTheGuestAndTheComponentKeepsWorking() {
        WasmModule capped = Wat.module("counter").memoryLimitPages(3).build();
        ComponentSpec<String, String> spec =
                WasmComponent.named("c", capped, WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        assertThat(reply(ref, "pages")).isEqualTo("1");
        assertThat(reply(ref, "g2")).isEqualTo("1"); // grown from 1 page to 3
        assertThat(reply(ref, "g1")).isEqualTo("-1"); // a fourth page is refused: memory.grow returns -1
        assertThat(reply(ref, "pages")).isEqualTo("3");
        assertThat(reply(ref, "count")).isEqualTo("5"); // same instance, same counter: no restart

        assertThat(kinds("root/c")).containsExactly("Started");
    }

    @Test
    void aModuleThatImportsWhatItWasNotGrantedNeverBecomesAComponent() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmComponent.named("c", Wat.module("imports-foo").grant(log(List.of())).build()))
                .withMessage("module imports env.foo which is not granted; granted: [env.log]");
    }

    @Test
    void aGrantedHostFunctionIsCalledByTheComponentsGuest() {
        List<String> logged = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = WasmComponent.named("c", Wat.module("log").grant(log(logged)).build(),
                WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        ref.tell("first");
        assertThat(reply(ref, "second")).isEmpty(); // log.wat gives no reply: the empty string

        assertThat(logged).containsExactly("first", "second");
        assertThat(kinds("root/c")).containsExactly("Started");
    }

    @Test
    void theByteVariantPassesBytesThroughAndRepliesEmptyForNoReply() {
        ComponentSpec<byte[], byte[]> echo = WasmComponent.named("echo", Wat.module("echo").build()).build();
        ComponentSpec<byte[], byte[]> silent =
                WasmComponent.named("silent", Wat.module("traps").handlerExport("noReply").build()).build();
        Supervisor root = start(Supervisor.named("root").child(echo).child(silent));
        byte[] message = "grüße".getBytes(StandardCharsets.UTF_8);

        assertThat(root.ref(echo).ask(message).block(Duration.ofSeconds(5))).isEqualTo(message).isNotSameAs(message);
        assertThat(root.ref(silent).ask(message).block(Duration.ofSeconds(5))).isEmpty();
    }

    private static HostFunction log(List<String> logged) {
        return new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    logged.add(instance.memory().readString((int) args[0], (int) args[1]));
                    return null;
                });
    }
}
