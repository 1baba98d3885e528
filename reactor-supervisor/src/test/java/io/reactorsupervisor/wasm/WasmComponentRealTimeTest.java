package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * WebAssembly components on Reactor's real schedulers, where wall-clock time matters: a runaway
 * guest is stopped by its time budget, and concurrent senders never make a guest run two
 * messages at once. Every wait is bounded.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WasmComponentRealTimeTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private static WasmModule counter;
    private Supervisor root;

    @BeforeAll
    static void buildModule() {
        counter = Wat.module("counter").timeBudget(Duration.ofMillis(50)).build();
    }

    @BeforeEach
    void realTime() {
        VirtualTimeScheduler.reset(); // in case a test before this one left virtual time set
    }

    @AfterEach
    void shutDown() {
        if (root != null) {
            root.shutdown(BOUND).block(BOUND.multipliedBy(2));
        }
    }

    private ComponentSpec<String, String> counter(String name) {
        return WasmComponent.named(name, counter, WasmCodec.utf8(), WasmCodec.utf8()).build();
    }

    @Test
    void anInfiniteLoopIsStoppedWithinItsBudgetAndTheComponentRestartsAndAnswers() {
        ComponentSpec<String, String> spec = counter("c");
        root = Supervisor.named("root").child(spec).start();
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("count")).expectNext("1").expectComplete().verify(BOUND);

        long started = System.nanoTime();
        StepVerifier.create(ref.ask("loop"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOfSatisfying(WasmTrapException.class,
                                trap -> assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED))
                        .hasMessage("wasm trap in 'handle': time budget of 50ms exceeded")
                        .hasCauseInstanceOf(ChicoryInterruptedException.class))
                .verify(BOUND);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(50));

        StepVerifier.create(ref.ask("count")).expectNext("1").expectComplete().verify(BOUND);
        // the event stream replays recent events to a late subscriber
        SupervisionEvent.Crashed crashed = root.events().ofType(SupervisionEvent.Crashed.class).next().block(BOUND);
        assertThat(crashed).isNotNull();
        assertThat(crashed.message()).isEqualTo("loop");
        assertThat(crashed.cause()).isInstanceOfSatisfying(WasmTrapException.class,
                trap -> assertThat(trap.kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED));
    }

    /**
     * A processing timeout shorter than the guest's budget kills the incarnation; the kill
     * interrupts the thread that runs the guest, which stops it, so the abandoned thread goes back
     * to its pool instead of spinning until the budget runs out.
     */
    @Test
    void aProcessingTimeoutShorterThanTheBudgetStopsTheGuestToo() {
        WasmModule patient = Wat.module("counter").timeBudget(Duration.ofSeconds(20)).build();
        List<WasmInstance> instances = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = WasmComponent.named("c", patient, WasmCodec.utf8(), WasmCodec.utf8())
                .state(() -> {
                    WasmInstance instance = patient.newInstance();
                    instances.add(instance);
                    return instance;
                })
                .processingTimeout(Duration.ofMillis(100))
                .build();
        root = Supervisor.named("root").child(spec).start();
        ComponentRef<String, String> ref = root.ref(spec);

        StepVerifier.create(ref.ask("loop"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .hasCauseInstanceOf(TimeoutException.class))
                .verify(BOUND);
        StepVerifier.create(ref.ask("count")).expectNext("1").expectComplete().verify(BOUND);

        // the looping guest was stopped by the interrupt, long before its 20 s budget
        Flux.interval(Duration.ofMillis(1)).filter(i -> instances.get(0).isPoisoned()).next().block(BOUND);
        assertThat(instances.get(0).isPoisoned()).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> instances.get(0).handle(new byte[] {'c'}))
                .withMessage("WasmInstance failed earlier and must be discarded: wasm trap in 'handle': Thread interrupted")
                .havingCause().isInstanceOfSatisfying(WasmTrapException.class,
                        trap -> assertThat(trap.kind()).isEqualTo(TrapKind.OTHER));
        assertThat(instances).hasSize(2);
    }

    /**
     * The guest's counter lives in linear memory: if two calls ever overlapped, the instance
     * would refuse one (a crash, and a counter starting over) or two calls would read the same
     * value. Distinct replies 1..N with no restart mean one message at a time.
     */
    @Test
    void concurrentSendersNeverMakeTheGuestRunTwoMessagesAtOnce() throws Exception {
        int senders = 4;
        int perSender = 500;
        // A generous budget: on a loaded machine a call descheduled past 50 ms would be a trap
        // (a call that returns after its budget is one), and this test is about overlap.
        WasmModule patient = Wat.module("counter").timeBudget(Duration.ofSeconds(20)).build();
        ComponentSpec<String, String> spec =
                WasmComponent.named("c", patient, WasmCodec.utf8(), WasmCodec.utf8()).build();
        root = Supervisor.named("root").child(spec).start();
        ComponentRef<String, String> ref = root.ref(spec);

        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<CompletableFuture<String>> replies = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<CompletableFuture<String>>>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                sent.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<String>> mine = new ArrayList<>();
                    for (int i = 0; i < perSender; i++) {
                        mine.add(ref.ask("count").toFuture());
                    }
                    return mine;
                }));
            }
            go.countDown();
            for (Future<List<CompletableFuture<String>>> f : sent) {
                replies.addAll(f.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
        }
        CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        List<Integer> values = replies.stream().map(CompletableFuture::join).map(Integer::valueOf).sorted()
                .collect(Collectors.toList());
        assertThat(values).isEqualTo(IntStream.rangeClosed(1, senders * perSender).boxed().collect(Collectors.toList()));
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).restarts()).isZero();
    }
}
