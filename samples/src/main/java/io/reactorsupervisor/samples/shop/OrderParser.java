package io.reactorsupervisor.samples.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.reactorsupervisor.wasm.WasmModule;

/**
 * The WebAssembly module of the parse component. Its source is WAT text kept in the samples'
 * resources ({@value #RESOURCE}); it is turned into a binary when first needed, in pure Java
 * (wat2wasm compiled to JVM bytecode by Chicory), then parsed, validated and compiled once.
 * Every incarnation of parse gets a fresh instance of it.
 */
public final class OrderParser {

    /** The class path resource of the module's WAT source. */
    public static final String RESOURCE = "wasm/order-parser.wat";

    private OrderParser() {
    }

    /** @return the compiled module, shared: a module is safe to share, its instances are not */
    public static WasmModule module() {
        return Holder.MODULE;
    }

    /** @return the module's binary, from its WAT source */
    public static byte[] wasm() {
        try (InputStream in = OrderParser.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no class path resource " + RESOURCE);
            }
            return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Holder {
        static final WasmModule MODULE = WasmModule.builder()
                .bytes(wasm())
                .memoryLimitPages(1)                 // 64 KiB: all a parser of order lines needs
                .timeBudget(Duration.ofSeconds(2)) // a runaway guest is stopped after this (wall clock:
                                                    // generous, so a loaded machine never trips it)
                .build();
    }
}
