package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
 * Ask round trip latency: the benchmark thread sends a request to a consumer on another thread
 * and blocks until the reply arrives. Sampled per operation (median, p99 etc.).
 *
 * <p>Both variants block the caller the same way, in {@link CompletableFuture#join()}, so both
 * pay for parking and waking the caller as well as waking the consumer.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class AskLatency {

    /**
     * The floor: a request carrying a {@link CompletableFuture} is emitted into a unicast sink
     * drained by {@code publishOn} on a worker thread, which completes the future.
     */
    @Benchmark
    public Tick rawReactorPublishOn(PublishOnSink state) {
        CompletableFuture<Tick> reply = new CompletableFuture<>();
        Reactor.emit(state.mailbox, new Request(reply));
        return reply.join();
    }

    /** The peer: {@code AskPattern.ask} to a Pekko typed actor that replies at once. */
    @Benchmark
    public Tick pekko(PekkoEcho state) {
        return AskPattern.<Ping, Tick>ask(state.echo, Ping::new, Pekko.ASK_TIMEOUT, state.system.scheduler())
                .toCompletableFuture()
                .join();
    }

    /**
     * The library: {@code ComponentRef.ask(tick).toFuture().join()} to a component (default
     * scheduler, {@code Schedulers.parallel()}) whose synchronous handler replies at once.
     */
    @Benchmark
    public Tick supervisor(SupervisedEcho state) {
        return state.ref.ask(Tick.INSTANCE).toFuture().join();
    }

    @State(Scope.Benchmark)
    public static class SupervisedEcho {
        Supervisor root;
        ComponentRef<Tick, Tick> ref;

        @Setup(Level.Trial)
        public void start() {
            ComponentSpec<Tick, Tick> spec = echo("echo");
            root = Components.start("ask-latency", spec);
            ref = root.ref(spec);
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            Components.shutdown(root);
        }
    }

    /** A component that replies {@link Tick#INSTANCE} at once, on the default scheduler. */
    static ComponentSpec<Tick, Tick> echo(String name) {
        return ComponentSpec.<Tick, Tick, Components.Counted>named(name)
                .state(Components.Counted::new)
                .syncHandler((state, tick) -> {
                    state.handled++;
                    return Tick.INSTANCE;
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
    }

    /** A raw Reactor request: the reply is a future the consumer completes. */
    record Request(CompletableFuture<Tick> reply) {
    }

    /** A Pekko request: the reply goes to an actor ref. */
    record Ping(ActorRef<Tick> replyTo) {
    }

    @State(Scope.Benchmark)
    public static class PublishOnSink {
        Sinks.Many<Request> mailbox;
        Scheduler consumer;

        @Setup(Level.Trial)
        public void subscribe() {
            consumer = Schedulers.newSingle("consumer");
            mailbox = Sinks.many().unicast().onBackpressureBuffer();
            mailbox.asFlux().publishOn(consumer).subscribe(request -> request.reply().complete(Tick.INSTANCE));
        }

        @TearDown(Level.Trial)
        public void complete() {
            mailbox.tryEmitComplete();
            consumer.dispose();
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoEcho {
        ActorSystem<SpawnProtocol.Command> system;
        ActorRef<Ping> echo;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("ask-latency");
            Behavior<Ping> behavior = Behaviors.receiveMessage(ping -> {
                ping.replyTo().tell(Tick.INSTANCE);
                return Behaviors.same();
            });
            echo = Pekko.spawn(system, behavior, "echo");
        }

        @TearDown(Level.Trial)
        public void terminate() {
            Pekko.terminate(system);
        }
    }
}
