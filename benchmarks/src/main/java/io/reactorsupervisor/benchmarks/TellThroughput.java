package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Tell throughput, one producer to one consumer: messages <em>handled</em> per second.
 *
 * <p>Each invocation sends a batch of {@link #BATCH} messages from the benchmark thread and then
 * waits until the consumer has counted all of them as handled ({@link HandledCounter}); the
 * score is batch size / time, so a message only counts once it has been handled. The handler's
 * work is the same in every variant: count the message.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TellThroughput.BATCH)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class TellThroughput {

    /** Messages per invocation: large enough that the wait for the last one is amortized. */
    static final int BATCH = 100_000;

    /** The floor: a bare unicast sink whose subscriber runs on the producer's thread. */
    @Benchmark
    public void rawReactor(SameThreadSink state) {
        sendBatch(state.mailbox, state.handled);
    }

    /** The floor with a thread hop: the same sink, drained by {@code publishOn} on one worker. */
    @Benchmark
    public void rawReactorPublishOn(PublishOnSink state) {
        sendBatch(state.mailbox, state.handled);
    }

    /** The peer: {@code tell} to one Pekko typed actor (default dispatcher and mailbox). */
    @Benchmark
    public void pekko(PekkoActor state) {
        long target = state.handled.get() + BATCH;
        ActorRef<Tick> actor = state.actor;
        for (int i = 0; i < BATCH; i++) {
            actor.tell(Tick.INSTANCE);
        }
        state.handled.awaitAtLeast(target);
    }

    /**
     * The library: {@code ComponentRef.tell} to one component of a started {@code Supervisor},
     * whose synchronous handler counts the message; the component drains its mailbox on the
     * default scheduler, {@code Schedulers.parallel()}.
     */
    @Benchmark
    public void supervisor(SupervisedComponent state) {
        Components.sendBatch(state.ref, state.handled);
    }

    static void sendBatch(Sinks.Many<Tick> mailbox, HandledCounter handled) {
        long target = handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            Reactor.emit(mailbox, Tick.INSTANCE);
        }
        handled.awaitAtLeast(target);
    }

    /** {@code Sinks.many().unicast()} with its default unbounded queue, subscribed once per trial. */
    @State(Scope.Benchmark)
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

    /** As {@link SameThreadSink}, with {@code publishOn} onto a single-threaded scheduler. */
    @State(Scope.Benchmark)
    public static class PublishOnSink {
        final HandledCounter handled = new HandledCounter();
        Sinks.Many<Tick> mailbox;
        Scheduler consumer;

        @Setup(Level.Trial)
        public void subscribe() {
            consumer = Schedulers.newSingle("consumer");
            mailbox = Sinks.many().unicast().onBackpressureBuffer();
            mailbox.asFlux().publishOn(consumer).subscribe(tick -> handled.increment());
        }

        @TearDown(Level.Trial)
        public void complete() {
            mailbox.tryEmitComplete();
            consumer.dispose();
        }
    }

    /**
     * As {@link #supervisor}, with the component on the same kind of scheduler as
     * {@link #rawReactorPublishOn}: {@code Schedulers.newSingle(..)}, one worker thread.
     */
    @Benchmark
    public void supervisorSingle(SupervisedOnSingle state) {
        Components.sendBatch(state.ref, state.handled);
    }

    /** One supervisor per trial, with one component that counts what it handles on its own single thread. */
    @State(Scope.Benchmark)
    public static class SupervisedOnSingle {
        final HandledCounter handled = new HandledCounter();
        Scheduler consumer;
        Supervisor root;
        ComponentRef<Tick, Void> ref;

        @Setup(Level.Trial)
        public void start() {
            consumer = Schedulers.newSingle("consumer");
            ComponentSpec<Tick, Void> spec = Components.counting("counter", handled, consumer);
            root = Components.start("tell-throughput", spec);
            ref = root.ref(spec);
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            Components.shutdown(root);
            consumer.dispose();
        }
    }

    /** One supervisor per trial, with one component that counts what it handles. */
    @State(Scope.Benchmark)
    public static class SupervisedComponent {
        final HandledCounter handled = new HandledCounter();
        Supervisor root;
        ComponentRef<Tick, Void> ref;

        @Setup(Level.Trial)
        public void start() {
            ComponentSpec<Tick, Void> spec = Components.counting("counter", handled);
            root = Components.start("tell-throughput", spec);
            ref = root.ref(spec);
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            Components.shutdown(root);
        }
    }

    /** One actor system per trial, with one actor that counts what it handles. */
    @State(Scope.Benchmark)
    public static class PekkoActor {
        final HandledCounter handled = new HandledCounter();
        ActorSystem<SpawnProtocol.Command> system;
        ActorRef<Tick> actor;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("tell-throughput");
            actor = Pekko.spawn(system, counting(handled), "counter");
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }

    /** An actor that counts every message it handles. */
    static Behavior<Tick> counting(HandledCounter handled) {
        return Behaviors.receiveMessage(tick -> {
            handled.increment();
            return Behaviors.same();
        });
    }
}
