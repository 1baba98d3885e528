package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The guests compiled from real source (src/test/guests: C with wasi-libc, Rust without WASI and
 * the same Rust source for wasm32-wasi)
 * run as components: messages through ask and tell, a trap that restarts them with fresh memory,
 * and their limits. The time budget is wall-clock, so these run on real schedulers, every wait
 * bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompiledGuestsTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** The two guests; each answers the same counter commands. */
    enum Guest {
        C("wasm/c-counter.wasm", "trap", TrapKind.UNREACHABLE, b -> b.wasi(Wasi.logging())),
        RUST("wasm/rust-counter.wasm", "panic", TrapKind.UNREACHABLE, b -> b),
        RUST_WASI("wasm/rust-wasi-counter.wasm", "panic", TrapKind.UNREACHABLE, b -> b.wasi(Wasi.logging()));

        final String resource;
        final String crash;
        final TrapKind crashKind;
        final UnaryOperator<WasmModule.Builder> grants;

        Guest(String resource, String crash, TrapKind crashKind, UnaryOperator<WasmModule.Builder> grants) {
            this.resource = resource;
            this.crash = crash;
            this.crashKind = crashKind;
            this.grants = grants;
        }

        WasmModule.Builder module() {
            return grants.apply(WasmModule.builder().resource(resource));
        }
    }

    private Supervisor root;

    @BeforeEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    @AfterEach
    void shutDown() {
        if (root != null) {
            root.shutdown(BOUND).block(BOUND.multipliedBy(2));
        }
    }

    private ComponentRef<String, String> start(WasmModule module) {
        ComponentSpec<String, String> spec = WasmComponent.named("counter", module, WasmCodec.utf8(), WasmCodec.utf8())
                .build();
        root = Supervisor.named("root").child(spec).start();
        return root.ref(spec);
    }

    private static void expect(ComponentRef<String, String> ref, String message, String reply) {
        StepVerifier.create(ref.ask(message)).expectNext(reply).expectComplete().verify(BOUND);
    }

    private static void expectTrap(ComponentRef<String, String> ref, String message, TrapKind kind) {
        StepVerifier.create(ref.ask(message))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOfSatisfying(WasmTrapException.class,
                                trap -> assertThat(trap.kind()).isEqualTo(kind)))
                .verify(BOUND);
    }

    @ParameterizedTest
    @EnumSource(Guest.class)
    void handlesMessagesThroughAskAndTellInOrder(Guest guest) {
        ComponentRef<String, String> ref = start(guest.module().build());

        expect(ref, "inc", "count=1");
        expect(ref, "inc", "count=2");
        for (int i = 0; i < 10; i++) {
            ref.tell("inc");
        }
        expect(ref, "get", "count=12"); // the tells were handled, in mailbox order, before the ask
        expect(ref, "hello", "unknown: hello");
        expect(ref, "", "unknown: ");
    }

    @ParameterizedTest
    @EnumSource(Guest.class)
    void aTrapRestartsTheGuestWithFreshMemory(Guest guest) {
        ComponentRef<String, String> ref = start(guest.module().build());
        expect(ref, "inc", "count=1");
        expect(ref, "inc", "count=2");

        expectTrap(ref, guest.crash, guest.crashKind);

        expect(ref, "get", "count=0"); // a fresh instance: the counter in linear memory is gone
        expect(ref, "inc", "count=1");
    }

    @ParameterizedTest
    @EnumSource(Guest.class)
    void aLoopIsStoppedByTheTimeBudgetAndTheGuestRestarts(Guest guest) {
        ComponentRef<String, String> ref = start(guest.module().timeBudget(Duration.ofMillis(100)).build());
        expect(ref, "inc", "count=1");

        expectTrap(ref, "loop", TrapKind.TIME_BUDGET_EXCEEDED);

        expect(ref, "get", "count=0");
    }

    @ParameterizedTest
    @EnumSource(Guest.class)
    void memoryBeyondTheCapIsRefusedToTheGuestWithoutACrash(Guest guest) {
        WasmModule module = guest.module().memoryLimitPages(24).build(); // 1.5 MiB
        assertThat(module.maxMemoryPages()).isEqualTo(24);
        ComponentRef<String, String> ref = start(module);
        expect(ref, "inc", "count=1");

        expect(ref, "grow 4096", "no memory"); // 4 MiB: memory.grow returned -1, malloc said no
        expect(ref, "grow 64", "grew 64");     // what fits is still given
        expect(ref, "get", "count=1");         // no crash: same instance, same counter
        expect(ref, "grow 2048", "no memory");
        expect(ref, "inc", "count=2");
    }

    @ParameterizedTest
    @EnumSource(Guest.class)
    void theGuestsAnswerTheirHealthExport(Guest guest) {
        // the C guest is healthy only once its C constructors have run: its init calls _initialize
        try (WasmInstance instance = guest.module().build().newInstance()) {
            assertThat(instance.healthy()).isTrue();
        }
    }

    @Test
    void theCGuestLogsThroughWasiToTheModulesLoggerWithTheComponentInTheMdc() {
        WasmModule module = Guest.C.module().build();
        assertThat(module.wasiLoggerName()).hasValue("io.reactorsupervisor.wasm.guest.c-counter");
        Logger logger = (Logger) LoggerFactory.getLogger("io.reactorsupervisor.wasm.guest.c-counter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            ComponentRef<String, String> ref = start(module);
            expect(ref, "inc", "count=1");
            expect(ref, "inc", "count=2");

            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).containsExactly("c counter ready", "c counter: count=1", "c counter: count=2");
            assertThat(appender.list).allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
            // init runs when the instance is created, handle while the component handles a message
            assertThat(appender.list.get(2).getMDCPropertyMap()).containsEntry(Supervisor.MDC_COMPONENT, "root/counter");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void theRustWasiGuestLogsThroughEprintln() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.reactorsupervisor.wasm.guest.rust-wasi-counter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            ComponentRef<String, String> ref = start(Guest.RUST_WASI.module().build());
            expect(ref, "inc", "count=1");
            expect(ref, "inc", "count=2");
            assertThat(appender.list).extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .containsExactly("WARN rust counter: count=1", "WARN rust counter: count=2");
        } finally {
            logger.detachAppender(appender);
        }
    }

    /** Rust's std on wasm32-wasi seeds a HashMap through random_get: it panics unless random is granted. */
    @Test
    void aRustWasiHashMapNeedsTheRandomGrant() {
        ComponentRef<String, String> ref = start(Guest.RUST_WASI.module().build());
        expect(ref, "inc", "count=1");
        expectTrap(ref, "map", TrapKind.UNREACHABLE);
        expect(ref, "get", "count=0");
        root.shutdown(BOUND).block(BOUND.multipliedBy(2));

        ref = start(Guest.RUST_WASI.module().wasi(Wasi.logging().withRandom(new java.security.SecureRandom())).build());
        expect(ref, "map", "map=1");
        root.shutdown(BOUND).block(BOUND.multipliedBy(2));

        ref = start(Guest.RUST.module().build()); // no WASI: fixed hash keys, nothing to ask
        expect(ref, "map", "map=1");
    }

    @Test
    void theCGuestsExitIsACrashNamingProcExit() {
        ComponentRef<String, String> ref = start(Guest.C.module().build());
        expect(ref, "inc", "count=1");

        StepVerifier.create(ref.ask("exit"))
                .expectErrorSatisfies(e -> assertThat(e).cause().isInstanceOfSatisfying(WasmTrapException.class,
                        trap -> assertThat(trap.kind()).isEqualTo(TrapKind.HOST_FUNCTION))
                        .hasMessageContaining("wasi_snapshot_preview1.proc_exit"))
                .verify(BOUND);
        expect(ref, "get", "count=0");
    }

    @Test
    void theCGuestIsRefusedWithoutAWasiGrantNamingTheImport() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmModule.builder().resource(Guest.C.resource).build())
                .withMessageMatching("module imports wasi_snapshot_preview1\\.[a-z_]+, a WASI function, but WASI is not"
                        + " granted: grant it with WasmModule.Builder.wasi\\(Wasi\\)");
    }

    @Test
    void aGuestsInstancesRunTheSameOnTheInterpreter() {
        ComponentRef<String, String> ref = start(Guest.RUST.module().interpreter().build());
        expect(ref, "inc", "count=1");
        expectTrap(ref, "panic", TrapKind.UNREACHABLE);
        expect(ref, "get", "count=0");
    }
}
