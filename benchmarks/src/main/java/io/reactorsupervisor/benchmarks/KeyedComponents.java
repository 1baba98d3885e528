package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import reactor.core.publisher.Flux;

/**
 * Keyed components on demand: {@value #KEYS} distinct keys, each sent one message, through a set
 * that holds at most {@value #CAP} active at once: every key is started by its message, handled,
 * and (all but the last {@value #CAP}) passivated to make room. One shot per iteration: the score
 * is the time from the first message sent to the last one handled. Secondary results:
 * {@code retainedMiB}, the heap still in use after full collections once all are handled (the
 * {@value #CAP} components left active, and whatever the passivated keys left behind), and
 * {@code mostAlive}, the most consumers alive at once as the sender saw them.
 *
 * <p>The peer is Pekko's nearest single-node equivalent (Cluster Sharding is the real one, but needs a
 * cluster): a parent actor that spawns a child per key, named by the key, on the key's first message,
 * and when it holds {@value #CAP} children stops the least recently used one (an access-ordered map),
 * as sharding's least-recently-used passivation strategy does. Pekko's stop is asynchronous: a child
 * being stopped is no longer counted by the parent, so more than {@value #CAP} may be alive for a
 * moment, where the library starts a key only once the one passivated for it has stopped.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class KeyedComponents {

    static final int KEYS = 1_000_000;
    static final int CAP = 10_000;
    /** Asks in flight at once in {@link #supervisorAsk}. */
    static final int IN_FLIGHT = 512;
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** The message that stops the Pekko parent (keys are 0 and up). */
    static final int STOP = -1;

    /**
     * The library, fire and forget: the benchmark thread {@code tell}s each key's ref one message,
     * then waits until all are handled. Keys waiting for a place hold their message meanwhile.
     */
    @Benchmark
    public void supervisorTell(LibrarySet state) {
        for (int i = 0; i < KEYS; i++) {
            if (!state.entities.ref(i).tell(Tick.INSTANCE)) {
                throw new IllegalStateException("key " + i + " refused its message");
            }
        }
        state.awaitAllHandled();
    }

    /**
     * The library, with back pressure: {@value #IN_FLIGHT} {@code ask}s in flight at once
     * ({@code Flux.range(..).flatMap(ask, 512)}), as a WebFlux service calling it would.
     */
    @Benchmark
    public void supervisorAsk(LibrarySet state) {
        Flux.range(0, KEYS).flatMap(i -> state.entities.ref(i).ask(Tick.INSTANCE), IN_FLIGHT)
                .then().block(Duration.ofNanos(TIMEOUT_NANOS));
        state.awaitAllHandled();
    }

    /** The peer: the benchmark thread tells the parent actor {@value #KEYS} keyed messages, then waits. */
    @Benchmark
    public void pekko(PekkoParent state) {
        for (int i = 0; i < KEYS; i++) {
            state.parent.tell(i);
        }
        state.awaitAllHandled();
    }

    /**
     * What both sides share: the count of handled messages, the heap baseline, the sampler. The
     * secondary results are public fields of the subclasses (JMH reads an aux counter class's own
     * fields only).
     */
    public abstract static class Shared {
        /** This iteration's share of the mean retained heap, in MiB, and of the most alive. */
        double retainedShare;
        double mostShare;

        final AtomicLong handled = new AtomicLong();
        long baseline;
        private volatile boolean sampling;
        private Thread sampler;
        long most;

        abstract long alive();

        void begin() {
            handled.set(0);
            most = 0;
            baseline = Heap.usedAfterGc();
            sampling = true;
            sampler = new Thread(() -> {
                while (sampling) {
                    most = Math.max(most, alive());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "alive-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        void awaitAllHandled() {
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (handled.get() < KEYS) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("only " + handled.get() + " of " + KEYS + " handled in 5 min");
                }
                LockSupport.parkNanos(50_000);
            }
        }

        /** Reports this iteration's share of the mean (JMH sums EVENTS counters over the iterations). */
        void end(BenchmarkParams params) throws InterruptedException {
            sampling = false;
            sampler.join();
            int n = params.getMeasurement().getCount();
            retainedShare = (Heap.usedAfterGc() - baseline) / (1024.0 * 1024.0) / n;
            mostShare = (double) most / n;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class LibrarySet extends Shared {
        /** Heap in use after full collections once all keys are handled, above the baseline, in MiB. */
        public double retainedMiB;
        /** The most components alive (active or passivating) at once, as sampled every millisecond. */
        public double mostAlive;

        Supervisor root;
        Entities<Integer, Tick, Void> entities;
        private EntitiesSpec<Integer, Tick, Void> spec;

        @Override
        long alive() {
            var s = entities.snapshot();
            return (long) s.active() + s.passivating();
        }

        /** A fresh tree and set for each iteration, started before the baseline is taken. */
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
            spec = EntitiesSpec.named("keys", Integer.class, template)
                    .maxActive(CAP)
                    .intensity(RestartLimit.unlimited())
                    .build();
            root = Supervisor.named("keyed").intensity(RestartLimit.unlimited()).entities(spec).start();
            entities = root.entities(spec);
            begin();
        }

        @TearDown(Level.Iteration)
        public void measureAndShutdown(BenchmarkParams params) throws InterruptedException {
            end(params);
            retainedMiB = retainedShare;
            mostAlive = mostShare;
            Components.shutdown(root);
            root = null;
            entities = null;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PekkoParent extends Shared {
        /** Heap in use after full collections once all keys are handled, above the baseline, in MiB. */
        public double retainedMiB;
        /** The most children alive (spawned, not yet past PostStop) at once, as sampled every millisecond. */
        public double mostAlive;

        ActorSystem<SpawnProtocol.Command> system;
        ActorRef<Integer> parent;
        final AtomicLong children = new AtomicLong();
        final AtomicLong stopped = new AtomicLong();
        private int generation;

        @Override
        long alive() {
            return children.get() - stopped.get();
        }

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("keyed");
        }

        /** A fresh parent for each iteration, spawned before the baseline is taken. */
        @Setup(Level.Iteration)
        public void prepare() {
            Behavior<Tick> child = Behaviors.setup(context -> {
                Components.Counted counted = new Components.Counted();
                return Behaviors.receive(Tick.class)
                        .onMessage(Tick.class, tick -> {
                            counted.handled++;
                            handled.incrementAndGet();
                            return Behaviors.same();
                        })
                        .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> {
                            stopped.incrementAndGet();
                            return Behaviors.same();
                        })
                        .build();
            });
            Behavior<Integer> parentBehavior = Behaviors.setup(context -> {
                Map<Integer, ActorRef<Tick>> active = lru(context);
                return Behaviors.receive(Integer.class).onMessage(Integer.class, key -> {
                    if (key == STOP) {
                        return Behaviors.stopped();
                    }
                    ActorRef<Tick> ref = active.get(key);
                    if (ref == null) {
                        ref = context.spawn(child, key.toString());
                        children.incrementAndGet();
                        active.put(key, ref);
                    }
                    ref.tell(Tick.INSTANCE);
                    return Behaviors.same();
                }).build();
            });
            parent = Pekko.spawn(system, parentBehavior, "parent-" + generation++);
            begin();
        }

        /** The parent's children by key, least recently used first; past the cap, the eldest is stopped. */
        private static Map<Integer, ActorRef<Tick>> lru(ActorContext<Integer> context) {
            return new LinkedHashMap<>(CAP * 2, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, ActorRef<Tick>> eldest) {
                    if (size() > CAP) {
                        context.stop(eldest.getValue());
                        return true;
                    }
                    return false;
                }
            };
        }

        @TearDown(Level.Iteration)
        public void measureAndStop(BenchmarkParams params) throws InterruptedException {
            end(params);
            retainedMiB = retainedShare;
            mostAlive = mostShare;
            parent.tell(STOP); // the parent stops, and with it its children
            parent = null;
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (stopped.get() < children.get()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("children still alive after 5 min");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }
}
