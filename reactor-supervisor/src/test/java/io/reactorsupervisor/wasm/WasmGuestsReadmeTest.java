package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.Supervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The README's section "WebAssembly components in C and Rust", compiled and run: each
 * {@code tag::name[]} region below is in README.md under {@code <!-- snippet-core: name -->}, and
 * each {@code <!-- snippet-excerpt: path -->} block there is a verbatim part of that guest source.
 */
class WasmGuestsReadmeTest {

    private Supervisor root;

    @AfterEach
    void shutDown() {
        if (root != null) {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void loadingTheGuests() {
        VirtualTimeScheduler.reset();
        // tag::wasm-guests[]
        WasmModule c = WasmModule.builder()
                .resource("wasm/c-counter.wasm")      // clang --target=wasm32-wasi -mexec-model=reactor
                .wasi(Wasi.logging())                 // stdout, stderr to a logger; no clock, files, ...
                .build();
        WasmModule rust = WasmModule.builder()
                .resource("wasm/rust-counter.wasm")   // rustc --target wasm32-unknown-unknown
                .memoryLimitPages(32)                 // 2 MiB: Rust's stack alone takes 1 MiB
                .timeBudget(Duration.ofMillis(100))   // a message still running then is a crash
                .build();

        ComponentSpec<String, String> cCounter =
                WasmComponent.named("c-counter", c, WasmCodec.utf8(), WasmCodec.utf8()).build();
        ComponentSpec<String, String> rustCounter =
                WasmComponent.named("rust-counter", rust, WasmCodec.utf8(), WasmCodec.utf8()).build();
        Supervisor root = Supervisor.named("guests").child(cCounter).child(rustCounter).start();

        root.ref(cCounter).ask("inc").block(Duration.ofSeconds(1));      // "count=1"; logs a line
        root.ref(rustCounter).tell("inc");
        root.ref(rustCounter).ask("panic")                               // a trap: restart, fresh memory
                .onErrorResume(e -> root.ref(rustCounter).ask("get"))   // "count=0"
                .block(Duration.ofSeconds(1));
        // end::wasm-guests[]
        this.root = root;

        StepVerifier.create(root.ref(cCounter).ask("get")).expectNext("count=1").verifyComplete();
        StepVerifier.create(root.ref(rustCounter).ask("get")).expectNext("count=0").verifyComplete();
        StepVerifier.create(root.ref(rustCounter).ask("panic"))
                .expectError(MessageCrashedException.class).verify(Duration.ofSeconds(5));
        assertThat(root.ref(rustCounter).ask("panic").onErrorResume(e -> root.ref(rustCounter).ask("get"))
                .block(Duration.ofSeconds(5))).isEqualTo("count=0");
    }

    // ------------------------------------------------------------------ the README itself

    private static final Pattern REGION = Pattern.compile(
            "(?m)^[ \\t]*// tag::([a-z-]+)\\[\\]\\n(.*?)^[ \\t]*// end::\\1\\[\\]\\n", Pattern.DOTALL);
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet-core: ([a-z-]+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);
    private static final Pattern EXCERPT = Pattern.compile(
            "<!-- snippet-excerpt: ([^ ]+) -->\\n```[a-z]*\\n(.*?)```\\n", Pattern.DOTALL);

    @Test
    void theReadmeShowsTheseExamplesAndExcerptsOfTheGuestSources() throws IOException {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        String self = Files.readString(
                module.resolve("src/test/java/io/reactorsupervisor/wasm/WasmGuestsReadmeTest.java"), StandardCharsets.UTF_8);

        Map<String, String> regions = new LinkedHashMap<>();
        Matcher r = REGION.matcher(self);
        while (r.find()) {
            regions.put(r.group(1), dedent(r.group(2)));
        }
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher s = SNIPPET.matcher(readme);
        while (s.find()) {
            snippets.put(s.group(1), s.group(2));
        }
        assertThat(snippets).isEqualTo(regions);

        Matcher e = EXCERPT.matcher(readme);
        int excerpts = 0;
        while (e.find()) {
            String source = Files.readString(module.resolve("..").resolve(e.group(1)), StandardCharsets.UTF_8);
            assertThat(source).as("%s contains the README's excerpt", e.group(1)).contains(e.group(2));
            excerpts++;
        }
        assertThat(excerpts).isGreaterThanOrEqualTo(2);
    }

    private static String dedent(String code) {
        List<String> lines = List.of(code.split("\n", -1));
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            sb.append(line.isBlank() ? "" : line.substring(indent));
            if (i < lines.size() - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
