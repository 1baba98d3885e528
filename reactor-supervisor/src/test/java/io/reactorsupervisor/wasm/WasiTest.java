package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * WASI as a capability grant: nothing without {@link WasmModule.Builder#wasi(Wasi)}, output to
 * the logger, clock, random, environment and filesystem only when granted, and each instance with
 * its own WASI state. The probe guest ({@code wasi-probe.wat}) calls one WASI function per message
 * and replies with its errno and result.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WasiTest {

    private static final int ESUCCESS = 0;
    private static final int EBADF = 8;
    private static final String LOGGER = "test.wasi.probe";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);

    @BeforeEach
    void captureLog() {
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the tests' root level is WARN
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(appender);
        logger.setLevel(null);
    }

    private static WasmModule probe(Wasi wasi) {
        return Wat.module("wasi-probe").wasi(wasi.withLoggerName(LOGGER)).build();
    }

    private static ByteBuffer call(WasmInstance instance, String message) {
        byte[] reply = instance.handle(message.getBytes(StandardCharsets.UTF_8));
        assertThat(reply).hasSize(12);
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
    }

    private List<String> logged() {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aModuleImportingWasiIsRefusedWithoutTheGrantNamingTheImport() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("wasi-probe").build())
                .withMessage("module imports wasi_snapshot_preview1.clock_time_get, a WASI function, but WASI is not"
                        + " granted: grant it with WasmModule.Builder.wasi(Wasi)");
    }

    @Test
    void aHostFunctionOfTheWasiModuleAndTheWasiGrantTogetherAreRefused() {
        HostFunction fake = new HostFunction("wasi_snapshot_preview1", "fd_write",
                FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32)),
                (instance, args) -> new long[] {0});
        assertThatIllegalStateException()
                .isThrownBy(() -> Wat.module("wasi-probe").grant(fake).wasi(Wasi.logging()).build())
                .withMessage("host function wasi_snapshot_preview1.fd_write is granted, and WASI too: grant one or the other");
    }

    @Test
    void stdoutAndStderrGoToTheLoggerOneEventPerLine() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            ByteBuffer reply = call(instance, "wone\ntwo\r\nthree");
            assertThat(reply.getInt(0)).isEqualTo(ESUCCESS);
            assertThat(reply.getInt(4)).isEqualTo(14);
            assertThat(logged()).containsExactly("INFO one", "INFO two"); // "three" waits for its line end
            call(instance, "w and more\n");
            call(instance, "Ebroken \u00e9\n");
            assertThat(logged()).containsExactly("INFO one", "INFO two", "INFO three and more", "WARN broken \u00e9");
        }
    }

    @Test
    void aLineLongerThanTheMaximumIsLoggedInPieces() {
        GuestLog log = new GuestLog(logger, false);
        byte[] line = new byte[Wasi.MAX_LINE_BYTES * 2 + 10];
        java.util.Arrays.fill(line, (byte) 'a');
        log.write(line, 0, line.length);
        log.write('\n');
        assertThat(appender.list).extracting(e -> e.getFormattedMessage().length())
                .containsExactly(Wasi.MAX_LINE_BYTES, Wasi.MAX_LINE_BYTES, 10);
        log.write('\n');
        assertThat(appender.list.get(3).getFormattedMessage()).isEmpty(); // an empty line is a line
    }

    @Test
    void aGuestMessageIsLoggedAsTextNotAsAFormatPattern() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            call(instance, "w{} %s ${jndi:x}\n");
        }
        assertThat(logged()).containsExactly("INFO {} %s ${jndi:x}");
    }

    @Test
    void eachInstanceHasItsOwnDescriptors() {
        WasmModule module = probe(Wasi.logging());
        try (WasmInstance closer = module.newInstance(); WasmInstance other = module.newInstance()) {
            assertThat(call(closer, "x").getInt(0)).isEqualTo(ESUCCESS);
            assertThat(call(closer, "wlost\n").getInt(0)).isEqualTo(EBADF);

            assertThat(call(other, "wstill here\n").getInt(0)).isEqualTo(ESUCCESS);
            try (WasmInstance fresh = module.newInstance()) {
                assertThat(call(fresh, "wfresh\n").getInt(0)).isEqualTo(ESUCCESS);
            }
        }
        assertThat(logged()).containsExactly("INFO still here", "INFO fresh");
    }

    /** Instances of one module on many threads at once: every line arrives whole, each thread's in order. */
    @Test
    void instancesOnManyThreadsLogEveryLineWholeAndInOrder() throws Exception {
        WasmModule module = probe(Wasi.logging());
        int threads = 4;
        int lines = 200;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    try (WasmInstance instance = module.newInstance()) {
                        for (int i = 0; i < lines; i++) {
                            // a line in two writes: the first half must wait for the second
                            call(instance, "wt" + thread + " line ");
                            call(instance, "w" + i + "\n");
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> logged = logged();
        assertThat(logged).hasSize(threads * lines);
        for (int t = 0; t < threads; t++) {
            String prefix = "INFO t" + t + " line ";
            assertThat(logged.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, lines).mapToObj(String::valueOf).toList());
        }
    }

    @Test
    void aWriteOfMoreBytesThanTheMemoryHoldsIsACrashNotAHostAllocation() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            assertThatThrownBy(() -> instance.handle(new byte[] {'H'}))
                    .isInstanceOfSatisfying(WasmTrapException.class,
                            trap -> assertThat(trap.kind()).isEqualTo(TrapKind.HOST_FUNCTION))
                    .hasMessageContaining("wasi_snapshot_preview1.fd_write");
        }
        assertThat(logged()).isEmpty();
    }

    @Test
    void theClockIsNotCapableUnlessGranted() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            ByteBuffer reply = call(instance, "c");
            assertThat(reply.getInt(0)).isEqualTo(WasiImports.ENOTCAPABLE);
            assertThat(reply.getLong(4)).isZero();
            assertThat(call(instance, "s").getInt(0)).isEqualTo(WasiImports.ENOTCAPABLE); // no sleeping either
        }
        Instant now = Instant.parse("2026-11-30T18:00:00.123456789Z");
        try (WasmInstance instance = probe(Wasi.logging().withClock(Clock.fixed(now, ZoneOffset.UTC))).newInstance()) {
            ByteBuffer reply = call(instance, "c");
            assertThat(reply.getInt(0)).isEqualTo(ESUCCESS);
            assertThat(reply.getLong(4)).isEqualTo(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        }
    }

    @Test
    void randomIsNotCapableUnlessGranted() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            assertThat(call(instance, "r").getInt(0)).isEqualTo(WasiImports.ENOTCAPABLE);
        }
        try (WasmInstance instance = probe(Wasi.logging().withRandom(new Random(42))).newInstance()) {
            ByteBuffer reply = call(instance, "r");
            assertThat(reply.getInt(0)).isEqualTo(ESUCCESS);
            byte[] expected = new byte[8];
            new Random(42).nextBytes(expected);
            byte[] actual = new byte[8];
            reply.get(4, actual);
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void theEnvironmentIsEmptyUnlessGiven() {
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            ByteBuffer reply = call(instance, "e");
            assertThat(reply.getInt(0)).isEqualTo(ESUCCESS);
            assertThat(reply.getInt(4)).isZero();
            assertThat(reply.getInt(8)).isZero();
        }
        Wasi wasi = Wasi.logging().withEnvironment("MODE", "test").withEnvironment("LEVEL", "3");
        try (WasmInstance instance = probe(wasi).newInstance()) {
            ByteBuffer reply = call(instance, "e");
            assertThat(reply.getInt(4)).isEqualTo(2);
            assertThat(reply.getInt(8)).isEqualTo("MODE=test\0LEVEL=3\0".length());
        }
    }

    @Test
    void noDirectoryIsOpenUnlessGrantedAndAGrantedOneCannotBeLeft(@TempDir Path temp) throws IOException {
        Path granted = Files.createDirectory(temp.resolve("granted"));
        Files.writeString(granted.resolve("inside.txt"), "in");
        Files.writeString(temp.resolve("secret.txt"), "out");

        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            assertThat(call(instance, "p").getInt(0)).isEqualTo(EBADF);
            assertThat(call(instance, "oinside.txt").getInt(0)).isEqualTo(EBADF);
        }
        try (WasmInstance instance = probe(Wasi.logging().withDirectory("/data", granted)).newInstance()) {
            ByteBuffer prestat = call(instance, "p");
            assertThat(prestat.getInt(0)).isEqualTo(ESUCCESS);
            assertThat(prestat.getInt(8)).isEqualTo("/data".length());
            ByteBuffer opened = call(instance, "oinside.txt");
            assertThat(opened.getInt(0)).isEqualTo(ESUCCESS);
            assertThat(opened.getInt(4)).isGreaterThan(3);

            for (String escape : List.of("../secret.txt", "a/../../secret.txt", temp.resolve("secret.txt").toString())) {
                assertThat(call(instance, "o" + escape).getInt(0)).as(escape).isNotEqualTo(ESUCCESS);
            }
        }
    }

    /**
     * A guest's open files belong to its instance: closing the instance (as a component's restart
     * does) closes them, so a guest that crash-loops with a directory grant cannot exhaust the
     * process's file descriptors. Counted in {@code /proc/self/fd} (Linux).
     */
    @Test
    void closingAnInstanceClosesTheFilesItsGuestLeftOpen(@TempDir Path temp) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        Files.writeString(temp.resolve("inside.txt"), "in");
        WasmModule module = probe(Wasi.logging().withDirectory("/data", temp));

        long before = openFiles(fds);
        for (int i = 0; i < 200; i++) {
            try (WasmInstance instance = module.newInstance()) {
                assertThat(call(instance, "oinside.txt").getInt(0)).isEqualTo(ESUCCESS);
            }
        }
        assertThat(openFiles(fds) - before).as("files still open after 200 closed instances").isLessThan(20);
    }

    @Test
    void aTrappedInstanceClosesItsFilesWhenClosedToo(@TempDir Path temp) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        Files.writeString(temp.resolve("inside.txt"), "in");
        WasmModule module = Wat.module("wasi-probe")
                .wasi(Wasi.logging().withClock(Clock.systemUTC()).withDirectory("/data", temp).withLoggerName(LOGGER))
                .timeBudget(Duration.ofMillis(20))
                .build();

        long before = openFiles(fds);
        for (int i = 0; i < 30; i++) {
            try (WasmInstance instance = module.newInstance()) {
                assertThat(call(instance, "oinside.txt").getInt(0)).isEqualTo(ESUCCESS);
                assertThatThrownBy(() -> instance.handle(new byte[] {'s'})).isInstanceOf(WasmTrapException.class);
                assertThat(instance.isPoisoned()).isTrue();
            }
        }
        assertThat(openFiles(fds) - before).as("files still open after 30 trapped and closed instances")
                .isLessThan(10);
    }

    private static long openFiles(Path fds) throws IOException {
        try (var entries = Files.list(fds)) {
            return entries.count();
        }
    }

    /**
     * Chicory follows a symbolic link inside the granted directory even where it leads out (a
     * link to a directory, used as a path prefix), so the guest must never be able to make one:
     * {@code path_symlink} is not capable, with or without a directory.
     */
    @Test
    void aGuestCannotCreateASymbolicLink(@TempDir Path temp) throws IOException {
        Path granted = Files.createDirectory(temp.resolve("granted"));
        try (WasmInstance instance = probe(Wasi.logging().withDirectory("/data", granted)).newInstance()) {
            assertThat(call(instance, "lup").getInt(0)).isEqualTo(WasiImports.ENOTCAPABLE);
            assertThat(call(instance, "oup/secret.txt").getInt(0)).isNotEqualTo(ESUCCESS);
        }
        assertThat(granted.resolve("up")).doesNotExist();
        try (WasmInstance instance = probe(Wasi.logging()).newInstance()) {
            assertThat(call(instance, "lup").getInt(0)).isEqualTo(WasiImports.ENOTCAPABLE);
        }
    }

    /**
     * An in-memory file system keeps the host's disk out of reach entirely. It also shows the
     * limit documented on {@link Wasi}: Chicory follows a link already in the tree, even out of the
     * preopened directory (here, still inside the in-memory file system). If this starts failing,
     * Chicory stopped following such links: update the documentation.
     */
    @Test
    void anInMemoryDirectoryWorksAndALinkAlreadyInItsTreeIsFollowed() throws IOException {
        try (java.nio.file.FileSystem memory = com.google.common.jimfs.Jimfs.newFileSystem(
                com.google.common.jimfs.Configuration.unix())) {
            Path granted = Files.createDirectories(memory.getPath("/granted"));
            Files.writeString(granted.resolve("inside.txt"), "in");
            Path outside = Files.createDirectories(memory.getPath("/outside"));
            Files.writeString(outside.resolve("secret.txt"), "out");
            Files.createSymbolicLink(granted.resolve("up"), outside);
            try (WasmInstance instance = probe(Wasi.logging().withDirectory("/data", granted)).newInstance()) {
                assertThat(call(instance, "oinside.txt").getInt(0)).isEqualTo(ESUCCESS);
                assertThat(call(instance, "o../outside/secret.txt").getInt(0)).isNotEqualTo(ESUCCESS);
                assertThat(call(instance, "oup/secret.txt").getInt(0)).isEqualTo(ESUCCESS);
            }
        }
    }

    @Test
    void aWasiSleepIsStoppedByTheTimeBudget() {
        WasmModule module = Wat.module("wasi-probe")
                .wasi(Wasi.logging().withClock(Clock.systemUTC()).withLoggerName(LOGGER))
                .timeBudget(Duration.ofMillis(100))
                .build();
        long started = System.nanoTime();
        try (WasmInstance instance = module.newInstance()) {
            assertThatThrownBy(() -> instance.handle(new byte[] {'s'}))
                    .isInstanceOfSatisfying(WasmTrapException.class,
                            trap -> assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void theDefaultLoggerIsNamedAfterTheModuleFile() {
        assertThat(WasiImports.defaultLoggerName(Path.of("/opt/guests/order.parser.wasm"), null))
                .isEqualTo("io.reactorsupervisor.wasm.guest.order_parser");
        assertThat(WasiImports.defaultLoggerName(null, "wasm/c-counter.wasm"))
                .isEqualTo("io.reactorsupervisor.wasm.guest.c-counter");
        assertThat(WasiImports.defaultLoggerName(null, null)).isEqualTo("io.reactorsupervisor.wasm.guest");
        assertThat(Wat.module("wasi-probe").wasi(Wasi.logging()).build().wasiLoggerName())
                .hasValue("io.reactorsupervisor.wasm.guest");
        assertThat(Wat.module("echo").build().wasiLoggerName()).isEmpty();
    }

    @Test
    void specsAreImmutableTemplates(@TempDir Path dir) {
        Wasi base = Wasi.logging();
        Wasi clocked = base.withClock(Clock.systemUTC());
        Wasi full = clocked.withRandom(new Random()).withEnvironment("A", "1").withDirectory("/d", dir).withLoggerName("x");
        assertThat(base.clock()).isEmpty();
        assertThat(base.random()).isEmpty();
        assertThat(base.environment()).isEmpty();
        assertThat(base.directories()).isEmpty();
        assertThat(base.loggerName()).isEmpty();
        assertThat(clocked.clock()).isPresent();
        assertThat(clocked.random()).isEmpty();
        assertThat(full.environment()).containsExactly(java.util.Map.entry("A", "1"));
        assertThat(full.directories()).containsExactly(java.util.Map.entry("/d", dir));
        assertThat(full.loggerName()).hasValue("x");
        assertThatThrownBy(() -> full.environment().put("B", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(full.withEnvironment("A", "2").environment()).containsExactly(java.util.Map.entry("A", "2"));
        assertThat(Wat.module("wasi-probe").wasi(clocked).build().wasi()).containsSame(clocked);
    }

    @Test
    void argumentsAreCheckedWhenGiven(@TempDir Path dir) throws IOException {
        Wasi wasi = Wasi.logging();
        assertThatNullPointerException().isThrownBy(() -> wasi.withLoggerName(null)).withMessage("loggerName");
        assertThatNullPointerException().isThrownBy(() -> wasi.withClock(null)).withMessage("clock");
        assertThatNullPointerException().isThrownBy(() -> wasi.withRandom(null)).withMessage("random");
        assertThatNullPointerException().isThrownBy(() -> wasi.withEnvironment(null, "v")).withMessage("name");
        assertThatNullPointerException().isThrownBy(() -> wasi.withEnvironment("n", null)).withMessage("value");
        assertThatNullPointerException().isThrownBy(() -> wasi.withDirectory(null, dir)).withMessage("guestPath");
        assertThatNullPointerException().isThrownBy(() -> wasi.withDirectory("/d", null)).withMessage("hostDirectory");
        assertThatNullPointerException().isThrownBy(() -> WasmModule.builder().wasi(null)).withMessage("wasi");

        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withLoggerName(" "))
                .withMessage("loggerName must be 1 to 32768 characters and not blank, but was ' ' (1 characters)");
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withEnvironment("A=B", "v"))
                .withMessage("environment variable name must be 1 to 32768 characters without '=' or NUL, but was 'A=B'");
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withEnvironment("", "v"))
                .withMessage("environment variable name must be 1 to 32768 characters without '=' or NUL, but was ''");
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withEnvironment("A", "x\0y"))
                .withMessage("environment variable A must have a value of at most 32768 characters without NUL,"
                        + " but was 3 characters with a NUL");
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withEnvironment("A", "x".repeat(40_000)))
                .withMessage("environment variable A must have a value of at most 32768 characters without NUL,"
                        + " but was 40000 characters");
        for (String bad : List.of("data", "", "/a/../b", "/..", "/./x", "/a\0")) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> wasi.withDirectory(bad, dir))
                    .withMessage("guestPath must be an absolute path of at most 32768 characters, without NUL,"
                            + " '.' or '..' segments, but was '" + bad + "'");
        }
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withDirectory("/d", file))
                .withMessage("hostDirectory must be an existing directory, but was " + file);
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withDirectory("/d", dir.resolve("missing")))
                .withMessage("hostDirectory must be an existing directory, but was " + dir.resolve("missing"));
        assertThatIllegalArgumentException().isThrownBy(() -> wasi.withDirectory("/d", dir).withDirectory("/d", dir))
                .withMessage("guestPath /d is already preopened (for " + dir + ")");
    }

    @Test
    void theNumberOfEnvironmentVariablesIsBounded() {
        Wasi wasi = Wasi.logging();
        for (int i = 0; i < Wasi.MAX_ENTRIES; i++) {
            wasi = wasi.withEnvironment("V" + i, "x");
        }
        Wasi full = wasi;
        assertThat(full.withEnvironment("V0", "replaced").environment()).hasSize(Wasi.MAX_ENTRIES);
        assertThatIllegalArgumentException().isThrownBy(() -> full.withEnvironment("ONE_MORE", "x"))
                .withMessage("at most 1024 environment variables can be granted, but this would be 1025");
    }
}
