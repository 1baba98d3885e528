package io.reactorsupervisor.wasm;

import io.reactorsupervisor.VirtualTimeTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The complete guest in the package documentation, read from {@code package-info.java} itself,
 * compiled and run as a component, so that the ABI text the README quotes stays true.
 */
class WasmAbiExampleTest extends VirtualTimeTest {

    private static final Path PACKAGE_INFO = Path.of("src/main/java/io/reactorsupervisor/wasm/package-info.java");

    private static WasmModule module;
    private static String source;

    @BeforeAll
    static void readTheGuest() throws IOException {
        String javadoc = Files.readAllLines(PACKAGE_INFO, StandardCharsets.UTF_8).stream()
                .map(line -> line.replaceFirst("^ \\* ?", ""))
                .collect(Collectors.joining("\n"));
        Matcher m = Pattern.compile("<pre>\\{@code\\n(\\(module.*?)\\n}</pre>", Pattern.DOTALL).matcher(javadoc);
        assertThat(m.find()).as("a <pre>{@code (module ...)}</pre> block in %s", PACKAGE_INFO).isTrue();
        source = m.group(1);
        module = WasmModule.builder().bytes(Wat2Wasm.parse(source)).build();
    }

    @Test
    void theDocumentedGuestRunsAsAComponent() {
        ComponentSpec<String, String> spec = WasmComponent.named("greeter", module, WasmCodec.utf8(), WasmCodec.utf8())
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        StepVerifier.create(ref.ask("world")).expectNext("hello, world").expectComplete().verify(Duration.ofSeconds(5));
        StepVerifier.create(ref.ask("")).expectNext("hello, ").expectComplete().verify(Duration.ofSeconds(5));
        assertThat(module.newInstance().healthy()).isTrue();
    }

    @Test
    void aMessageAboveTheDefaultMaximumIsRefusedBeforeTheGuestSeesIt() {
        WasmInstance instance = module.newInstance();

        assertThat(module.maxMessageBytes()).isEqualTo(65536 / 2);
        assertThat(instance.handle(new byte[65536 / 2])).hasSize(7 + 65536 / 2);
        assertThatThrownBy(() -> instance.handle(new byte[65536 / 2 + 1]))
                .isInstanceOf(WasmMessageTooLargeException.class);
        assertThat(instance.isPoisoned()).isFalse();
        assertThat(instance.handle(new byte[1])).hasSize(8);
    }

    @Test
    void aMessageTooLargeForTheDocumentedGuestsBufferIsABadReplyFromAlloc() {
        WasmInstance instance = WasmModule.builder().bytes(Wat2Wasm.parse(source)).maxMessageBytes(65536).build()
                .newInstance();

        assertThat(instance.handle(new byte[65536 - 1024])).hasSize(7 + 65536 - 1024);
        assertThatThrownBy(() -> instance.handle(new byte[65536 - 1024 + 1]))
                .isInstanceOfSatisfying(WasmTrapException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TrapKind.BAD_REPLY);
                    assertThat(e.exportName()).isEqualTo("alloc");
                });
    }
}
