package io.reactorsupervisor.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.Parser;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmComponent;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * WebAssembly components (Chicory), with the guest compiled to JVM bytecode ({@code compiler})
 * or interpreted ({@code interpreter}): messages of 64 bytes handled per second, and restart
 * (a trap, then a fresh instance handling the next message) latency. The guest
 * ({@code wasm/echo64.wat}) copies each message into its reply buffer and replies with it; an
 * empty message traps.
 *
 * <p>The floor is Chicory itself, without this library: the same export called in a plain loop
 * on one pre-built instance (allocate, write the 64 bytes, call {@code handle}, read the 64-byte
 * reply), and a fresh instance built with Chicory's own builder.
 */
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmComponents {

    /** Messages per invocation of the library's throughput variants (the interpreter takes ~10 us each). */
    static final int BATCH = 10_000;

    /** The message: 64 bytes. */
    static final byte[] MESSAGE = new byte[64];

    /** The message that traps the guest. */
    static final byte[] CRASH = new byte[0];

    /** The floor: Chicory's {@code handle} export on one pre-built instance, one 64-byte message per call. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] rawChicory(RawChicory state) {
        int ptr = (int) state.alloc.apply(MESSAGE.length)[0];
        state.memory.write(ptr, MESSAGE);
        long packed = state.handle.apply(ptr, MESSAGE.length)[0];
        return state.memory.readBytes((int) (packed >>> 32), (int) packed);
    }

    /**
     * The library's wasm layer alone, without a component: {@code WasmInstance.handle} of a
     * 64-byte message on one instance (size check, call state, time budget, {@code alloc}, copy
     * in, {@code handle}, bounds check, copy out). Against {@link #rawChicory}, it shows what the
     * {@code wasm} package adds per message; against {@link #supervisorSameThread}, what the
     * component (mailbox, drain, codecs, counting) adds.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] wasmInstance(LibraryInstance state) {
        return state.instance.handle(MESSAGE);
    }

    /**
     * The library's fresh instance: {@code WasmModule.newInstance()} (Chicory's builder with the
     * module's imports and memory limits, under the time budget), against
     * {@link #rawChicoryNewInstance}.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public WasmInstance wasmModuleNewInstance(LibraryInstance state) {
        return state.module.newInstance();
    }

    /**
     * The library: a batch of {@value #BATCH} {@code tell}s to a {@code WasmComponent} on the
     * default scheduler ({@code Schedulers.parallel()}), awaited until every reply has been
     * decoded (the reply codec counts it).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void supervisor(SupervisedWasm state) {
        sendBatch(state);
    }

    /** As {@link #supervisor}, on {@code Schedulers.immediate()}: handled on the benchmark thread. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void supervisorSameThread(SupervisedWasmSameThread state) {
        sendBatch(state);
    }

    /** The floor of a restart: a fresh instance from Chicory's own builder (same machine factory, memory). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Instance rawChicoryNewInstance(RawChicory state) {
        return state.newInstance();
    }

    /**
     * Restart: on {@code Schedulers.immediate()} (no thread hop), {@code tell} a message that
     * traps the guest (the incarnation crashes, the supervisor starts a fresh instance), then a
     * 64-byte message, and wait until the new instance has handled it. The trial checks that the
     * component restarted once per crash.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void supervisorRestart(SupervisedWasmSameThread state) {
        long target = state.handled.get() + 1;
        Components.tell(state.ref, CRASH);
        state.crashes++;
        Components.tell(state.ref, MESSAGE);
        state.handled.awaitAtLeast(target);
    }

    static void sendBatch(SupervisedWasm state) {
        long target = state.handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            Components.tell(state.ref, MESSAGE);
        }
        state.handled.awaitAtLeast(target);
    }

    /** The guest, from WAT to wasm bytes (wabt, once per class). */
    static final class Guest {
        static final byte[] WASM = compile("/wasm/echo64.wat");

        private Guest() {
        }

        private static byte[] compile(String resource) {
            try (InputStream in = Objects.requireNonNull(WasmComponents.class.getResourceAsStream(resource), resource)) {
                return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One Chicory instance, built once per trial, with the guest's exports looked up once. */
    @State(Scope.Benchmark)
    public static class RawChicory {
        @Param({"compiler", "interpreter"})
        public String engine;

        com.dylibso.chicory.wasm.WasmModule module;
        Function<Instance, Machine> machineFactory;
        ExportFunction alloc;
        ExportFunction handle;
        Memory memory;

        @Setup(Level.Trial)
        public void build() {
            module = Parser.parse(Guest.WASM);
            machineFactory = engine.equals("compiler") ? MachineFactoryCompiler.compile(module) : InterpreterMachine::new;
            Instance instance = newInstance();
            alloc = instance.export("alloc");
            handle = instance.export("handle");
            memory = instance.memory();
        }

        Instance newInstance() {
            return Instance.builder(module).withMachineFactory(machineFactory).build();
        }
    }

    /** One library module and instance, built once per trial. */
    @State(Scope.Benchmark)
    public static class LibraryInstance {
        @Param({"compiler", "interpreter"})
        public String engine;

        WasmModule module;
        WasmInstance instance;

        @Setup(Level.Trial)
        public void build() {
            WasmModule.Builder builder = WasmModule.builder().bytes(Guest.WASM);
            if (engine.equals("interpreter")) {
                builder.interpreter();
            }
            module = builder.build();
            instance = module.newInstance();
        }
    }

    /** One supervisor per trial with one WebAssembly component, whose reply codec counts the replies. */
    @State(Scope.Benchmark)
    public static class SupervisedWasm {
        @Param({"compiler", "interpreter"})
        public String engine;

        final HandledCounter handled = new HandledCounter();
        long crashes;
        Supervisor root;
        ComponentRef<byte[], byte[]> ref;

        Scheduler scheduler() {
            return Schedulers.parallel();
        }

        @Setup(Level.Trial)
        public void start() {
            WasmModule.Builder builder = WasmModule.builder().bytes(Guest.WASM);
            if (engine.equals("interpreter")) {
                builder.interpreter();
            }
            WasmModule module = builder.build();
            WasmCodec<byte[]> countingReplies = new WasmCodec<>() {
                @Override
                public byte[] encode(byte[] value) {
                    return value;
                }

                @Override
                public byte[] decode(byte[] bytes) {
                    handled.increment();
                    return bytes;
                }
            };
            ComponentSpec<byte[], byte[]> spec = WasmComponent.<byte[], byte[]>named("wasm", module,
                            WasmCodec.bytes(), countingReplies)
                    .restart(RestartStrategy.immediate())
                    .limit(RestartLimit.unlimited())
                    .mailbox(Mailbox.unbounded())
                    .scheduler(scheduler())
                    .build();
            root = Components.start("wasm", spec);
            ref = root.ref(spec);
        }

        @TearDown(Level.Trial)
        public void verifyAndShutdown() {
            long restarts = ((ComponentSnapshot) root.snapshot().children().get(0)).restarts();
            Components.shutdown(root);
            if (restarts != crashes) {
                throw new IllegalStateException(restarts + " restarts for " + crashes + " crashes");
            }
        }
    }

    /** As {@link SupervisedWasm}, on {@code Schedulers.immediate()}. */
    @State(Scope.Benchmark)
    public static class SupervisedWasmSameThread extends SupervisedWasm {
        @Override
        Scheduler scheduler() {
            return Schedulers.immediate();
        }
    }
}
