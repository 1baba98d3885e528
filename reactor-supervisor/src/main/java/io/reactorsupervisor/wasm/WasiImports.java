package io.reactorsupervisor.wasm;

import com.dylibso.chicory.log.SystemLogger;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link Wasi} grant into host functions: a new Chicory {@link WasiPreview1} for every
 * instance (its own descriptors and output buffers), with the capabilities not granted answering
 * {@code ENOTCAPABLE}.
 */
final class WasiImports {

    static final String MODULE = "wasi_snapshot_preview1";

    /** WASI's errno {@code notcapable}: the capability is not granted. */
    static final int ENOTCAPABLE = 76;

    private static final Set<String> CLOCK = Set.of("clock_time_get", "clock_res_get", "poll_oneoff");
    private static final Set<String> RANDOM = Set.of("random_get");

    /**
     * Never granted: Chicory follows a symbolic link that is a path's directory part even where it
     * leads out of the preopened directory, so the guest must not be able to make one.
     */
    private static final String SYMLINK = "path_symlink";

    /**
     * Chicory's own diagnostics of WASI calls, shared: the default, made per {@link WasiPreview1},
     * costs some 20 us per instance (measured), five times the instance itself.
     */
    private static final com.dylibso.chicory.log.Logger CHICORY_LOG = new SystemLogger();

    private final Wasi wasi;
    private final Logger logger;

    WasiImports(Wasi wasi, String defaultLoggerName) {
        this.wasi = wasi;
        this.logger = LoggerFactory.getLogger(wasi.loggerName().orElse(defaultLoggerName));
    }

    /** The logger name for a module read from this path or resource: the prefix and the file name. */
    static String defaultLoggerName(@Nullable Path path, @Nullable String resource) {
        String name = path != null && path.getFileName() != null ? path.getFileName().toString()
                : resource != null ? resource.substring(resource.lastIndexOf('/') + 1) : "";
        if (name.endsWith(".wasm")) {
            name = name.substring(0, name.length() - ".wasm".length());
        }
        name = name.replace('.', '_');
        return name.isBlank() ? Wasi.LOGGER_PREFIX : Wasi.LOGGER_PREFIX + "." + name;
    }

    String loggerName() {
        return logger.getName();
    }

    /**
     * The functions of one instance, keyed {@code module.name}, and the WASI state they share (its
     * descriptors: the files the guest opens), which the instance closes when it is closed.
     */
    record Functions(Map<String, HostFunction> byName, WasiPreview1 state) {
    }

    /** A new WASI state and its functions, for one instance. */
    Functions newFunctions() {
        WasiOptions.Builder options = WasiOptions.builder()
                .withStdin(InputStream.nullInputStream(), false)
                .withStdout(new GuestLog(logger, false), false)
                .withStderr(new GuestLog(logger, true), false)
                .withThrowOnExit0(true);
        wasi.clock().ifPresent(options::withClock);
        wasi.random().ifPresent(options::withRandom);
        wasi.environment().forEach(options::withEnvironment);
        wasi.directories().forEach(options::withDirectory);
        WasiPreview1 state = WasiPreview1.builder().withOptions(options.build()).withLogger(CHICORY_LOG).build();
        HostFunction[] functions = state.toHostFunctions();
        Map<String, HostFunction> byName = new LinkedHashMap<>(functions.length * 2);
        for (HostFunction f : functions) {
            boolean denied = (CLOCK.contains(f.name()) && wasi.clock().isEmpty())
                    || (RANDOM.contains(f.name()) && wasi.random().isEmpty())
                    || f.name().equals(SYMLINK);
            byName.put(f.module() + "." + f.name(), denied ? notCapable(f) : f);
        }
        return new Functions(byName, state);
    }

    private static HostFunction notCapable(HostFunction f) {
        long[] result = {ENOTCAPABLE};
        return new HostFunction(f.module(), f.name(), f.functionType(), (instance, args) -> result.clone());
    }
}
