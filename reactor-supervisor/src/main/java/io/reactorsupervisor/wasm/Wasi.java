package io.reactorsupervisor.wasm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The WASI preview 1 capabilities a module is granted, through Chicory's own WASI implementation:
 * what a guest compiled against {@code wasi-libc} ({@code clang --target=wasm32-wasi}) or Rust's
 * {@code wasm32-wasi} target may reach of the host. Granted per module with
 * {@link WasmModule.Builder#wasi(Wasi)}; a module that imports {@code wasi_snapshot_preview1}
 * functions without it is refused when built.
 *
 * <p>Nothing beyond output is granted unless asked for:
 * <ul>
 *   <li><b>stdout and stderr</b> always go to an SLF4J logger, one line per log event: stdout at
 *       INFO, stderr at WARN. The logger is named {@value #LOGGER_PREFIX} followed by the module's
 *       file name without {@code .wasm} (such as {@code io.reactorsupervisor.wasm.guest.counter}),
 *       or {@link #withLoggerName(String) as given}. While a component runs its guest, the MDC
 *       carries the component's path under {@code component}, so each line says which component
 *       wrote it. A line longer than {@value #MAX_LINE_BYTES} bytes is logged in pieces; a line not
 *       ended by a newline when its instance is dropped is lost. stdin is empty.</li>
 *   <li><b>Clock</b> ({@code clock_time_get}, {@code clock_res_get}, {@code poll_oneoff}): only
 *       with {@link #withClock(Clock)}; otherwise they answer errno {@code ENOTCAPABLE} (76).</li>
 *   <li><b>Random</b> ({@code random_get}): only with {@link #withRandom(Random)}; otherwise errno
 *       {@code ENOTCAPABLE}. (Rust's std on {@code wasm32-wasi} seeds a {@code HashMap} from
 *       random bytes: grant random to a Rust guest that makes one.)</li>
 *   <li><b>Environment</b>: empty unless variables are given with
 *       {@link #withEnvironment(String, String)}. Arguments are always empty.</li>
 *   <li><b>Filesystem</b>: none unless a host directory is preopened with
 *       {@link #withDirectory(String, Path)}; the guest can then read, write, create and delete
 *       inside that directory only (Chicory refuses absolute paths and {@code ..} above it),
 *       and nothing else. The guest cannot create symbolic links ({@code path_symlink} answers
 *       {@code ENOTCAPABLE}). <b>Grant only a directory whose tree holds no symbolic link you
 *       would not hand the guest</b>: Chicory follows a link already there when it is a directory
 *       part of a path, even where it leads out of the directory.</li>
 *   <li>{@code proc_exit} (C's {@code exit}, Rust's {@code std::process::exit}) ends the call with
 *       a {@link WasmTrapException} of kind {@link TrapKind#HOST_FUNCTION}: in a component, a
 *       crash. Sockets are not supported.</li>
 * </ul>
 *
 * <p>Each instance gets its own WASI state (file descriptors, open files, output buffers), so a
 * guest that closes its stdout or opens files affects only itself, and a restart starts afresh.
 * Files a guest leaves open are closed with its instance ({@link WasmInstance#close()}, which a
 * component's restart calls; after the call in progress, if there is one), so a guest that
 * crash-loops with a directory grant holds no descriptor per incarnation.
 * WASI calls run on the guest's thread, inside the call's time budget: a {@code poll_oneoff}
 * sleep is interrupted when the budget runs out, like the guest itself.
 *
 * <p>Immutable: each {@code withX} returns a new spec, so one can be kept as a template.
 *
 * <pre>{@code
 * WasmModule module = WasmModule.builder()
 *     .resource("wasm/c-counter.wasm")
 *     .wasi(Wasi.logging().withClock(Clock.systemUTC()))
 *     .build();
 * }</pre>
 */
public final class Wasi {

    /** The prefix of the default logger name: {@value}. */
    public static final String LOGGER_PREFIX = "io.reactorsupervisor.wasm.guest";

    /** The longest line logged as one event, in bytes: {@value}; longer lines are split. */
    public static final int MAX_LINE_BYTES = 8192;

    /** The most environment variables and preopened directories, each: {@value}. */
    public static final int MAX_ENTRIES = 1024;

    /** The longest logger name, environment variable (name and value) or guest path: {@value}. */
    public static final int MAX_LENGTH = 32 * 1024;

    private static final Wasi LOGGING = new Wasi(null, null, null, Map.of(), Map.of());

    private final @Nullable String loggerName;
    private final @Nullable Clock clock;
    private final @Nullable Random random;
    private final Map<String, String> environment;
    private final Map<String, Path> directories;

    private Wasi(@Nullable String loggerName, @Nullable Clock clock, @Nullable Random random,
            Map<String, String> environment, Map<String, Path> directories) {
        this.loggerName = loggerName;
        this.clock = clock;
        this.random = random;
        this.environment = environment;
        this.directories = directories;
    }

    /**
     * The smallest grant: stdout and stderr to the logger, empty stdin, environment and
     * arguments; no clock, no random, no filesystem.
     *
     * @return the spec
     */
    public static Wasi logging() {
        return LOGGING;
    }

    /**
     * Names the logger that receives the guest's stdout and stderr, instead of
     * {@value #LOGGER_PREFIX}{@code .<module file name>}.
     *
     * @param name a logger name, not blank, at most {@value #MAX_LENGTH} characters
     * @return a new spec
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or too long
     */
    public Wasi withLoggerName(String name) {
        Objects.requireNonNull(name, "loggerName");
        if (name.isBlank() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("loggerName must be 1 to " + MAX_LENGTH
                    + " characters and not blank, but was '" + shorten(name) + "' (" + name.length() + " characters)");
        }
        return new Wasi(name, clock, random, environment, directories);
    }

    /**
     * Grants the clock: {@code clock_time_get} and {@code clock_res_get} read it (realtime is
     * {@link Clock#instant()}; monotonic is {@link System#nanoTime()}, as Chicory does), and {@code poll_oneoff} may sleep, within the call's time budget.
     *
     * @param clock the clock the guest sees, such as {@link Clock#systemUTC()}
     * @return a new spec
     * @throws NullPointerException if {@code clock} is null
     */
    public Wasi withClock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return new Wasi(loggerName, clock, random, environment, directories);
    }

    /**
     * Grants randomness: {@code random_get} fills the guest's buffer from this source, shared by
     * every instance of the module (so it must be safe for concurrent use, as {@link Random} and
     * {@link SecureRandom} are).
     *
     * @param random the source, such as {@code new SecureRandom()}
     * @return a new spec
     * @throws NullPointerException if {@code random} is null
     */
    public Wasi withRandom(Random random) {
        Objects.requireNonNull(random, "random");
        return new Wasi(loggerName, clock, random, environment, directories);
    }

    /**
     * Adds an environment variable the guest sees ({@code getenv}); a later value for the same
     * name replaces the earlier.
     *
     * @param name the variable's name: not empty, no {@code '='} or NUL character
     * @param value its value: no NUL character
     * @return a new spec
     * @throws NullPointerException if {@code name} or {@code value} is null
     * @throws IllegalArgumentException if {@code name} or {@code value} is malformed or too long
     *     (at most {@value #MAX_LENGTH} characters each), or there would be more than
     *     {@value #MAX_ENTRIES} variables
     */
    public Wasi withEnvironment(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("environment variable name must be 1 to " + MAX_LENGTH
                    + " characters without '=' or NUL, but was '" + shorten(name) + "'");
        }
        if (value.indexOf('\0') >= 0 || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("environment variable " + shorten(name) + " must have a value of at most "
                    + MAX_LENGTH + " characters without NUL, but was " + value.length() + " characters"
                    + (value.indexOf('\0') >= 0 ? " with a NUL" : ""));
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        checkCount("environment variables", env.size());
        return new Wasi(loggerName, clock, random, Collections.unmodifiableMap(env), directories);
    }

    /**
     * Preopens a host directory for the guest under {@code guestPath}: the guest may read, write,
     * create and delete files and directories inside it, and cannot name anything outside it
     * (absolute paths and {@code ..} above it are refused). It can follow a symbolic link already
     * in the tree, even one that leads out (see the class documentation), and it cannot create
     * one. The directory must exist now; any {@link java.nio.file.FileSystem} works (an in-memory one
     * keeps the host's disk out of reach entirely).
     *
     * @param guestPath the absolute path the guest opens it by, such as {@code "/data"}: starts
     *     with {@code '/'}, no NUL, no {@code .} or {@code ..} segment
     * @param hostDirectory an existing directory
     * @return a new spec
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code guestPath} is malformed or already used,
     *     {@code hostDirectory} is not an existing directory, or there would be more than
     *     {@value #MAX_ENTRIES} directories
     */
    public Wasi withDirectory(String guestPath, Path hostDirectory) {
        Objects.requireNonNull(guestPath, "guestPath");
        Objects.requireNonNull(hostDirectory, "hostDirectory");
        if (!guestPath.startsWith("/") || guestPath.indexOf('\0') >= 0 || guestPath.length() > MAX_LENGTH
                || ("/" + guestPath + "/").contains("/./") || ("/" + guestPath + "/").contains("/../")) {
            throw new IllegalArgumentException("guestPath must be an absolute path of at most " + MAX_LENGTH
                    + " characters, without NUL, '.' or '..' segments, but was '" + shorten(guestPath) + "'");
        }
        if (directories.containsKey(guestPath)) {
            throw new IllegalArgumentException("guestPath " + guestPath + " is already preopened (for "
                    + directories.get(guestPath) + ")");
        }
        if (!Files.isDirectory(hostDirectory)) {
            throw new IllegalArgumentException(
                    "hostDirectory must be an existing directory, but was " + hostDirectory);
        }
        Map<String, Path> dirs = new LinkedHashMap<>(directories);
        dirs.put(guestPath, hostDirectory);
        checkCount("preopened directories", dirs.size());
        return new Wasi(loggerName, clock, random, environment, Collections.unmodifiableMap(dirs));
    }

    /**
     * The logger name given with {@link #withLoggerName(String)}, if any.
     *
     * @return the name, or empty for the default
     */
    public Optional<String> loggerName() {
        return Optional.ofNullable(loggerName);
    }

    /**
     * The granted clock, if any.
     *
     * @return the clock, or empty if the clock is not granted
     */
    public Optional<Clock> clock() {
        return Optional.ofNullable(clock);
    }

    /**
     * The granted source of random bytes, if any.
     *
     * @return the source, or empty if randomness is not granted
     */
    public Optional<Random> random() {
        return Optional.ofNullable(random);
    }

    /**
     * The environment the guest sees, in the order given.
     *
     * @return an immutable map, empty by default
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The preopened directories, guest path to host directory, in the order given.
     *
     * @return an immutable map, empty by default
     */
    public Map<String, Path> directories() {
        return directories;
    }

    @Override
    public String toString() {
        return "Wasi[logger=" + (loggerName == null ? LOGGER_PREFIX + ".<module>" : loggerName)
                + ", clock=" + (clock != null) + ", random=" + (random != null)
                + ", environment=" + environment.keySet() + ", directories=" + directories + "]";
    }

    private static void checkCount(String what, int count) {
        if (count > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " " + what + " can be granted, but this would be "
                    + count);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
