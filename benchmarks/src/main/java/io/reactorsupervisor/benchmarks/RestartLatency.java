package io.reactorsupervisor.benchmarks;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Restart latency: crash -> restart with fresh state -> next message handled. The benchmark
 * thread sends a message whose handler throws, then a second message, and waits until the
 * second one has been handled by the new incarnation. Sampled per operation.
 *
 * <p>Every crash throws the same preallocated, stackless {@link BenchmarkCrash}, so the figure
 * is the restart machinery, not stack-trace capture. Each trial checks at the end that there
 * was exactly one fresh incarnation per crash, so a variant cannot pass by not restarting.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class RestartLatency {

    /**
     * The floor: resubscribe after error with {@code retryWhen(Retry.indefinitely())}, all on
     * the benchmark thread. A fresh incarnation ({@code Flux.defer}) subscribes to a multicast
     * direct sink; the crash message's handler throws, the error reaches {@code retryWhen},
     * which resubscribes at once (a new incarnation, new state), and the next message is
     * handled by it. No thread hop: compare with {@link AskLatency} for what a hop costs.
     *
     * <p>A multicast sink rather than a unicast one because a unicast sink accepts a single
     * subscriber ever and could not be resubscribed; the library's mailbox is its own queue for
     * that reason. A message emitted while no incarnation is subscribed would be refused, and
     * {@link Reactor#emit} would fail the benchmark.
     */
    @Benchmark
    public void rawReactor(RetryingSubscriber state) {
        long target = state.handled.get() + 1;
        Reactor.emit(state.mailbox, RawCommand.CRASH);
        state.crashes++;
        Reactor.emit(state.mailbox, RawCommand.HANDLE);
        state.handled.awaitAtLeast(target);
    }

    /**
     * The peer: a Pekko typed actor under {@code Behaviors.supervise(...).onFailure(
     * SupervisorStrategy.restart())} (logging of the failure disabled). The crash is told, the
     * next message is an ask, so the figure includes a full ask round trip (see
     * {@link AskLatency#pekko} for that alone).
     */
    @Benchmark
    public Tick pekko(PekkoRestarting state) {
        state.actor.tell(Crash.INSTANCE);
        state.crashes++;
        return AskPattern.<Command, Tick>ask(state.actor, Ping::new, Pekko.ASK_TIMEOUT, state.system.scheduler())
                .toCompletableFuture()
                .join();
    }

    /**
     * The library, shaped as {@link #pekko}: a component (restart {@code immediate()}, default
     * scheduler {@code Schedulers.parallel()}) whose handler throws on a crash message;
     * {@code tell(CRASH)}, then {@code ask(HANDLE)}, which the next incarnation answers; the
     * caller blocks for the reply. Includes an ask round trip (see {@link AskLatency#supervisor}).
     */
    @Benchmark
    public Tick supervisor(SupervisedRestarting state) {
        Components.tell(state.ref, RawCommand.CRASH);
        state.crashes++;
        return state.ref.ask(RawCommand.HANDLE).toFuture().join();
    }

    /**
     * The library, shaped as {@link #rawReactor}: the same component on
     * {@code Schedulers.immediate()}, so that its drain runs on the benchmark thread:
     * {@code tell(CRASH)} (the handler throws, the supervisor restarts the component with fresh
     * state), {@code tell(HANDLE)}, wait until the new incarnation has handled it. No thread hop:
     * this is the restart machinery itself.
     */
    @Benchmark
    public void supervisorSameThread(SupervisedSameThread state) {
        long target = state.handled.get() + 1;
        Components.tell(state.ref, RawCommand.CRASH);
        state.crashes++;
        Components.tell(state.ref, RawCommand.HANDLE);
        state.handled.awaitAtLeast(target);
    }

    /** A component that crashes on {@code CRASH} and counts and answers {@code HANDLE}. */
    static ComponentSpec<RawCommand, Tick> crashing(HandledCounter handled, HandledCounter incarnations,
            Scheduler scheduler) {
        return ComponentSpec.<RawCommand, Tick, Incarnation>named("restarting")
                .state(() -> {
                    incarnations.increment();
                    return new Incarnation();
                })
                .syncHandler((incarnation, command) -> {
                    if (command == RawCommand.CRASH) {
                        throw BenchmarkCrash.INSTANCE;
                    }
                    incarnation.handled++;
                    handled.increment();
                    return Tick.INSTANCE;
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .scheduler(scheduler)
                .build();
    }

    /** A component that crashes on command, under its own tree; each subclass picks the handler's scheduler. */
    public abstract static class Supervised {
        final HandledCounter handled = new HandledCounter();
        final HandledCounter incarnations = new HandledCounter();
        long crashes;
        Supervisor root;
        ComponentRef<RawCommand, Tick> ref;

        abstract Scheduler scheduler();

        @Setup(Level.Trial)
        public void start() {
            ComponentSpec<RawCommand, Tick> spec = crashing(handled, incarnations, scheduler());
            root = Components.start("restart-latency", spec);
            ref = root.ref(spec);
        }

        @TearDown(Level.Trial)
        public void verifyAndShutdown() {
            Components.shutdown(root);
            verifyOneIncarnationPerCrash(incarnations.get(), crashes);
        }
    }

    @State(Scope.Benchmark)
    public static class SupervisedRestarting extends Supervised {
        @Override
        Scheduler scheduler() {
            return Schedulers.parallel();
        }
    }

    @State(Scope.Benchmark)
    public static class SupervisedSameThread extends Supervised {
        @Override
        Scheduler scheduler() {
            return Schedulers.immediate();
        }
    }

    /** Messages of the raw variant. */
    enum RawCommand {
        CRASH, HANDLE
    }

    /** Messages of the Pekko variant. */
    sealed interface Command permits Crash, Ping {
    }

    enum Crash implements Command {
        INSTANCE
    }

    record Ping(ActorRef<Tick> replyTo) implements Command {
    }

    /** The state of one incarnation: created fresh by each restart, never shared. */
    static final class Incarnation {
        long handled;
    }

    @State(Scope.Benchmark)
    public static class RetryingSubscriber {
        final HandledCounter handled = new HandledCounter();
        final HandledCounter incarnations = new HandledCounter();
        long crashes;
        Sinks.Many<RawCommand> mailbox;
        Disposable subscription;

        @Setup(Level.Trial)
        public void subscribe() {
            mailbox = Sinks.many().multicast().directBestEffort();
            subscription = Flux.defer(() -> {
                        Incarnation incarnation = new Incarnation();
                        incarnations.increment();
                        return mailbox.asFlux().doOnNext(command -> {
                            if (command == RawCommand.CRASH) {
                                throw BenchmarkCrash.INSTANCE;
                            }
                            incarnation.handled++;
                            handled.increment();
                        });
                    })
                    .retryWhen(Retry.indefinitely())
                    .subscribe();
        }

        @TearDown(Level.Trial)
        public void verifyAndDispose() {
            subscription.dispose();
            verifyOneIncarnationPerCrash(incarnations.get(), crashes);
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoRestarting {
        final HandledCounter incarnations = new HandledCounter();
        long crashes;
        ActorSystem<SpawnProtocol.Command> system;
        ActorRef<Command> actor;

        @Setup(Level.Trial)
        public void start() {
            system = Pekko.start("restart-latency");
            Behavior<Command> incarnation = Behaviors.setup(context -> {
                Incarnation state = new Incarnation();
                incarnations.increment();
                return Behaviors.receive(Command.class)
                        .onMessage(Crash.class, crash -> {
                            throw BenchmarkCrash.INSTANCE;
                        })
                        .onMessage(Ping.class, ping -> {
                            state.handled++;
                            ping.replyTo().tell(Tick.INSTANCE);
                            return Behaviors.same();
                        })
                        .build();
            });
            Behavior<Command> supervised = Behaviors.supervise(incarnation)
                    .onFailure(SupervisorStrategy.restart().withLoggingEnabled(false));
            actor = Pekko.spawn(system, supervised, "restarting");
        }

        @TearDown(Level.Trial)
        public void verifyAndTerminate() {
            Pekko.terminate(system);
            verifyOneIncarnationPerCrash(incarnations.get(), crashes);
        }
    }

    /** The first incarnation plus one per crash: anything else means restarts were skipped. */
    static void verifyOneIncarnationPerCrash(long incarnations, long crashes) {
        if (incarnations != crashes + 1) {
            throw new IllegalStateException(
                    incarnations + " incarnations for " + crashes + " crashes, expected " + (crashes + 1));
        }
    }
}
