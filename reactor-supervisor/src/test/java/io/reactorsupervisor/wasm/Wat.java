package io.reactorsupervisor.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test modules, kept as WAT sources in {@code src/test/resources/wasm/} and turned into bytes
 * once per test JVM (wat2wasm itself runs in Chicory: ~0.5 s the first time, ~25 ms after).
 */
final class Wat {

    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private Wat() {
    }

    /** The binary of {@code wasm/<name>.wat}. */
    static byte[] wasm(String name) {
        return CACHE.computeIfAbsent(name, Wat::compile).clone();
    }

    /** A builder already holding the binary of {@code wasm/<name>.wat}. */
    static WasmModule.Builder module(String name) {
        return WasmModule.builder().bytes(wasm(name));
    }

    private static byte[] compile(String name) {
        String resource = "wasm/" + name + ".wat";
        try (InputStream in = Wat.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test module " + resource);
            }
            return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
