package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.Supervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SpawnProtocol;
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
import reactor.core.publisher.Sinks;

/**
 * Memory per idle consumer: start {@value #COUNT} consumers that then sit idle, and divide the
 * growth of the heap in use after full collections by their number. The memory figure is the
 * secondary result {@code bytesPerInstance}; the primary result (one shot per iteration) is the
 * time it took to start the {@value #COUNT} of them.
 *
 * <p>An iteration: its setup collects garbage and reads the heap (the baseline); the timed
 * method starts the consumers and returns once all of them have started; its teardown collects
 * garbage, reads the heap again, records (after - baseline) / {@value #COUNT}, and then stops
 * every consumer and waits until they are gone. The collections are outside the timed part.
 *
 * <p>The state classes are the JMH aux counters themselves (JMH reads {@code bytesPerInstance}
 * after the iteration's teardown), hence {@code Scope.Thread}; the benchmark runs on one thread.
 * JMH <em>sums</em> an EVENTS counter over the measurement iterations, so each iteration reports
 * its figure divided by the number of measurement iterations: the score JMH prints is then the
 * mean bytes per instance, and the per-iteration lines are that share, not the figure.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class IdleMemory {

    /** Idle consumers per iteration. */
    static final int COUNT = 100_000;

    /**
     * The floor: per instance a {@code Sinks.many().unicast()} sink (default unbounded queue)
     * and a subscriber to it. The sinks are kept in a list presized before the baseline, so the
     * list's array is not counted.
     */
    @Benchmark
    public void rawReactor(IdleSinks state) {
        for (int i = 0; i < COUNT; i++) {
            Sinks.Many<Tick> mailbox = Sinks.many().unicast().onBackpressureBuffer();
            mailbox.asFlux().subscribe(state.consumer);
            state.sinks.add(mailbox);
        }
    }

    /**
     * The peer, at its leanest: per instance a Pekko typed actor, spawned as a child of one
     * parent actor and started (its setup has run), whose behavior is one immutable object
     * shared by all of them. This is the least an idle actor costs (actor cell, mailbox, ref,
     * path, typed adapter, the parent's entry for it).
     */
    @Benchmark
    public void pekko(IdleActors state) {
        state.spawnAndAwaitStarted(state.shared);
    }

    /**
     * The peer as actors are usually written: each actor's setup creates its own state object
     * (one {@code long}) and a receive behavior whose handler closes over it. Compare a component
     * that holds a state object with this one.
     */
    @Benchmark
    public void pekkoWithState(IdleActors state) {
        state.spawnAndAwaitStarted(state.withState);
    }

    /**
     * Bytes per instance for one iteration, divided by the number of measurement iterations so
     * that JMH's sum over them is the mean (see the class comment).
     */
    static double shareOfMean(long retainedBytes, BenchmarkParams params) {
        return (double) retainedBytes / COUNT / params.getMeasurement().getCount();
    }

    /**
     * The library: {@value #COUNT} components started with {@code startChild} under one running
     * {@code Supervisor}, each from its own spec (a component's name is unique among its
     * siblings, so every component needs a spec of its own: it is counted) and with its own
     * state object (one {@code long}, as {@link #pekkoWithState}).
     */
    @Benchmark
    public void supervisor(IdleComponents state) {
        for (int i = 0; i < COUNT; i++) {
            state.root.startChild(Components.counting("idle-" + i, state.handled));
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IdleSinks {
        /** Heap retained per idle sink + subscription, in bytes (reported by JMH). */
        public double bytesPerInstance;

        final Consumer<Tick> consumer = tick -> { };
        List<Sinks.Many<Tick>> sinks = new ArrayList<>(0);
        long baseline;

        @Setup(Level.Iteration)
        public void prepare() {
            sinks = new ArrayList<>(COUNT);
            baseline = Heap.usedAfterGc();
        }

        @TearDown(Level.Iteration)
        public void measureAndComplete(BenchmarkParams params) {
            bytesPerInstance = shareOfMean(Heap.usedAfterGc() - baseline, params);
            for (Sinks.Many<Tick> sink : sinks) {
                sink.tryEmitComplete();
            }
            sinks = new ArrayList<>(0);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IdleComponents {
        /** Heap retained per idle component, in bytes (reported by JMH). */
        public double bytesPerInstance;

        final HandledCounter handled = new HandledCounter();
        Supervisor root;
        long baseline;

        /** A fresh supervisor for each iteration, started before the baseline is taken. */
        @Setup(Level.Iteration)
        public void prepare() {
            root = Components.start("idle-memory");
            baseline = Heap.usedAfterGc();
        }

        /** Measures, then shuts the supervisor (hence its components) down and waits until it has stopped. */
        @TearDown(Level.Iteration)
        public void measureAndShutdown(BenchmarkParams params) {
            bytesPerInstance = shareOfMean(Heap.usedAfterGc() - baseline, params);
            Components.shutdown(root);
            root = null;
        }
    }

    /** The per-actor state of {@link #pekkoWithState}. */
    static final class Counted {
        long ticks;
    }

    /** Messages of the parent actor. */
    sealed interface ParentCommand permits SpawnIdle, StopAll {
    }

    record SpawnIdle(int count, Behavior<Tick> child) implements ParentCommand {
    }

    enum StopAll implements ParentCommand {
        INSTANCE
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IdleActors {
        /** Heap retained per idle actor, in bytes (reported by JMH). */
        public double bytesPerInstance;

        /* Children start and stop on several dispatcher threads at once: counted atomically. */
        final HandledCounter started = new HandledCounter();
        final HandledCounter stopped = new HandledCounter();
        long startedBefore;
        long baseline;
        ActorSystem<SpawnProtocol.Command> system;
        Behavior<ParentCommand> parentBehavior;
        ActorRef<ParentCommand> parent;

        /** Every child's behavior sharing one receive behavior. */
        Behavior<Tick> shared;
        /** Every child with its own state object and receive behavior. */
        Behavior<Tick> withState;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("idle-memory");
            Behavior<Tick> idle = Behaviors.receive(Tick.class)
                    .onSignal(PostStop.class, this::childStopped)
                    .build();
            shared = Behaviors.setup(context -> {
                started.incrementConcurrently();
                return idle;
            });
            withState = Behaviors.setup(context -> {
                started.incrementConcurrently();
                Counted counted = new Counted();
                return Behaviors.receive(Tick.class)
                        .onMessage(Tick.class, tick -> {
                            counted.ticks++;
                            return Behaviors.same();
                        })
                        .onSignal(PostStop.class, this::childStopped)
                        .build();
            });
            parentBehavior = Behaviors.setup(context -> Behaviors.receive(ParentCommand.class)
                    .onMessage(SpawnIdle.class, spawn -> {
                        for (int i = 0; i < spawn.count(); i++) {
                            context.spawnAnonymous(spawn.child());
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(StopAll.INSTANCE, Behaviors::stopped)
                    .build());
        }

        private Behavior<Tick> childStopped(PostStop signal) {
            stopped.incrementConcurrently();
            return Behaviors.same();
        }

        void spawnAndAwaitStarted(Behavior<Tick> child) {
            parent.tell(new SpawnIdle(COUNT, child));
            started.awaitAtLeast(startedBefore + COUNT);
        }

        /** A fresh parent for each iteration, spawned before the baseline is taken. */
        @Setup(Level.Iteration)
        public void prepare() {
            parent = Pekko.spawn(system, parentBehavior, "parent");
            startedBefore = started.get();
            baseline = Heap.usedAfterGc();
        }

        /** Measures, then stops the parent (hence its children) and waits until all have stopped. */
        @TearDown(Level.Iteration)
        public void measureAndStopAll(BenchmarkParams params) {
            bytesPerInstance = shareOfMean(Heap.usedAfterGc() - baseline, params);
            parent.tell(StopAll.INSTANCE);
            stopped.awaitAtLeast(started.get());
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }
}
