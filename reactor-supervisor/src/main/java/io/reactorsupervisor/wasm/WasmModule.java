package io.reactorsupervisor.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmException;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A WebAssembly module ready to run as a component: parsed, validated against the ABI (see the
 * {@linkplain io.reactorsupervisor.wasm package documentation}) and compiled once, by
 * {@link Builder#build()}. Each {@link #newInstance()} is a fresh instance with its own linear
 * memory, which is what a component incarnation gets:
 *
 * <pre>{@code
 * WasmModule module = WasmModule.builder()
 *     .resource("wasm/echo.wasm")
 *     .memoryLimitPages(64)
 *     .timeBudget(Duration.ofMillis(200))
 *     .grant(log)                       // a com.dylibso.chicory.runtime.HostFunction
 *     .build();
 *
 * try (WasmInstance instance = module.newInstance()) {
 *     byte[] reply = instance.handle(message);
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads; {@link #newInstance()} may be called
 * concurrently.
 */
public final class WasmModule {

    /** The default handler export: {@value}. */
    public static final String DEFAULT_HANDLER_EXPORT = "handle";

    /**
     * The default memory cap, in 64 KiB pages: {@value} pages = 2 MiB. That fits a module built
     * by a default Rust {@code wasm32} toolchain (1 MiB shadow stack, 17 initial pages) plus some
     * heap, while a thousand runaway components still stay within about 2 GiB. Pages are
     * allocated only when the guest grows into them, so an instance costs its initial pages.
     */
    public static final int DEFAULT_MEMORY_LIMIT_PAGES = 32;

    /** The largest memory cap, in pages: {@value} (4 GiB, WebAssembly's 32-bit limit). */
    public static final int MAX_MEMORY_LIMIT_PAGES = MemoryLimits.MAX_PAGES;

    /**
     * The default cap on table entries per instance, all tables together: {@value}. A table
     * entry costs the host about 12 bytes, so this is about 120 KB per instance; toolchains
     * declare tables of a few hundred entries (one per function whose address is taken).
     */
    public static final int DEFAULT_TABLE_LIMIT_ENTRIES = 10_000;

    /** The largest table cap: {@value} entries (about 120 MB of host heap per instance). */
    public static final int MAX_TABLE_LIMIT_ENTRIES = 10_000_000;

    /** The default wall-clock budget of one call: one second. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(1);

    /** The largest time budget: one day. */
    public static final Duration MAX_TIME_BUDGET = Duration.ofDays(1);

    private final com.dylibso.chicory.wasm.WasmModule module;
    private final String source;
    private final String handlerExport;
    private final int memoryLimitPages;
    private final int tableLimitEntries;
    private final int maxMessageBytes;
    private final MemoryLimits memoryLimits;
    private final Duration timeBudget;
    private final long timeBudgetNanos;
    private final boolean compiled;
    private final Function<Instance, Machine> machineFactory;
    private final ImportValues imports;
    private final List<String> granted;
    private final boolean hasInit;
    private final boolean hasHealth;
    private final List<ImportFunction> functions;
    private final @Nullable Wasi wasiGrant;
    private final @Nullable WasiImports wasi;
    private final Set<String> wasiImported;

    private WasmModule(Builder b, com.dylibso.chicory.wasm.WasmModule parsed, String source) {
        this.source = source;
        this.handlerExport = b.handlerExport;
        this.memoryLimitPages = b.memoryLimitPages;
        this.tableLimitEntries = b.tableLimitEntries;
        this.timeBudget = b.timeBudget;
        this.timeBudgetNanos = b.timeBudget.toNanos();
        this.compiled = b.compiled;
        this.granted = List.copyOf(b.grants.keySet());

        ModuleCheck check = new ModuleCheck(parsed);
        check.noGcTypes();
        this.wasiGrant = b.wasi;
        if (b.wasi != null) {
            this.wasi = new WasiImports(b.wasi, WasiImports.defaultLoggerName(b.path, b.resource));
            Map<String, HostFunction> importable = new LinkedHashMap<>(b.grants);
            WasiImports.Functions names = wasi.newFunctions(); // only their names: its state is closed at once
            names.state().close();
            importable.putAll(names.byName());
            check.imports(importable);
            this.wasiImported = check.importedFrom(WasiImports.MODULE);
        } else {
            this.wasi = null;
            this.wasiImported = Set.of();
            check.imports(b.grants);
        }
        MemoryLimits declared = check.memory();
        check.requiredFunction(ModuleCheck.ALLOC, ModuleCheck.ALLOC_TYPE);
        check.requiredFunction(handlerExport, ModuleCheck.HANDLER_TYPE);
        this.hasInit = check.optionalFunction(ModuleCheck.INIT, ModuleCheck.INIT_TYPE);
        this.hasHealth = check.optionalFunction(ModuleCheck.HEALTH, ModuleCheck.HEALTH_TYPE);

        // Chicory's MemoryLimits replace the declared maximum rather than narrow it: intersect here.
        if (declared.initialPages() > memoryLimitPages) {
            throw new IllegalArgumentException("module declares " + declared.initialPages()
                    + " initial memory pages, more than memoryLimitPages " + memoryLimitPages);
        }
        this.memoryLimits = new MemoryLimits(
                declared.initialPages(),
                Math.min(declared.maximumPages(), memoryLimitPages),
                declared.shared());
        check.dataFits(declared);
        com.dylibso.chicory.wasm.WasmModule module = Tables.bounded(parsed, tableLimitEntries);
        this.module = module;
        long maxMemoryBytes = (long) memoryLimits.maximumPages() * Memory.PAGE_SIZE;
        if (b.maxMessageBytes == 0) {
            this.maxMessageBytes = (int) Math.min(Integer.MAX_VALUE, maxMemoryBytes / 2);
        } else if (b.maxMessageBytes > maxMemoryBytes) {
            throw new IllegalArgumentException("maxMessageBytes " + b.maxMessageBytes
                    + " can never fit the module's memory of at most " + memoryLimits.maximumPages()
                    + " pages (" + maxMemoryBytes + " bytes)");
        } else {
            this.maxMessageBytes = b.maxMessageBytes;
        }

        List<ImportFunction> functions = new ArrayList<>(b.grants.size());
        for (HostFunction f : b.grants.values()) {
            functions.add(guarded(f));
        }
        this.imports = ImportValues.builder().withFunctions(functions).build();
        this.functions = List.copyOf(functions);

        if (compiled) {
            try {
                this.machineFactory = MachineFactoryCompiler.builder(module)
                        .withInterpreterFallback(InterpreterFallback.SILENT)
                        .compile();
            } catch (ChicoryException e) {
                throw new IllegalArgumentException("cannot compile module: " + e.getMessage(), e);
            }
        } else {
            this.machineFactory = InterpreterMachine::new;
        }
    }

    /**
     * Starts a builder with the defaults: handler {@value #DEFAULT_HANDLER_EXPORT},
     * {@value #DEFAULT_MEMORY_LIMIT_PAGES} pages, {@link #DEFAULT_TIME_BUDGET}, compiled, no
     * host functions.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a fresh instance: new linear memory, globals and tables, with the module's start
     * function and its {@code init} export (if any) run within the time budget. Cheap (a few
     * microseconds for small modules): no parsing or compiling happens here. Thread-safe.
     *
     * @return a new instance, owned by the caller
     * @throws WasmTrapException if the start function or {@code init} traps or overruns the budget
     */
    public WasmInstance newInstance() {
        return WasmInstance.create(this);
    }

    /**
     * The name of the export that handles messages.
     *
     * @return the handler export's name
     */
    public String handlerExport() {
        return handlerExport;
    }

    /**
     * The memory cap this module was built with, in 64 KiB pages.
     *
     * @return the configured cap
     */
    public int memoryLimitPages() {
        return memoryLimitPages;
    }

    /**
     * The cap on table entries per instance, all tables together, this module was built with.
     *
     * @return the configured cap
     */
    public int tableLimitEntries() {
        return tableLimitEntries;
    }

    /**
     * The largest message {@link WasmInstance#handle(byte[])} hands to the guest, in bytes: set
     * by {@link Builder#maxMessageBytes(int)}, or by default half of the most memory an instance
     * can have ({@link #maxMemoryPages()} x 64 KiB / 2), leaving the other half for the guest's
     * own data and its reply.
     *
     * @return the maximum, in bytes
     */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * The most pages an instance's memory can grow to: the smaller of the module's declared
     * maximum and {@link #memoryLimitPages()}. A {@code memory.grow} past it returns -1.
     *
     * @return the effective maximum, in 64 KiB pages
     */
    public int maxMemoryPages() {
        return memoryLimits.maximumPages();
    }

    /**
     * The wall-clock budget of one call ({@code handle}, {@code health}, or instantiation
     * including {@code init}).
     *
     * @return the budget
     */
    public Duration timeBudget() {
        return timeBudget;
    }

    /**
     * Whether instances run code compiled to JVM bytecode (the default) rather than interpreted.
     *
     * @return true if compiled
     */
    public boolean isCompiled() {
        return compiled;
    }

    /**
     * The granted host functions, as {@code module.name}, in the order granted.
     *
     * @return an immutable list
     */
    public List<String> grantedHostFunctions() {
        return granted;
    }

    @Override
    public String toString() {
        return "WasmModule[" + source + ", handler=" + handlerExport + ", maxMemoryPages=" + maxMemoryPages()
                + ", timeBudget=" + Traps.format(timeBudget) + ", " + (compiled ? "compiled" : "interpreted")
                + ", granted=" + granted + "]";
    }

    /**
     * The WASI capabilities granted with {@link Builder#wasi(Wasi)}, if any.
     *
     * @return the grant, or empty if the module has no WASI
     */
    public Optional<Wasi> wasi() {
        return Optional.ofNullable(wasiGrant);
    }

    /**
     * The name of the logger that receives the guest's WASI stdout and stderr, if WASI is granted.
     *
     * @return the logger name, or empty if the module has no WASI
     */
    public Optional<String> wasiLoggerName() {
        return wasi == null ? Optional.empty() : Optional.of(wasi.loggerName());
    }

    /** A new instance and, for a module granted WASI, the WASI state its instance must close. */
    record Instantiation(Instance instance, @Nullable WasiPreview1 wasi) {
    }

    Instantiation instantiate() {
        WasiImports.Functions wasiFunctions = wasi == null || wasiImported.isEmpty() ? null : wasi.newFunctions();
        try {
            Instance instance = Instance.builder(module)
                    .withImportValues(wasiFunctions == null ? imports : wasiImports(wasiFunctions))
                    .withMachineFactory(machineFactory)
                    .withMemoryLimits(memoryLimits)
                    .withStart(false) // no WASI "_start": init is our one entry point at creation
                    .build();
            return new Instantiation(instance, wasiFunctions == null ? null : wasiFunctions.state());
        } catch (Throwable t) {
            if (wasiFunctions != null) {
                wasiFunctions.state().close();
            }
            throw t;
        }
    }

    /** The granted host functions and an instance's own WASI functions: each instance has its own descriptors. */
    private ImportValues wasiImports(WasiImports.Functions wasiFunctions) {
        List<ImportFunction> all = new ArrayList<>(functions.size() + wasiImported.size());
        all.addAll(functions);
        for (String name : wasiImported) {
            all.add(guarded(Objects.requireNonNull(wasiFunctions.byName().get(name), name)));
        }
        return ImportValues.builder().withFunctions(all).build();
    }

    long timeBudgetNanos() {
        return timeBudgetNanos;
    }

    boolean hasInit() {
        return hasInit;
    }

    boolean hasHealth() {
        return hasHealth;
    }

    /** Lets a host function's own failure be told apart from the runtime's traps. */
    private static HostFunction guarded(HostFunction f) {
        String name = f.module() + "." + f.name();
        var handle = f.handle();
        return new HostFunction(f.module(), f.name(), f.functionType(), (instance, args) -> {
            try {
                return handle.apply(instance, args);
            } catch (VirtualMachineError | WasmException e) {
                // VM errors are not ours to wrap; a WasmException is a guest-visible throw.
                throw e;
            } catch (Throwable t) {
                throw new HostFunctionFailure(name, t);
            }
        });
    }

    /**
     * Collects a module's bytes and limits. Not thread-safe; {@link #build()} may be called more
     * than once, each time producing an independent module. Every argument is checked when given.
     */
    public static final class Builder {

        private byte @Nullable [] bytes;
        private @Nullable Path path;
        private @Nullable String resource;
        private String handlerExport = DEFAULT_HANDLER_EXPORT;
        private int memoryLimitPages = DEFAULT_MEMORY_LIMIT_PAGES;
        private int tableLimitEntries = DEFAULT_TABLE_LIMIT_ENTRIES;
        /** 0: derived from the memory cap at build. */
        private int maxMessageBytes;
        private Duration timeBudget = DEFAULT_TIME_BUDGET;
        private boolean compiled = true;
        private final Map<String, HostFunction> grants = new LinkedHashMap<>();
        private @Nullable Wasi wasi;

        private Builder() {
        }

        /**
         * Reads the module from these bytes (copied). Only one of {@code bytes}, {@code path}
         * and {@code resource} may be set.
         *
         * @param bytes a WebAssembly binary module
         * @return this builder
         * @throws NullPointerException if {@code bytes} is null
         */
        public Builder bytes(byte[] bytes) {
            this.bytes = Objects.requireNonNull(bytes, "bytes").clone();
            return this;
        }

        /**
         * Reads the module from a file, at {@link #build()}.
         *
         * @param path a {@code .wasm} file
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Reads the module from a class path resource, at {@link #build()}, through the
         * thread's context class loader, or this library's if there is none.
         *
         * @param resource the resource name, such as {@code "wasm/echo.wasm"} (a leading
         *     {@code /} is ignored)
         * @return this builder
         * @throws NullPointerException if {@code resource} is null
         * @throws IllegalArgumentException if {@code resource} is blank
         */
        public Builder resource(String resource) {
            Objects.requireNonNull(resource, "resource");
            if (resource.isBlank()) {
                throw new IllegalArgumentException("resource must not be blank, but was '" + resource + "'");
            }
            this.resource = resource.startsWith("/") ? resource.substring(1) : resource;
            return this;
        }

        /**
         * The export that handles messages, of type {@code (i32, i32) -> i64}. Default
         * {@value #DEFAULT_HANDLER_EXPORT}.
         *
         * @param name the export's name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is empty
         */
        public Builder handlerExport(String name) {
            Objects.requireNonNull(name, "handlerExport");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("handlerExport must not be empty");
            }
            this.handlerExport = name;
            return this;
        }

        /**
         * Caps each instance's linear memory, in 64 KiB pages. The effective maximum is the
         * smaller of this and the module's declared maximum; a module whose initial memory is
         * larger is refused by {@link #build()}. Default {@value #DEFAULT_MEMORY_LIMIT_PAGES}.
         *
         * @param maxPages the cap, between 1 and {@value #MAX_MEMORY_LIMIT_PAGES}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxPages} is out of range
         */
        public Builder memoryLimitPages(int maxPages) {
            if (maxPages < 1 || maxPages > MAX_MEMORY_LIMIT_PAGES) {
                throw new IllegalArgumentException("memoryLimitPages must be between 1 and "
                        + MAX_MEMORY_LIMIT_PAGES + ", but was " + maxPages);
            }
            this.memoryLimitPages = maxPages;
            return this;
        }

        /**
         * Caps the entries of each instance's tables, all tables together. Tables live on the
         * host's heap, outside linear memory, so the memory cap does not bound them. A
         * {@code table.grow} past the cap returns -1 to the guest, as {@code memory.grow} past
         * the memory cap does (the guest sees a failed growth, not a trap); a module whose
         * declared tables do not fit is refused by {@link #build()}. The headroom above the
         * declared sizes is shared out evenly between the module's tables when it is built
         * (most modules have one table, which gets all of it), so a grown table of one instance
         * never counts against another. Default {@value #DEFAULT_TABLE_LIMIT_ENTRIES}.
         *
         * @param maxEntries the cap, between 0 and {@value #MAX_TABLE_LIMIT_ENTRIES}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxEntries} is out of range
         */
        public Builder tableLimitEntries(int maxEntries) {
            if (maxEntries < 0 || maxEntries > MAX_TABLE_LIMIT_ENTRIES) {
                throw new IllegalArgumentException("tableLimitEntries must be between 0 and "
                        + MAX_TABLE_LIMIT_ENTRIES + ", but was " + maxEntries);
            }
            this.tableLimitEntries = maxEntries;
            return this;
        }

        /**
         * The largest message handed to the guest, in bytes. A larger one is refused before
         * {@code alloc} is called, with a {@link WasmMessageTooLargeException}: the guest never
         * sees it and the instance goes on. By default, half of the most memory an instance can
         * have (see {@link WasmModule#maxMessageBytes()}); {@link #build()} refuses a maximum
         * larger than that memory, which no guest could hold.
         *
         * @param maxBytes the maximum, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxBytes} is less than 1
         */
        public Builder maxMessageBytes(int maxBytes) {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxMessageBytes must be between 1 and " + Integer.MAX_VALUE
                        + ", but was " + maxBytes);
            }
            this.maxMessageBytes = maxBytes;
            return this;
        }

        /**
         * The wall-clock budget of each call. A guest still running when it is spent is
         * stopped by interrupting its thread, and the call throws a {@link WasmTrapException}
         * of kind {@link TrapKind#TIME_BUDGET_EXCEEDED}. Default {@link #DEFAULT_TIME_BUDGET}.
         *
         * @param budget positive, at most {@link #MAX_TIME_BUDGET}
         * @return this builder
         * @throws NullPointerException if {@code budget} is null
         * @throws IllegalArgumentException if {@code budget} is zero, negative or too large
         */
        public Builder timeBudget(Duration budget) {
            Objects.requireNonNull(budget, "timeBudget");
            if (budget.isNegative() || budget.isZero() || budget.compareTo(MAX_TIME_BUDGET) > 0) {
                throw new IllegalArgumentException(
                        "timeBudget must be positive and at most " + MAX_TIME_BUDGET + ", but was " + budget);
            }
            this.timeBudget = budget;
            return this;
        }

        /**
         * Grants the module a host function it may import, matched by its module and name
         * (such as {@code env.log}) and checked against the import's type at {@link #build()}.
         * The function may be called from any thread that runs an instance; if it throws, the
         * call fails with {@link TrapKind#HOST_FUNCTION}. It must not block on interruptible
         * channels: the time budget interrupts the thread.
         *
         * @param hostFunction the function
         * @return this builder
         * @throws NullPointerException if {@code hostFunction} is null
         * @throws IllegalArgumentException if a function of that module and name is already granted
         */
        public Builder grant(HostFunction hostFunction) {
            Objects.requireNonNull(hostFunction, "hostFunction");
            String key = hostFunction.module() + "." + hostFunction.name();
            if (grants.containsKey(key)) {
                throw new IllegalArgumentException("host function " + key + " is already granted");
            }
            grants.put(key, hostFunction);
            return this;
        }

        /**
         * Grants the module WASI preview 1 with these capabilities (see {@link Wasi}): what a
         * guest built for {@code wasm32-wasi} imports from {@code wasi_snapshot_preview1}.
         * Without it, such a module is refused by {@link #build()}, naming the first WASI
         * import. Granting again replaces the earlier grant.
         *
         * @param wasi the capabilities, such as {@code Wasi.logging()}
         * @return this builder
         * @throws NullPointerException if {@code wasi} is null
         */
        public Builder wasi(Wasi wasi) {
            this.wasi = Objects.requireNonNull(wasi, "wasi");
            return this;
        }

        /**
         * Runs instances in Chicory's interpreter: no compile step at build, but each call is
         * some 30 times slower.
         *
         * @return this builder
         */
        public Builder interpreter() {
            this.compiled = false;
            return this;
        }

        /**
         * Compiles the module to JVM bytecode once, at {@link #build()} (the default). A function
         * too large to compile falls back to the interpreter.
         *
         * @return this builder
         */
        public Builder compiled() {
            this.compiled = true;
            return this;
        }

        /**
         * Reads, parses, validates and compiles the module.
         *
         * @return the module
         * @throws IllegalStateException if no source, or more than one, was set; or if WASI is
         *     granted and a host function of module {@code wasi_snapshot_preview1} too
         * @throws IllegalArgumentException if the bytes are not a valid WebAssembly module, or the
         *     module does not follow the ABI, imports something not granted, or needs more
         *     initial memory than the cap; or if the resource does not exist
         * @throws UncheckedIOException if the file cannot be read
         */
        public WasmModule build() {
            int sources = (bytes != null ? 1 : 0) + (path != null ? 1 : 0) + (resource != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException(sources == 0
                        ? "no module source: set one of bytes, path or resource"
                        : "more than one module source: set only one of bytes, path or resource");
            }
            if (wasi != null) {
                for (String key : grants.keySet()) {
                    if (key.startsWith(WasiImports.MODULE + ".")) {
                        throw new IllegalStateException("host function " + key
                                + " is granted, and WASI too: grant one or the other");
                    }
                }
            }
            String source;
            byte[] data;
            if (bytes != null) {
                source = bytes.length + " bytes";
                data = bytes;
            } else if (path != null) {
                source = path.toString();
                try {
                    data = Files.readAllBytes(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read WebAssembly module " + path, e);
                }
            } else {
                source = "resource " + resource;
                data = readResource(Objects.requireNonNull(resource));
            }
            com.dylibso.chicory.wasm.WasmModule parsed = parse(data);
            try {
                return new WasmModule(this, parsed, source);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException | AssertionError e) {
                // Chicory's parser leaves some bad indices (an export naming no function, say) to
                // whoever uses them, and its compiler can fail on code the parser let through.
                throw new IllegalArgumentException("invalid WebAssembly module: " + e, e);
            }
        }

        private static byte[] readResource(String name) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = WasmModule.class.getClassLoader();
            }
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalArgumentException("class path resource '" + name + "' not found");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read class path resource '" + name + "'", e);
            }
        }

        private static com.dylibso.chicory.wasm.WasmModule parse(byte[] data) {
            // Chicory's own message for this case reads "section size mismatch, ...": say it plainly.
            if (data.length < 8) {
                throw new IllegalArgumentException(
                        "not a WebAssembly module: " + data.length + " bytes, shorter than the 8-byte header");
            }
            if (data[0] != 0 || data[1] != 'a' || data[2] != 's' || data[3] != 'm') {
                throw new IllegalArgumentException(String.format(
                        "not a WebAssembly module: it starts with %02x %02x %02x %02x, not the magic 00 61 73 6d (\\0asm)",
                        data[0], data[1], data[2], data[3]));
            }
            try {
                return Parser.parse(data);
            } catch (MalformedException e) {
                throw new IllegalArgumentException("not a WebAssembly module: " + e.getMessage(), e);
            } catch (ChicoryException e) {
                throw new IllegalArgumentException("invalid WebAssembly module: " + e.getMessage(), e);
            } catch (RuntimeException | AssertionError e) {
                throw new IllegalArgumentException("not a WebAssembly module: " + e, e);
            }
        }
    }
}
