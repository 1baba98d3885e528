package io.reactorsupervisor.samples.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiFunction;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;

/**
 * The WebAssembly module of the parse component. Its source is WAT text kept in the samples'
 * resources ({@value #RESOURCE}); it is turned into a binary when first needed, in pure Java
 * (wat2wasm compiled to JVM bytecode by Chicory), then parsed, validated and compiled once.
 * Every incarnation of parse gets a fresh instance of it.
 *
 * <p>The guest has one page of linear memory (64 KiB) and copies a line to a 48 KiB buffer at
 * 16 KiB. Three limits, from the outside in: {@link #handler()} refuses a line longer than
 * {@link #MAX_LINE_BYTES} in Java, before it is encoded for the guest, with an
 * {@link OrderLineTooLongException} that parse's spec answers with {@code Directive.RESUME};
 * the module refuses any message longer than its buffer ({@link #MAX_MESSAGE_BYTES}, see
 * {@link WasmModule.Builder#maxMessageBytes(int)}) before {@code alloc}, so even a caller that
 * skips the handler cannot make the guest trap with a long line; and the guest itself answers
 * {@code ERR line too long} to a line between the two.
 */
public final class OrderParser {

    /** The class path resource of the module's WAT source. */
    public static final String RESOURCE = "wasm/order-parser.wat";

    /**
     * The longest order line parse takes, in UTF-8 bytes (characters, for the ASCII of an order
     * line): the guest's own limit, past which it would answer {@code ERR line too long}, and
     * well inside its memory.
     */
    public static final int MAX_LINE_BYTES = 1024;

    /**
     * The largest message the module hands to the guest: its 48 KiB message buffer. A longer
     * one would not fit in the guest's one page and is refused before {@code alloc}.
     */
    public static final int MAX_MESSAGE_BYTES = 48 * 1024;

    private OrderParser() {
    }

    /** @return the compiled module, shared: a module is safe to share, its instances are not */
    public static WasmModule module() {
        return Holder.MODULE;
    }

    /**
     * The handler of the parse component: encodes the line as UTF-8, refuses it if it is longer
     * than {@link #MAX_LINE_BYTES}, hands it to the guest and decodes the reply (the normalized
     * line, or {@code ERR <reason>}).
     *
     * @return a function of (instance, order line) to reply, which throws
     *     {@link OrderLineTooLongException} for a line too long, without calling the guest, and
     *     {@link io.reactorsupervisor.wasm.WasmTrapException} if the guest traps
     */
    public static BiFunction<WasmInstance, String, String> handler() {
        WasmCodec<String> utf8 = WasmCodec.utf8();
        return (instance, line) -> {
            byte[] bytes = utf8.encode(line);
            if (bytes.length > MAX_LINE_BYTES) {
                throw new OrderLineTooLongException(bytes.length, MAX_LINE_BYTES);
            }
            return utf8.decode(instance.handle(bytes));
        };
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
                .maxMessageBytes(MAX_MESSAGE_BYTES)  // the guest's buffer: a longer line is refused, not a trap
                .timeBudget(Duration.ofSeconds(2)) // a runaway guest is stopped after this (wall clock:
                                                    // generous, so a loaded machine never trips it)
                .build();
    }
}
