package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.Supervisor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Memory per active, idle keyed component, to compare with {@code IdleMemory.supervisor} (a
 * component started with {@code startChild}, each with its own spec): {@value #COUNT} keys of an
 * unbounded set, each sent one message and then idle, the heap's growth after full collections
 * divided by {@value #COUNT} ({@code bytesPerInstance}, as {@code IdleMemory} reports it). Then
 * every key is passivated ({@code Entities.passivate}), and {@code bytesPerPassivatedKey} is what
 * the heap keeps per key once all of them are passivated: nothing, if passivation releases it.
 *
 * <p>A component that has handled a message keeps a worker of its scheduler (as a
 * {@code publishOn} does) until it ends, and an active key always has; {@link #component} is the
 * same reference in that condition: {@value #COUNT} components started with {@code startChild},
 * each from its own spec (counted, as in {@code IdleMemory.supervisor}), each told one message.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class KeyedIdleMemory {

    static final int COUNT = 100_000;

    /** {@value #COUNT} keys, each started by one message; returns once all have been handled. */
    @Benchmark
    public void supervisor(IdleKeys state) {
        for (int i = 0; i < COUNT; i++) {
            state.entities.ref(i).tell(Tick.INSTANCE);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (state.handled.get() < COUNT) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + state.handled.get() + " handled");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** The reference: {@value #COUNT} components started with {@code startChild}, each told one message. */
    @Benchmark
    public void component(IdleComponents state) {
        for (int i = 0; i < COUNT; i++) {
            ComponentSpec<Tick, Void> spec = ComponentSpec.<Tick, Void, Components.Counted>named("c-" + i)
                    .state(Components.Counted::new)
                    .syncHandler((counted, tick) -> {
                        counted.handled++;
                        state.counter.incrementConcurrently(); // components handle on several threads
                        return null;
                    })
                    .mailbox(Mailbox.unbounded())
                    .build();
            state.root.startChild(spec);
            state.root.ref(spec).tell(Tick.INSTANCE);
        }
        state.counter.awaitAtLeast(COUNT);
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IdleComponents {
        /** Heap retained per component that has handled one message, in bytes (reported by JMH). */
        public double bytesPerInstance;

        HandledCounter counter;
        Supervisor root;
        long baseline;

        @Setup(Level.Iteration)
        public void prepare() {
            counter = new HandledCounter();
            root = Components.start("component-memory");
            baseline = Heap.usedAfterGc();
        }

        @TearDown(Level.Iteration)
        public void measureAndShutdown(BenchmarkParams params) {
            bytesPerInstance = (double) (Heap.usedAfterGc() - baseline) / COUNT / params.getMeasurement().getCount();
            Components.shutdown(root);
            root = null;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IdleKeys {
        /** Heap retained per active idle keyed component, in bytes (reported by JMH). */
        public double bytesPerInstance;
        /** Heap retained per key once every key is passivated, in bytes (reported by JMH). */
        public double bytesPerPassivatedKey;

        final AtomicLong handled = new AtomicLong();
        Supervisor root;
        Entities<Integer, Tick, Void> entities;
        long baseline;

        /** A fresh tree and set for each iteration, started (and its set used once) before the baseline. */
        @Setup(Level.Iteration)
        public void prepare() {
            ComponentSpec<Tick, Void> template = ComponentSpec.<Tick, Void, Components.Counted>named("key")
                    .state(Components.Counted::new)
                    .syncHandler((counted, tick) -> {
                        counted.handled++;
                        handled.incrementAndGet();
                        return null;
                    })
                    .mailbox(Mailbox.unbounded())
                    .build();
            EntitiesSpec<Integer, Tick, Void> spec = EntitiesSpec.named("keys", Integer.class, template)
                    .intensity(RestartLimit.unlimited())
                    .build();
            root = Supervisor.named("keyed-memory").intensity(RestartLimit.unlimited()).entities(spec).start();
            entities = root.entities(spec);
            handled.set(0);
            baseline = Heap.usedAfterGc();
        }

        @TearDown(Level.Iteration)
        public void measureAndShutdown(BenchmarkParams params) {
            int n = params.getMeasurement().getCount();
            bytesPerInstance = (double) (Heap.usedAfterGc() - baseline) / COUNT / n;
            for (int i = 0; i < COUNT; i++) {
                entities.passivate(i).block();
            }
            bytesPerPassivatedKey = (double) (Heap.usedAfterGc() - baseline) / COUNT / n;
            Components.shutdown(root);
            root = null;
            entities = null;
        }
    }
}
