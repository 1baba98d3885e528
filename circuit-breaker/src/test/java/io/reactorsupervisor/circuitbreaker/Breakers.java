package io.reactorsupervisor.circuitbreaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;

/** Small, fast breakers for tests: every time they read comes from the given clock. */
final class Breakers {

    static final Duration WAIT_IN_OPEN = Duration.ofSeconds(30);

    private Breakers() {
    }

    /**
     * Count-based window of 4 calls, all needed before a verdict; opens at 50% failures;
     * stays open 30 s; {@code permittedInHalfOpen} trial calls. Times calls on {@code clock}.
     */
    static CircuitBreakerConfig.Builder config(Clock clock, int permittedInHalfOpen) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(WAIT_IN_OPEN)
                .permittedNumberOfCallsInHalfOpenState(permittedInHalfOpen)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                // without this, Resilience4j times calls with System.nanoTime(), not the clock
                .currentTimestampFunction(Breakers::nanos, TimeUnit.NANOSECONDS);
    }

    static CircuitBreaker breaker(String name, Clock clock, int permittedInHalfOpen) {
        return CircuitBreaker.of(name, config(clock, permittedInHalfOpen).build());
    }

    static long nanos(Clock clock) {
        Instant i = clock.instant();
        return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
    }
}
