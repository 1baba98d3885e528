package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.reactorsupervisor.ChildStartException;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A module whose start function spins: instantiation runs under the time budget, on the
 * component's own scheduler (never on the thread that called {@code start()}, nor on the timer
 * that delays a restart), and {@code start()} returns while it runs. Real threads, bounded in
 * time (each spin is stopped by a 300 ms budget).
 */
class WasmInstantiationTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final Scheduler own = Schedulers.newSingle("wasm-own");
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final List<SupervisionEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void disposeScheduler() {
        own.dispose();
    }

    /** env.enter: records its thread, runs {@code before}, then tells the guest to spin or not. */
    private HostFunction enter(IntPredicate spin, Runnable before) {
        AtomicInteger calls = new AtomicInteger();
        return new HostFunction("env", "enter", FunctionType.of(List.of(), List.of(ValType.I32)), (i, args) -> {
            threads.add(Thread.currentThread().getName());
            before.run();
            return new long[] {spin.test(calls.incrementAndGet()) ? 1 : 0};
        });
    }

    private ComponentSpec<byte[], byte[]> spinner(HostFunction enter) {
        WasmModule module = Wat.module("start-spins").grant(enter).timeBudget(Duration.ofMillis(300)).build();
        return WasmComponent.named("spinner", module)
                .scheduler(own)
                .restart(RestartStrategy.delayed(Duration.ofMillis(10)))
                .limit(RestartLimit.unlimited())
                .build();
    }

    private List<SupervisionEvent.Crashed> crashesInStart() {
        return events.stream().filter(SupervisionEvent.Crashed.class::isInstance).map(SupervisionEvent.Crashed.class::cast)
                .filter(c -> c.cause() instanceof WasmTrapException
                        && ((WasmTrapException) c.cause()).exportName().equals("start"))
                .toList();
    }

    @Test
    void startReturnsWhileTheFirstInstantiationRunsOnTheComponentsSchedulerUnderTheBudget() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> waits = new CopyOnWriteArrayList<>();
        // The first instantiation waits for the test thread, which releases it only once start()
        // has returned: had start() run it, the wait would end by the budget's interrupt instead.
        ComponentSpec<byte[], byte[]> spec = spinner(enter(call -> true, () -> {
            try {
                waits.add(release.await(5, TimeUnit.SECONDS) ? "released" : "timed out");
            } catch (InterruptedException e) {
                waits.add("interrupted");
                Thread.currentThread().interrupt();
            }
        }));
        String caller = Thread.currentThread().getName();

        Supervisor root = assertTimeoutPreemptively(BOUND, () -> Supervisor.named("root").child(spec).start());
        release.countDown();
        root.events().subscribe(events::add);

        assertTimeoutPreemptively(BOUND, () -> root.started().onErrorResume(e -> {
            assertThat(e).isInstanceOf(ChildStartException.class);
            return reactor.core.publisher.Mono.empty();
        }).block());
        assertThat(waits).containsExactly("released");
        assertThat(threads).hasSize(1).doesNotContain(caller).allSatisfy(t -> assertThat(t).startsWith("wasm-own-"));
        root.shutdown(Duration.ofSeconds(1)).block(BOUND);
    }

    @Test
    void aRestartsInstantiationRunsOnTheComponentsSchedulerNotOnTheTimerAndIsStoppedByTheBudget()
            throws Exception {
        CountDownLatch threeInstantiations = new CountDownLatch(3);
        ComponentSpec<byte[], byte[]> spec = spinner(enter(call -> call > 1, threeInstantiations::countDown));
        Supervisor root = Supervisor.named("root").child(spec).start();
        root.events().subscribe(events::add);
        assertTimeoutPreemptively(BOUND, () -> root.started().block());
        ComponentRef<byte[], byte[]> ref = root.ref(spec);

        ref.tell(new byte[1]); // traps: the restarts that follow spin in their start function
        assertThat(threeInstantiations.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        root.shutdown(Duration.ofSeconds(1)).block(BOUND);

        assertThat(threads).hasSizeGreaterThanOrEqualTo(3).allSatisfy(t -> assertThat(t).startsWith("wasm-own-"));
        assertThat(crashesInStart()).isNotEmpty().allSatisfy(c -> assertThat(((WasmTrapException) c.cause()).kind())
                .isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED));
    }
}
