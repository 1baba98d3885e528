package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Spawn: start a consumer and have its first message handled, as one round trip: the
 * benchmark thread asks for a new consumer, sends it (or has it sent) one message, and waits
 * until that message has been handled. Sampled per operation: the mean is the score, and the
 * percentiles show how much of it is the occasional slow thread wake-up.
 *
 * <p>Every consumer is stopped again after its first message (an actor returns
 * {@code Behaviors.stopped()}, a sink is completed), so the benchmark does not accumulate
 * millions of live consumers; stopping is part of what is measured (for Pekko it runs
 * asynchronously and overlaps the next spawn).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class Spawn {

    /**
     * The floor: a new {@code Sinks.many().unicast()} sink, subscribed by a consumer on the
     * calling thread, one message emitted and handled, then the sink completed.
     */
    @Benchmark
    public void rawReactor(SameThreadSpawn state) {
        long target = state.handled.get() + 1;
        Sinks.Many<Tick> mailbox = Sinks.many().unicast().onBackpressureBuffer();
        mailbox.asFlux().subscribe(state.consumer);
        Reactor.emit(mailbox, Tick.INSTANCE);
        state.handled.awaitAtLeast(target);
        mailbox.tryEmitComplete();
    }

    /**
     * The floor with a thread hop: as {@link #rawReactor}, but the new subscription drains the
     * sink with {@code publishOn} on a worker thread, so the first message is handled there and
     * the benchmark thread waits for it.
     */
    @Benchmark
    public void rawReactorPublishOn(PublishOnSpawn state) {
        long target = state.handled.get() + 1;
        Sinks.Many<Tick> mailbox = Sinks.many().unicast().onBackpressureBuffer();
        mailbox.asFlux().publishOn(state.worker).subscribe(state.consumer);
        Reactor.emit(mailbox, Tick.INSTANCE);
        state.handled.awaitAtLeast(target);
        mailbox.tryEmitComplete();
    }

    /**
     * The peer: a Pekko actor can only be spawned by another actor, so the benchmark thread
     * tells a spawner actor to spawn a child and send it one message; the child counts it and
     * stops. Includes the hop to the spawner.
     */
    @Benchmark
    public void pekko(PekkoSpawner state) {
        long target = state.handled.get() + 1;
        state.spawner.tell(SpawnOne.INSTANCE);
        state.handled.awaitAtLeast(target);
    }

    /**
     * The library: build a spec with a new name, {@code startChild} it under a running
     * {@code Supervisor} (default scheduler, {@code Schedulers.parallel()}), look up its ref,
     * {@code tell} it one message and wait until it has been handled; then
     * {@code removeChild}, which runs asynchronously and overlaps the next spawn (as a Pekko
     * child's stop does). The trial's teardown waits until every removal has completed.
     */
    @Benchmark
    public void supervisor(SupervisedSpawner state) {
        state.spawnOne(Components.counting("child-" + state.spawned, state.handled));
    }

    /**
     * As {@link #supervisor}, with the component on {@code Schedulers.immediate()}: its message
     * is handled on the benchmark thread (compare with {@link #rawReactor}).
     */
    @Benchmark
    public void supervisorSameThread(SupervisedSpawner state) {
        state.spawnOne(Components.counting("child-" + state.spawned, state.handled, Schedulers.immediate()));
    }

    @State(Scope.Benchmark)
    public static class SupervisedSpawner {
        final HandledCounter handled = new HandledCounter();
        /* Removals complete on scheduler threads, several at once. */
        final HandledCounter removed = new HandledCounter();
        long spawned;
        Supervisor root;

        @Setup(Level.Trial)
        public void start() {
            root = Components.start("spawn");
        }

        void spawnOne(ComponentSpec<Tick, Void> spec) {
            long target = handled.get() + 1;
            root.startChild(spec);
            spawned++;
            Components.tell(root.ref(spec), Tick.INSTANCE);
            handled.awaitAtLeast(target);
            root.removeChild(spec.name(), Components.SHUTDOWN)
                    .subscribe(null, e -> { }, removed::incrementConcurrently);
        }

        @TearDown(Level.Trial)
        public void awaitRemovedAndShutdown() {
            removed.awaitAtLeast(spawned);
            Components.shutdown(root);
        }
    }

    /** The request to the spawner actor. */
    enum SpawnOne {
        INSTANCE
    }

    @State(Scope.Benchmark)
    public static class SameThreadSpawn {
        final HandledCounter handled = new HandledCounter();
        final Consumer<Tick> consumer = tick -> handled.increment();
    }

    @State(Scope.Benchmark)
    public static class PublishOnSpawn {
        final HandledCounter handled = new HandledCounter();
        final Consumer<Tick> consumer = tick -> handled.increment();
        Scheduler worker;

        @Setup(Level.Trial)
        public void start() {
            worker = Schedulers.newSingle("consumer");
        }

        @TearDown(Level.Trial)
        public void stop() {
            worker.dispose();
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoSpawner {
        final HandledCounter handled = new HandledCounter();
        ActorSystem<SpawnProtocol.Command> system;
        ActorRef<SpawnOne> spawner;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("spawn");
            // One immutable behavior shared by all children, as idiomatic typed code does.
            Behavior<Tick> child = Behaviors.receiveMessage(tick -> {
                handled.increment();
                return Behaviors.stopped();
            });
            Behavior<SpawnOne> spawnerBehavior = Behaviors.setup(context -> Behaviors.receiveMessage(request -> {
                context.spawnAnonymous(child).tell(Tick.INSTANCE);
                return Behaviors.same();
            }));
            spawner = Pekko.spawn(system, spawnerBehavior, "spawner");
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }
}
