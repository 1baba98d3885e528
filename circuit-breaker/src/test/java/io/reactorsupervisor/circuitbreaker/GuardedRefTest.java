package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.MessageCrashedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class GuardedRefTest {

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

    private GuardedRef<String, String> guardWithFallback(CircuitBreaker cb) {
        return CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(cb)
                .fallback((m, cause) -> Mono.just("fallback:" + m + ":" + cause.getClass().getSimpleName()))
                .build();
    }

    private void answers(GuardedRef<String, String> guarded, String message, String reply) {
        StepVerifier.create(guarded.ask(message)).expectNext(reply).expectComplete().verify(VERIFY);
    }

    /** Two successes and two crashes: 50% of a full window of 4, the threshold. */
    private void openByFailures(GuardedRef<String, String> guarded) {
        guarded.ask("a").onErrorResume(e -> Mono.empty()).block(VERIFY);
        guarded.ask("b").onErrorResume(e -> Mono.empty()).block(VERIFY);
        guarded.ask("crash").onErrorResume(e -> Mono.empty()).block(VERIFY);
        guarded.ask("crash").onErrorResume(e -> Mono.empty()).block(VERIFY);
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(State.OPEN);
    }

    @Test
    void closedBreakerOpensAtTheFailureRateThresholdAndThenServesTheFallbackWithoutReachingTheComponent() {
        CircuitBreaker cb = Breakers.breaker("b", clock, 1);
        GuardedRef<String, String> guarded = guardWithFallback(cb);

        answers(guarded, "a", "re:a");
        answers(guarded, "crash", "fallback:crash:MessageCrashedException");
        answers(guarded, "b", "re:b");
        assertThat(cb.getState()).isEqualTo(State.CLOSED); // 3 calls: below minimumNumberOfCalls
        answers(guarded, "crash", "fallback:crash:MessageCrashedException");
        assertThat(cb.getState()).isEqualTo(State.OPEN);
        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
        int reached = target.invocations.get();

        answers(guarded, "c", "fallback:c:CallNotPermittedException");
        answers(guarded, "d", "fallback:d:CallNotPermittedException");

        assertThat(target.invocations).hasValue(reached);
        assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);
        assertThat(target.transitions()).containsExactly("b:CLOSED->CLOSED", "b:CLOSED->OPEN");
    }

    @Test
    void withoutFallbackCallersGetTheCauseAndThenCallNotPermittedException() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .build();

        StepVerifier.create(guarded.ask("crash"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .hasMessage("Message crashed component 'root/b': java.lang.IllegalStateException: boom")
                        .cause().isInstanceOf(IllegalStateException.class).hasMessage("boom"))
                .verify(VERIFY);
        guarded.circuitBreaker().transitionToOpenState();

        StepVerifier.create(guarded.ask("a"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CallNotPermittedException.class)
                        .hasMessage("CircuitBreaker 'b' is OPEN and does not permit further calls"))
                .verify(VERIFY);
    }

    @Test
    void openBreakerTurnsHalfOpenOnTheFirstCallAfterItsWaitOnItsClockAndClosesAfterThePermittedSuccesses() {
        GuardedRef<String, String> guarded = guardWithFallback(Breakers.breaker("b", clock, 2));
        CircuitBreaker cb = guarded.circuitBreaker();
        openByFailures(guarded);

        clock.advance(Breakers.WAIT_IN_OPEN); // not after the wait yet: Resilience4j wants "after"
        answers(guarded, "x", "fallback:x:CallNotPermittedException");
        assertThat(cb.getState()).isEqualTo(State.OPEN);

        clock.advance(Duration.ofMillis(1));
        assertThat(cb.getState()).isEqualTo(State.OPEN); // no automatic transition: the next call makes it
        answers(guarded, "y", "re:y");
        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        answers(guarded, "z", "re:z");

        assertThat(cb.getState()).isEqualTo(State.CLOSED);
        assertThat(target.transitions()).containsExactly("b:CLOSED->CLOSED", "b:CLOSED->OPEN",
                "b:OPEN->HALF_OPEN", "b:HALF_OPEN->CLOSED");
    }

    @Test
    void halfOpenBreakerOpensAgainWhenItsTrialCallsFail() {
        GuardedRef<String, String> guarded = guardWithFallback(Breakers.breaker("b", clock, 2));
        CircuitBreaker cb = guarded.circuitBreaker();
        openByFailures(guarded);
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));

        answers(guarded, "y", "re:y");
        answers(guarded, "crash", "fallback:crash:MessageCrashedException");

        assertThat(cb.getState()).isEqualTo(State.OPEN);
        assertThat(target.transitions()).endsWith("b:OPEN->HALF_OPEN", "b:HALF_OPEN->OPEN");
        answers(guarded, "z", "fallback:z:CallNotPermittedException"); // a new wait has begun
    }

    @Test
    void eachSubscriptionIsOneCallThatTheBreakerCountsOnce() {
        GuardedRef<String, String> guarded = guardWithFallback(Breakers.breaker("b", clock, 1));
        Mono<String> call = guarded.ask("a");
        assertThat(target.invocations).hasValue(0); // nothing is sent before subscription

        StepVerifier.create(call).expectNext("re:a").verifyComplete();
        StepVerifier.create(call).expectNext("re:a").verifyComplete();
        StepVerifier.create(call).expectNext("re:a").verifyComplete();

        assertThat(target.invocations).hasValue(3);
        assertThat(guarded.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
        assertThat(guarded.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
    }

    @Test
    void callToAStoppedComponentFailsFastWithoutBeingSentAndTheBreakerRecordsTheFailure() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .build();
        target.root.stopChild("b", Duration.ofSeconds(1)).block(VERIFY);
        assertThat(target.ref.state()).isEqualTo(ComponentState.STOPPED);
        long deadLetters = target.snapshot().deadLetters();

        StepVerifier.create(guarded.ask("a"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasMessage("Component 'root/b' is STOPPED and does not accept messages"))
                .verify(VERIFY);

        assertThat(guarded.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(target.snapshot().deadLetters()).isEqualTo(deadLetters); // never offered to the mailbox
        assertThat(target.invocations).hasValue(0);
    }

    @Test
    void repliesSlowerThanTheThresholdOnTheBreakersClockAreCountedAsSlow() {
        // the breaker's clock follows virtual time, and times calls with it
        CircuitBreaker cb = CircuitBreaker.of("b", Breakers.config(new SchedulerClock(vts), 1)
                .slidingWindowSize(2).minimumNumberOfCalls(2)
                .slowCallDurationThreshold(Target.SLOW.minusSeconds(1))
                .slowCallRateThreshold(100)
                .build());
        GuardedRef<String, String> guarded = guardWithFallback(cb);

        StepVerifier.create(guarded.ask("fast")).expectNext("re:fast").verifyComplete();
        StepVerifier.create(guarded.ask("slow"))
                .then(() -> vts.advanceTimeBy(Target.SLOW))
                .expectNext("slow")
                .expectComplete()
                .verify(VERIFY);

        assertThat(cb.getMetrics().getNumberOfSlowSuccessfulCalls()).isEqualTo(1);
        assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
        assertThat(cb.getState()).isEqualTo(State.CLOSED); // 50% slow, threshold 100%

        StepVerifier.create(guarded.ask("slow"))
                .then(() -> vts.advanceTimeBy(Target.SLOW))
                .expectNext("slow")
                .expectComplete()
                .verify(VERIFY);

        assertThat(cb.getMetrics().getNumberOfSlowCalls()).isEqualTo(2);
        assertThat(cb.getState()).isEqualTo(State.OPEN); // the window is now [slow, slow]
    }

    @Test
    void withResilience4jsDefaultTimestampFunctionTheClockDoesNotTimeCalls() {
        // only the clock is virtual: calls are timed with System.nanoTime(), so 5 s of
        // virtual time take a few real microseconds and no call is slow
        CircuitBreaker cb = CircuitBreaker.of("b", CircuitBreakerConfig.custom()
                .clock(new SchedulerClock(vts))
                .slowCallDurationThreshold(Duration.ofSeconds(1))
                .build());
        GuardedRef<String, String> guarded = guardWithFallback(cb);

        StepVerifier.create(guarded.ask("slow"))
                .then(() -> vts.advanceTimeBy(Target.SLOW))
                .expectNext("slow")
                .expectComplete()
                .verify(VERIFY);

        assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(cb.getMetrics().getNumberOfSlowCalls()).isZero();
    }

    @Test
    void timeLimiterFailsACallWithoutReplyInTimeTheBreakerRecordsItAndTheComponentStillHandlesTheMessage() {
        CircuitBreaker cb = Breakers.breaker("b", clock, 1);
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(cb)
                .timeLimiter(TimeLimiter.of("b", TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(1))
                        .build()))
                .build();

        StepVerifier.create(guarded.ask("slow"))
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(999)))
                .then(() -> assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero()) // no verdict yet
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(1)))
                .expectError(TimeoutException.class)
                .verify(VERIFY);

        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(target.snapshot().handled()).isZero();
        vts.advanceTimeBy(Target.SLOW);
        assertThat(target.snapshot().handled()).isEqualTo(1); // handled, its reply dropped
        StepVerifier.create(guarded.ask("a")).expectNext("re:a").verifyComplete();
    }

    @Test
    void bulkheadRefusesACallBeyondItsConcurrentCallsAndTheBreakerRecordsTheRefusal() {
        CircuitBreaker cb = Breakers.breaker("b", clock, 1);
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(cb)
                .bulkhead(bulkhead)
                .build();
        StringBuilder first = new StringBuilder();
        guarded.ask("slow").subscribe(first::append);

        StepVerifier.create(guarded.ask("a"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BulkheadFullException.class)
                        .hasMessage("Bulkhead 'bh' is full and does not permit further calls"))
                .verify(VERIFY);
        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(target.invocations).hasValue(1);

        vts.advanceTimeBy(Target.SLOW);
        assertThat(first).hasToString("slow");
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
        StepVerifier.create(guarded.ask("a")).expectNext("re:a").verifyComplete();
    }

    @Test
    void cancelledTrialCallInHalfOpenGivesItsPermissionBackSoALaterCallGoesThroughAndClosesTheBreaker() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .build();
        CircuitBreaker cb = guarded.circuitBreaker();
        cb.transitionToOpenState();
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));

        Disposable trial = guarded.ask("slow").subscribe(); // takes the one trial permission
        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        StepVerifier.create(guarded.ask("a")).expectError(CallNotPermittedException.class).verify(VERIFY);

        trial.dispose(); // Resilience4j 2.4.0's operator releases the permission on cancel

        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero(); // the cancelled call is not counted
        StepVerifier.create(guarded.ask("a"))
                .then(() -> vts.advanceTimeBy(Target.SLOW)) // "a" waits behind "slow" in the mailbox
                .expectNext("re:a")
                .expectComplete()
                .verify(VERIFY);
        assertThat(cb.getState()).isEqualTo(State.CLOSED);
    }

    @Test
    void trialCallCancelledByMonoZipDoesNotKeepTheBreakerHalfOpen() {
        // resilience4j issue 1681: Mono.zip cancels its other sources when one fails
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .build();
        CircuitBreaker cb = guarded.circuitBreaker();
        cb.transitionToOpenState();
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));

        StepVerifier.create(Mono.zip(guarded.ask("slow"), Mono.error(new IllegalStateException("sibling failed"))))
                .expectErrorMessage("sibling failed")
                .verify(VERIFY);

        assertThat(target.invocations).hasValue(1); // the trial call was sent before zip cancelled it
        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        StepVerifier.create(guarded.ask("a"))
                .then(() -> vts.advanceTimeBy(Target.SLOW))
                .expectNext("re:a")
                .expectComplete()
                .verify(VERIFY);
        assertThat(cb.getState()).isEqualTo(State.CLOSED);
    }

    @Test
    void trialCallThatGetsNoReplyIsEndedByTheTimeLimiterSoTheBreakerLeavesHalfOpen() {
        // a hung call is neither answered nor cancelled: only a timeout frees its permission
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .timeLimiter(TimeLimiter.of(Duration.ofSeconds(1)))
                .build();
        CircuitBreaker cb = guarded.circuitBreaker();
        cb.transitionToOpenState();
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));

        StepVerifier.create(guarded.ask("slow"))
                .then(() -> assertThat(cb.getState()).isEqualTo(State.HALF_OPEN))
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
                .expectError(TimeoutException.class)
                .verify(VERIFY);

        assertThat(cb.getState()).isEqualTo(State.OPEN);
        assertThat(target.transitions()).endsWith("b:OPEN->HALF_OPEN", "b:HALF_OPEN->OPEN");
    }

    @Test
    void fallbackThatReturnsNullFailsTheCallWithTheCauseSuppressed() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(target.ref)
                .circuitBreaker(Breakers.breaker("b", clock, 1))
                .fallback((m, cause) -> null)
                .build();

        StepVerifier.create(guarded.ask("crash"))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(NullPointerException.class)
                            .hasMessage("fallback of the guard of 'root/b' returned null instead of a Mono");
                    assertThat(e.getSuppressed()).singleElement().isInstanceOf(MessageCrashedException.class);
                })
                .verify(VERIFY);
    }
}
