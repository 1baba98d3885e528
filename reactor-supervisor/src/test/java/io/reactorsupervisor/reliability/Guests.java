package io.reactorsupervisor.reliability;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * The WebAssembly guest of the reliability tests, {@code wasm/reliability-chaos.wat}: it echoes
 * a message unless its first character says to crash ({@link #TRAP}, {@link #RECURSE},
 * {@link #SPIN}). Compiled once per test JVM.
 */
public final class Guests {

    /** First character of a message that makes the guest trap ({@code unreachable}). */
    public static final char TRAP = '!';
    /** First character of a message that makes the guest recurse until its call stack is exhausted. */
    static final char RECURSE = '^';
    /** First character of a message that makes the guest loop until its time budget stops it. */
    static final char SPIN = '~';

    /** The time budget of a guest call: a spinning guest is stopped after this. */
    static final Duration BUDGET = Duration.ofMillis(50);

    private static volatile WasmModule module;

    private Guests() {
    }

    /** The chaos module, parsed, checked and compiled once. */
    static WasmModule module() {
        WasmModule m = module;
        if (m == null) {
            synchronized (Guests.class) {
                m = module;
                if (m == null) {
                    m = WasmModule.builder().bytes(wasm("reliability-chaos")).timeBudget(BUDGET).build();
                    module = m;
                }
            }
        }
        return m;
    }

    /** A component whose state is a fresh guest instance and whose handler is the guest's {@code handle}, as the docs wire it. */
    public static ComponentSpec.Builder<String, String, WasmInstance> component(String name) {
        WasmModule m = module();
        BiFunction<WasmInstance, String, String> handler = WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8());
        return ComponentSpec.<String, String, WasmInstance>named(name).state(m::newInstance).syncHandler(handler);
    }

    static byte[] wasm(String name) {
        String resource = "wasm/" + name + ".wat";
        try (InputStream in = Guests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test module " + resource);
            }
            return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
