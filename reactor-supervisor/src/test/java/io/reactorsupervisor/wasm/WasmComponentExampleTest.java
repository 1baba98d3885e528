package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The examples in {@link WasmComponent}'s javadoc, as written there, on real schedulers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WasmComponentExampleTest {

    @Test
    void theClassJavadocExampleRunsWithTheModuleOnTheContextClassPath(@TempDir Path dir) throws Exception {
        VirtualTimeScheduler.reset();
        Files.createDirectories(dir.resolve("wasm"));
        Files.write(dir.resolve("wasm/echo.wasm"), Wat.wasm("echo"));
        String answer;

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(loader);

            WasmModule module = WasmModule.builder()
                    .resource("wasm/echo.wasm")
                    .timeBudget(Duration.ofMillis(200))
                    .build();                                      // parsed, checked and compiled once

            ComponentSpec<String, String> echo = WasmComponent.named("echo", module, WasmCodec.utf8(), WasmCodec.utf8())
                    .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0))
                    .limit(RestartLimit.of(5, Duration.ofMinutes(1)))
                    .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(1)))
                    .healthProbe(WasmComponent.healthProbe())       // asks the guest's health() export
                    .build();

            Supervisor root = Supervisor.named("root").child(echo).start();
            String reply = root.ref(echo).ask("hello").block();

            answer = reply;
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertThat(answer).isEqualTo("hello");
    }

    @Test
    void theHealthProbeExampleBuilds() {
        WasmModule module = Wat.module("echo").build();

        ComponentSpec<byte[], byte[]> spec = WasmComponent.named("parse", module)
                .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(1)).withUnhealthyAfter(2))
                .healthProbe(WasmComponent.healthProbe())
                .build();

        assertThat(spec.name()).isEqualTo("parse");
        assertThat(spec.healthCheck()).isEqualTo(
                HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(1)).withUnhealthyAfter(2));
    }
}
