package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;

/**
 * 100,000 restarts on real threads: two components that crash on every message (a JVM one with
 * a health check and a processing timeout, so that each incarnation and each message starts
 * timers, and a WebAssembly one whose guest traps, so that each incarnation is a fresh
 * instance), restarted at once without limit. Afterwards the heap after GC and the live
 * threads are where they were, and the states of past incarnations have been collected: no
 * subscription, timer, instance or thread outlives its incarnation.
 */
class SoakTest {

    /** Restarts in all, after the warm-up; the JVM component takes four in five. */
    static final int RESTARTS = 100_000;
    static final int WARM_UP = 5_000;
    /** Heap growth allowed between the two measurements: a leak of 40 bytes per restart would show. */
    static final long HEAP_MARGIN = 4L << 20;
    static final int THREAD_MARGIN = 2;
    /** One state in this many is watched through a weak reference. */
    static final int SAMPLE = 1_000;

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** A fresh JVM state per incarnation. */
    static final class State {
        final long id;

        State(long id) {
            this.id = id;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHundredThousandRestartsLeakNoMemoryThreadsOrStates() throws Exception {
        List<WeakReference<Object>> watched = new CopyOnWriteArrayList<>();
        AtomicLong created = new AtomicLong();
        ComponentSpec<Long, Void> jvm = ComponentSpec.<Long, Void, State>named("jvm")
                .state(() -> watch(new State(created.incrementAndGet()), created.get(), watched))
                .syncHandler((s, m) -> {
                    throw new IllegalStateException("crash " + m);
                })
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .healthCheck(HealthCheck.every(Duration.ofMinutes(1)))
                .processingTimeout(Duration.ofMinutes(1))
                .build();
        AtomicLong instances = new AtomicLong();
        ComponentSpec<String, String> wasm = Guests.component("wasm")
                .state(() -> watch(Guests.module().newInstance(), instances.incrementAndGet(), watched))
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(jvm).child(wasm).start();
        ComponentRef<Long, Void> jvmRef = root.ref(jvm);
        ComponentRef<String, String> wasmRef = root.ref(wasm);
        AtomicLong restarts = new AtomicLong();
        CountDownLatch[] reached = {new CountDownLatch(WARM_UP)};
        Disposable counting = root.events().ofType(SupervisionEvent.Restarted.class).subscribe(e -> {
            restarts.incrementAndGet();
            reached[0].countDown();
        });
        try {
            crash(jvmRef, wasmRef, WARM_UP);
            assertThat(reached[0].await(60, TimeUnit.SECONDS)).as("warm-up restarts").isTrue();
            long heapBefore = settledHeap();
            Set<String> threadsBefore = threadNames();

            long start = System.nanoTime();
            reached[0] = new CountDownLatch(RESTARTS);
            crash(jvmRef, wasmRef, RESTARTS);
            assertThat(reached[0].await(90, TimeUnit.SECONDS)).as("%d restarts", RESTARTS).isTrue();
            long elapsed = System.nanoTime() - start;

            long heapAfter = settledHeap();
            Set<String> threadsAfter = threadNames();
            System.out.printf("soak: %,d restarts in %d ms (%,d per second); heap after GC %,d -> %,d bytes;"
                    + " threads %d -> %d%n", RESTARTS, elapsed / 1_000_000, RESTARTS * 1_000_000_000L / elapsed,
                    heapBefore, heapAfter, threadsBefore.size(), threadsAfter.size());

            assertThat(heapAfter - heapBefore).as("heap growth after %d restarts", RESTARTS)
                    .isLessThan(HEAP_MARGIN);
            assertThat(threadsAfter.size()).as("threads before %s, after %s", threadsBefore, threadsAfter)
                    .isLessThanOrEqualTo(threadsBefore.size() + THREAD_MARGIN);
            // only the states of the two live incarnations may still be reachable
            assertThat(watched.stream().filter(r -> r.get() != null).count()).isLessThanOrEqualTo(2);
            assertThat(watched).hasSizeGreaterThanOrEqualTo((WARM_UP + RESTARTS) / SAMPLE - 2);
            ComponentSnapshot j = (ComponentSnapshot) root.snapshot().child("jvm");
            ComponentSnapshot w = (ComponentSnapshot) root.snapshot().child("wasm");
            assertThat(j.restarts() + w.restarts()).isEqualTo(WARM_UP + RESTARTS);
            assertThat(j.deadLetters() + w.deadLetters()).isEqualTo(WARM_UP + RESTARTS);
            assertThat(j.handled() + w.handled()).isZero();
        } finally {
            counting.dispose();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    /** Sends {@code total} messages that crash: four in five to the JVM component, the rest to the guest. */
    private static void crash(ComponentRef<Long, Void> jvm, ComponentRef<String, String> wasm, int total) {
        for (int i = 0; i < total; i++) {
            if (i % 5 == 4) {
                assertThat(wasm.tell(Guests.TRAP + "soak")).isTrue();
            } else {
                assertThat(jvm.tell((long) i)).isTrue();
            }
        }
    }

    private static <T> T watch(T state, long n, List<WeakReference<Object>> watched) {
        if (n % SAMPLE == 0) {
            watched.add(new WeakReference<>(state));
        }
        return state;
    }

    /** Heap used after full collections, once two in a row agree within 256 KiB (at most eight). */
    static long settledHeap() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - previous) < (256 << 10)) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
