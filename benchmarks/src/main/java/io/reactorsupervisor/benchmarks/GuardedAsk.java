package io.reactorsupervisor.benchmarks;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.circuitbreaker.CircuitBreakerGuard;
import io.reactorsupervisor.circuitbreaker.GuardedRef;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What a circuit breaker adds to an ask: the same ask with and without
 * {@code CircuitBreakerGuard} (a closed Resilience4j breaker with its default config), and, as the
 * reference, Resilience4j's own operator ({@code transformDeferred(CircuitBreakerOperator.of(cb))})
 * on a plain {@code Mono.just}, beside the same {@code Mono.just} without it. Average time per
 * call, in nanoseconds.
 *
 * <p>The component runs on {@code Schedulers.immediate()}, so that the ask is answered on the
 * calling thread: a thread hop costs tens of microseconds here (see {@link AskLatency}) and would
 * bury a difference of tens of nanoseconds. Every variant subscribes the same way,
 * {@code block()}, which returns at once because each Mono completes during its subscription.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class GuardedAsk {

    /** The library without a breaker: {@code ref.ask(tick).block()}. */
    @Benchmark
    public Tick unguarded(Guarded state) {
        return state.ref.ask(Tick.INSTANCE).block();
    }

    /** The library with a breaker: {@code guardedRef.ask(tick).block()}. */
    @Benchmark
    public Tick guarded(Guarded state) {
        return state.guarded.ask(Tick.INSTANCE).block();
    }

    /** The reference's baseline: {@code Mono.just(tick).block()}. */
    @Benchmark
    public Tick plainMono(Guarded state) {
        return Mono.just(Tick.INSTANCE).block();
    }

    /** The reference: {@code Mono.just(tick).transformDeferred(CircuitBreakerOperator.of(cb)).block()}. */
    @Benchmark
    public Tick resilience4jOperator(Guarded state) {
        return Mono.just(Tick.INSTANCE).transformDeferred(CircuitBreakerOperator.of(state.operatorBreaker)).block();
    }

    /**
     * The reference again, on a breaker with one event consumer registered (a no-op
     * {@code onStateTransition}), as the guard registers one to report state changes: with any
     * consumer registered, Resilience4j creates and publishes an event for every call.
     */
    @Benchmark
    public Tick resilience4jOperatorWithListener(Guarded state) {
        return Mono.just(Tick.INSTANCE).transformDeferred(CircuitBreakerOperator.of(state.listenedBreaker)).block();
    }

    @State(Scope.Benchmark)
    public static class Guarded {
        Supervisor root;
        ComponentRef<Tick, Tick> ref;
        GuardedRef<Tick, Tick> guarded;
        CircuitBreaker operatorBreaker;
        CircuitBreaker listenedBreaker;

        @Setup(Level.Trial)
        public void start() {
            ComponentSpec<Tick, Tick> spec = ComponentSpec.<Tick, Tick, Components.Counted>named("echo")
                    .state(Components.Counted::new)
                    .syncHandler((state, tick) -> {
                        state.handled++;
                        return Tick.INSTANCE;
                    })
                    .restart(RestartStrategy.immediate())
                    .limit(RestartLimit.unlimited())
                    .mailbox(Mailbox.unbounded())
                    .scheduler(Schedulers.immediate())
                    .build();
            root = Components.start("guarded-ask", spec);
            ref = root.ref(spec);
            guarded = CircuitBreakerGuard.of(ref).circuitBreaker(CircuitBreaker.ofDefaults("guard")).build();
            operatorBreaker = CircuitBreaker.ofDefaults("operator");
            listenedBreaker = CircuitBreaker.ofDefaults("listened");
            listenedBreaker.getEventPublisher().onStateTransition(event -> { });
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            Components.shutdown(root);
        }
    }
}
