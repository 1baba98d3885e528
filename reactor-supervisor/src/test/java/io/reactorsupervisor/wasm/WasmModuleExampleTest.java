package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in {@link WasmModule}'s javadoc, as written there. */
class WasmModuleExampleTest {

    @Test
    void theJavadocExampleRunsWithTheModuleOnTheContextClassPath(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("wasm"));
        Files.write(dir.resolve("wasm/echo.wasm"), Wat.wasm("echo"));
        HostFunction log = new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> null);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] answer;

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(loader);

            WasmModule module = WasmModule.builder()
                    .resource("wasm/echo.wasm")
                    .memoryLimitPages(64)
                    .timeBudget(Duration.ofMillis(200))
                    .grant(log)
                    .build();

            try (WasmInstance instance = module.newInstance()) {
                byte[] reply = instance.handle(message);
                answer = reply;
            }

            assertThat(module).hasToString("WasmModule[resource wasm/echo.wasm, handler=handle, maxMemoryPages=2,"
                    + " timeBudget=200ms, compiled, granted=[env.log]]");
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertThat(answer).isEqualTo(message);
    }
}
