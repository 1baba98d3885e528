package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Promises of README's circuit-breaker passages and of the circuit-breaker module's javadoc, on virtual time. */
class CircuitBreakerPromisesTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private VirtualTimeScheduler vts;
    private Target target;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void startTree() {
        vts = VirtualTimeScheduler.getOrSet();
        target = new Target(vts);
    }

    @AfterEach
    void stopTree() {
        target.shutdown();
        VirtualTimeScheduler.reset();
    }

    /** A ref that forwards to another, as a wrapper that counts what it sends would. */
    static final class CountingRef implements ComponentRef<String, String> {
        private final ComponentRef<String, String> delegate;
        final AtomicInteger sent = new AtomicInteger();

        CountingRef(ComponentRef<String, String> delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String path() {
            return delegate.path();
        }

        @Override
        public boolean tell(String message) {
            sent.incrementAndGet();
            return delegate.tell(message);
        }

        @Override
        public Mono<String> ask(String message) {
            sent.incrementAndGet();
            return delegate.ask(message);
        }

        @Override
        public ComponentState state() {
            return delegate.state();
        }

        @Override
        public int mailboxDepth() {
            return delegate.mailboxDepth();
        }
    }

    private static <T> List<T> collect(Mono<T> call) {
        List<T> out = new ArrayList<>();
        call.subscribe(out::add, e -> { });
        return out;
    }

    /**
     * README: "A guard over a wrapper of a component's ref reports to the ref the supervisor handed
     * out with {@code reportTo(ref)}"; {@link CircuitBreakerGuard#reportTo}: "the component whose
     * events and snapshot show the breaker".
     */
    @Test
    void aGuardOverAWrapperReportsTheBreakerToTheComponentGivenToReportTo() {
        CountingRef wrapper = new CountingRef(target.ref);
        CircuitBreaker cb = Breakers.breaker("wrapped", clock, 1);
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(wrapper).circuitBreaker(cb)
                .reportTo(target.ref).build();

        StepVerifier.create(guarded.ask("a")).expectNext("re:a").verifyComplete();
        cb.transitionToOpenState();

        assertThat(wrapper.sent).hasValue(1);
        assertThat(guarded.ref()).isSameAs(wrapper);
        assertThat(target.transitions()).containsExactly("wrapped:CLOSED->CLOSED", "wrapped:CLOSED->OPEN");
        assertThat(target.snapshot().circuitBreakers()).isEqualTo(Map.of("wrapped", "OPEN"));
        assertThatThrownBy(() -> CircuitBreakerGuard.of(wrapper).reportTo(null))
                .isInstanceOf(NullPointerException.class).hasMessage("component");
    }

    /**
     * README and {@link GuardedRef#ask}: "A call to a component that is FAILED, stopped or stopping
     * fails at once with {@code ComponentUnavailableException}, without sending the message, and
     * the breaker records it" (here: FAILED).
     */
    @Test
    void callToAFailedComponentFailsAtOnceWithoutBeingSentAndTheBreakerRecordsTheFailure() {
        AtomicInteger invocations = new AtomicInteger();
        ComponentSpec<String, String> fragile = ComponentSpec.<String, String, Object>named("fragile")
                .state(Object::new)
                .handler((s, m) -> {
                    invocations.incrementAndGet();
                    return Mono.error(new IllegalStateException("gone"));
                })
                .limit(RestartLimit.of(0, Duration.ofMinutes(1)))
                .build();
        target.root.startChild(fragile);
        ComponentRef<String, String> ref = target.root.ref(fragile);
        ref.tell("crash");
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(ref)
                .circuitBreaker(Breakers.breaker("fragile", clock, 1)).build();
        long deadLetters = ((ComponentSnapshot) target.root.snapshot().child("fragile")).deadLetters();

        StepVerifier.create(guarded.ask("m"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasMessageStartingWith("Component 'root/fragile' is FAILED and does not accept messages"))
                .verify(VERIFY);

        assertThat(guarded.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(invocations).hasValue(1);
        assertThat(((ComponentSnapshot) target.root.snapshot().child("fragile")).deadLetters()).isEqualTo(deadLetters);
    }

    /**
     * README and {@link GuardedRef#ask}: a call to a component that is stopping "fails at once with
     * {@code ComponentUnavailableException}, without sending the message, and the breaker records it".
     */
    @Test
    void callToAStoppingComponentFailsAtOnceWithoutBeingSentAndTheBreakerRecordsTheFailure() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1)).build();
        target.ref.tell("slow");
        vts.advanceTimeBy(Duration.ofMillis(1));
        List<Object> stopped = collect(target.root.stopChild("b", Duration.ofSeconds(30)).thenReturn("stopped"));
        assertThat(target.ref.state()).isEqualTo(ComponentState.STOPPING);

        StepVerifier.create(guarded.ask("m"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasMessageStartingWith("Component 'root/b' is STOPPING and does not accept messages"))
                .verify(VERIFY);

        assertThat(guarded.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        vts.advanceTimeBy(Target.SLOW);
        assertThat(stopped).containsExactly("stopped");
        assertThat(target.invocations).hasValue(1);
        assertThat(target.snapshot().handled()).isEqualTo(1);
    }

    /**
     * {@link GuardedRef#ask}, steps 1 and 2: the breaker refuses the call "while it is OPEN or
     * FORCED_OPEN" before the bulkhead is asked, so a refused call takes no bulkhead permission.
     */
    @Test
    void anOpenOrForcedOpenBreakerRefusesTheCallBeforeTheBulkheadAndTheComponentAreReached() {
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1)).bulkhead(bulkhead).build();
        CircuitBreaker cb = guarded.circuitBreaker();

        cb.transitionToOpenState();
        StepVerifier.create(guarded.ask("m"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CallNotPermittedException.class)
                        .hasMessage("CircuitBreaker 'b' is OPEN and does not permit further calls"))
                .verify(VERIFY);
        cb.transitionToForcedOpenState();
        StepVerifier.create(guarded.ask("m"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CallNotPermittedException.class)
                        .hasMessage("CircuitBreaker 'b' is FORCED_OPEN and does not permit further calls"))
                .verify(VERIFY);

        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
        assertThat(target.invocations).hasValue(0);
    }

    /**
     * {@link GuardedRef#ask}, steps 2 and 3: a full bulkhead refuses the call before the
     * component's availability is checked.
     */
    @Test
    void aFullBulkheadRefusesTheCallBeforeTheComponentsAvailabilityIsChecked() {
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1)).bulkhead(bulkhead).build();
        List<String> first = collect(guarded.ask("slow"));
        vts.advanceTimeBy(Duration.ofMillis(1));
        List<Object> stopped = collect(target.root.stopChild("b", Duration.ofSeconds(30)).thenReturn("stopped"));
        assertThat(target.ref.state()).isEqualTo(ComponentState.STOPPING);

        StepVerifier.create(guarded.ask("m")).expectError(BulkheadFullException.class).verify(VERIFY);

        vts.advanceTimeBy(Target.SLOW);
        assertThat(first).containsExactly("slow");
        assertThat(stopped).containsExactly("stopped");
        StepVerifier.create(guarded.ask("m")).expectError(ComponentUnavailableException.class).verify(VERIFY);
    }

    /**
     * {@link GuardedRef#ask}, step 1: the breaker refuses the call while it is "HALF_OPEN with all
     * its trial calls taken".
     */
    @Test
    void aHalfOpenBreakerWithAllItsTrialCallsTakenRefusesFurtherCalls() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1)).build();
        CircuitBreaker cb = guarded.circuitBreaker();
        cb.transitionToOpenState();
        cb.transitionToHalfOpenState();
        List<String> trial = collect(guarded.ask("slow"));

        StepVerifier.create(guarded.ask("m"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CallNotPermittedException.class)
                        .hasMessage("CircuitBreaker 'b' is HALF_OPEN and does not permit further calls"))
                .verify(VERIFY);

        vts.advanceTimeBy(Target.SLOW);
        assertThat(trial).containsExactly("slow");
        assertThat(cb.getState()).isEqualTo(State.CLOSED);
        assertThat(target.invocations).hasValue(1);
    }

    /**
     * {@link CircuitBreakerGuard#fallback}: the fallback gives the reply "while the breaker does not
     * permit calls ... or when a call failed (the component was unavailable, the message crashed it,
     * the time limiter or bulkhead refused it)", and "can look at the cause and return
     * {@code Mono.error(cause)} to pass it on".
     */
    @Test
    void theFallbackAnswersEveryKindOfFailureAndCanPassTheCauseOn() {
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        AtomicBoolean passOn = new AtomicBoolean();
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .timeLimiter(TimeLimiter.of("tl", TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(1))
                        .build()))
                .bulkhead(bulkhead)
                .fallback((m, cause) -> passOn.get() ? Mono.error(cause)
                        : Mono.just("fallback:" + cause.getClass().getSimpleName()))
                .build();

        StepVerifier.create(guarded.ask("crash")).expectNext("fallback:MessageCrashedException").verifyComplete();
        List<String> timedOut = collect(guarded.ask("slow"));
        StepVerifier.create(guarded.ask("m")).expectNext("fallback:BulkheadFullException").verifyComplete();
        vts.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(timedOut).containsExactly("fallback:TimeoutException");
        vts.advanceTimeBy(Target.SLOW);
        guarded.circuitBreaker().transitionToOpenState();
        StepVerifier.create(guarded.ask("m")).expectNext("fallback:CallNotPermittedException").verifyComplete();

        passOn.set(true);
        StepVerifier.create(guarded.ask("m")).expectError(CallNotPermittedException.class).verify(VERIFY);
        guarded.circuitBreaker().transitionToClosedState();
        StepVerifier.create(guarded.ask("crash")).expectError(MessageCrashedException.class).verify(VERIFY);
        StepVerifier.create(guarded.ask("slow")).then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
                .expectError(TimeoutException.class).verify(VERIFY);
        vts.advanceTimeBy(Target.SLOW);
        target.root.stopChild("b", Duration.ofSeconds(1)).subscribe();
        vts.advanceTimeBy(Duration.ofMillis(1));
        StepVerifier.create(guarded.ask("m")).expectError(ComponentUnavailableException.class).verify(VERIFY);
        passOn.set(false);
        StepVerifier.create(guarded.ask("m")).expectNext("fallback:ComponentUnavailableException").verifyComplete();
    }

    /**
     * README's snippet: "{@code .timeLimiter(TimeLimiter.of(Duration.ofSeconds(2)))} // no reply in 2 s:
     * a failure" and "{@code .fallback(...)} // degraded mode: errors and OPEN".
     */
    @Test
    void theReadmeSnippetsTimeLimiterMakesASlowReplyAFailureThatTheFallbackAnswers() {
        GuardedRef<String, String> rates = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("rates", clock, 1))
                .timeLimiter(TimeLimiter.of(Duration.ofSeconds(2)))
                .fallback((currency, cause) -> Mono.just("1.00"))
                .build();

        StepVerifier.create(rates.ask("EUR")).expectNext("re:EUR").verifyComplete();
        List<String> slow = collect(rates.ask("slow"));
        vts.advanceTimeBy(Duration.ofMillis(1_999));
        assertThat(slow).isEmpty();
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(slow).containsExactly("1.00");
        assertThat(rates.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        rates.circuitBreaker().transitionToOpenState();
        StepVerifier.create(rates.ask("EUR")).expectNext("1.00").verifyComplete();
        vts.advanceTimeBy(Target.SLOW);
    }

    /**
     * README: "Breaker transitions appear ... in the snapshot next to the guarded component; the
     * first guard built for a breaker and a component reports the breaker's current state": when the
     * first build races with a transition, the snapshot ends with the breaker's state, not the one
     * the build read before the transition.
     */
    @Test
    void aTransitionRacingWithTheFirstBuildLeavesTheBreakersLatestStateInTheSnapshot() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 200; i++) {
                CircuitBreaker cb = Breakers.breaker("race-" + i, clock, 1);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> build = threads.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).build();
                });
                Future<?> open = threads.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    cb.transitionToOpenState();
                    return null;
                });
                build.get(5, TimeUnit.SECONDS);
                open.get(5, TimeUnit.SECONDS);

                assertThat(target.snapshot().circuitBreakers()).containsEntry("race-" + i, "OPEN");
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * {@link CircuitBreakerGuard}: "a time-limiter timeout and a bulkhead rejection are outcomes the
     * breaker records as failures, unless its config ignores them (for example
     * {@code ignoreExceptions(BulkheadFullException.class)})".
     */
    @Test
    void aBulkheadRejectionIsNotAFailureOfABreakerWhoseConfigIgnoresIt() {
        CircuitBreaker cb = CircuitBreaker.of("b", Breakers.config(clock, 1)
                .ignoreExceptions(BulkheadFullException.class).build());
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).bulkhead(bulkhead)
                .build();
        List<String> first = collect(guarded.ask("slow"));

        StepVerifier.create(guarded.ask("m")).expectError(BulkheadFullException.class).verify(VERIFY);

        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isZero();
        vts.advanceTimeBy(Target.SLOW);
        assertThat(first).containsExactly("slow");
        assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
    }

    /** {@link SupervisionEvent.CircuitStateChanged} carries the breaker's name and states as Resilience4j names them. */
    @Test
    void aBreakerTransitionIsOneCircuitStateChangedEventOfTheGuardedComponent() {
        CircuitBreaker cb = Breakers.breaker("pricing", clock, 1);
        CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).build();

        cb.transitionToOpenState();

        assertThat(target.events).filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .extracting(e -> (SupervisionEvent.CircuitStateChanged) e)
                .extracting(e -> e.path() + " " + e.breaker() + " " + e.fromState() + "->" + e.toState())
                .containsExactly("root/b pricing CLOSED->CLOSED", "root/b pricing CLOSED->OPEN");
        assertThat(target.root.snapshot().render()).contains("breaker:pricing=OPEN");
    }
}
