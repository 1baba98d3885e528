package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Tell throughput, N producers to N consumers (N = {@value #PRODUCERS}): total messages
 * <em>handled</em> per second, summed over the producers.
 *
 * <p>Each JMH thread is one producer with its own consumer (its own sink or actor and its own
 * {@link HandledCounter}); it works exactly as {@link TellThroughput} does. The runtime is
 * shared: one actor system, or one {@code publishOn} scheduler with N workers. With two cores,
 * the N producers and the consumers' threads compete for the cores, which is the point.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TellThroughput.BATCH)
@Threads(TellThroughputParallel.PRODUCERS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class TellThroughputParallel {

    /** Producers, and as many consumers: one pair per core of the reference machine. */
    static final int PRODUCERS = 2;

    /** The floor: each producer emits into its own unicast sink, handled on its own thread. */
    @Benchmark
    public void rawReactor(SameThreadSink state) {
        TellThroughput.sendBatch(state.mailbox, state.handled);
    }

    /** The floor with a thread hop: each sink is drained by {@code publishOn} on its own worker. */
    @Benchmark
    public void rawReactorPublishOn(PublishOnSink state) {
        TellThroughput.sendBatch(state.mailbox, state.handled);
    }

    /** The peer: each producer tells its own Pekko typed actor; all share one actor system. */
    @Benchmark
    public void pekko(PekkoActor state) {
        long target = state.handled.get() + TellThroughput.BATCH;
        ActorRef<Tick> actor = state.actor;
        for (int i = 0; i < TellThroughput.BATCH; i++) {
            actor.tell(Tick.INSTANCE);
        }
        state.handled.awaitAtLeast(target);
    }

    /**
     * The library: N components under one {@code Supervisor}, each producer telling its own
     * {@code ComponentRef}; the components drain on the default {@code Schedulers.parallel()}
     * (as many workers as cores).
     */
    @Benchmark
    public void supervisor(SupervisedComponent state) {
        Components.sendBatch(state.ref, state.handled);
    }

    /** The supervisor all producers share, with one counting component per producer. */
    @State(Scope.Benchmark)
    public static class SupervisorTree {
        final HandledCounter[] handled = new HandledCounter[PRODUCERS];
        final AtomicInteger nextProducer = new AtomicInteger();
        Supervisor root;
        List<ComponentRef<Tick, Void>> refs;

        @Setup(Level.Trial)
        public void start() {
            List<ComponentSpec<Tick, Void>> specs = new ArrayList<>();
            for (int i = 0; i < PRODUCERS; i++) {
                handled[i] = new HandledCounter();
                specs.add(Components.counting("counter-" + i, handled[i]));
            }
            root = Components.start("tell-throughput-parallel", specs.toArray(new ComponentSpec<?, ?>[0]));
            refs = new ArrayList<>();
            for (ComponentSpec<Tick, Void> spec : specs) {
                refs.add(root.ref(spec));
            }
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            Components.shutdown(root);
        }
    }

    /** One producer's component and counter. */
    @State(Scope.Thread)
    public static class SupervisedComponent {
        HandledCounter handled;
        ComponentRef<Tick, Void> ref;

        @Setup(Level.Trial)
        public void pick(SupervisorTree tree) {
            int i = tree.nextProducer.getAndIncrement();
            handled = tree.handled[i];
            ref = tree.refs.get(i);
        }
    }

    /** One producer's sink, with a subscriber running on the producer's thread. */
    @State(Scope.Thread)
    public static class SameThreadSink {
        final HandledCounter handled = new HandledCounter();
        Sinks.Many<Tick> mailbox;

        @Setup(Level.Trial)
        public void subscribe() {
            mailbox = Sinks.many().unicast().onBackpressureBuffer();
            mailbox.asFlux().subscribe(tick -> handled.increment());
        }

        @TearDown(Level.Trial)
        public void complete() {
            mailbox.tryEmitComplete();
        }
    }

    /** The scheduler the {@code publishOn} consumers share: one worker thread per producer. */
    @State(Scope.Benchmark)
    public static class ConsumerThreads {
        Scheduler scheduler;

        @Setup(Level.Trial)
        public void start() {
            scheduler = Schedulers.newParallel("consumer", PRODUCERS);
        }

        @TearDown(Level.Trial)
        public void stop() {
            scheduler.dispose();
        }
    }

    /**
     * One producer's sink, drained by {@code publishOn}. A parallel scheduler hands its workers
     * out round-robin, so the N subscriptions land on N different threads.
     */
    @State(Scope.Thread)
    public static class PublishOnSink {
        final HandledCounter handled = new HandledCounter();
        Sinks.Many<Tick> mailbox;

        @Setup(Level.Trial)
        public void subscribe(ConsumerThreads threads) {
            mailbox = Sinks.many().unicast().onBackpressureBuffer();
            mailbox.asFlux().publishOn(threads.scheduler).subscribe(tick -> handled.increment());
        }

        @TearDown(Level.Trial)
        public void complete() {
            mailbox.tryEmitComplete();
        }
    }

    /** The actor system all producers share, one per trial. */
    @State(Scope.Benchmark)
    public static class PekkoSystem {
        ActorSystem<SpawnProtocol.Command> system;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("tell-throughput-parallel");
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }

    /** One producer's actor, counting what it handles. */
    @State(Scope.Thread)
    public static class PekkoActor {
        final HandledCounter handled = new HandledCounter();
        ActorRef<Tick> actor;

        @Setup(Level.Trial)
        public void spawn(PekkoSystem pekko) {
            actor = Pekko.spawn(pekko.system, TellThroughput.counting(handled), "counter");
        }
    }
}
