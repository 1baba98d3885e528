package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class RestartStrategyTest {

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    @Test
    void immediateHasNoDelay() {
        assertThat(RestartStrategy.immediate().delay(0)).isZero();
        assertThat(RestartStrategy.immediate().delay(100)).isZero();
    }

    @Test
    void delayedWaitsTheSameDelayEveryTime() {
        RestartStrategy delayed = RestartStrategy.delayed(Duration.ofMillis(250));
        assertThat(delayed.delay(0)).isEqualTo(Duration.ofMillis(250));
        assertThat(delayed.delay(7)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void exponentialBackoffDoublesUpToTheCap() {
        RestartStrategy backoff = RestartStrategy.exponentialBackoff(s(1), s(60), 2.0);
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 0; attempt < 9; attempt++) {
            delays.add(backoff.delay(attempt));
        }
        assertThat(delays).containsExactly(s(1), s(2), s(4), s(8), s(16), s(32), s(60), s(60), s(60));
    }

    @Test
    void exponentialBackoffNeverOverflowsForHugeAttempts() {
        RestartStrategy backoff = RestartStrategy.exponentialBackoff(s(1), s(60), 10.0);
        assertThat(backoff.delay(Long.MAX_VALUE)).isEqualTo(s(60));
    }

    @Test
    void multiplierOfOneIsAFixedBackoff() {
        RestartStrategy backoff = RestartStrategy.exponentialBackoff(s(3), s(60), 1.0);
        assertThat(backoff.delay(0)).isEqualTo(s(3));
        assertThat(backoff.delay(40)).isEqualTo(s(3));
    }

    @Test
    void jitterStaysWithinItsBoundsAndTheCap() {
        RestartStrategy backoff = RestartStrategy.exponentialBackoff(s(1), s(60), 2.0).withJitter(0.5);
        List<Long> waited = ReliabilityRestartDelayPropertiesTest.waitedDelays(backoff, 25);
        // attempt 0: nominal 1s, never below initial
        assertThat(waited.get(0)).isBetween(s(1).toNanos(), s(1).plusMillis(500).toNanos());
        // attempt 2: nominal 4s, spread +-2s
        assertThat(waited.get(2)).isBetween(s(2).toNanos(), s(6).toNanos());
        // capped attempts: nominal 60s, never above max
        assertThat(waited.get(20)).isBetween(s(30).toNanos(), s(60).toNanos());
    }

    @Test
    void jitterOnAFixedDelayOnlyLengthensIt() {
        RestartStrategy delayed = RestartStrategy.delayed(s(10)).withJitter(0.1);
        assertThat(ReliabilityRestartDelayPropertiesTest.waitedDelays(delayed, 100))
                .allSatisfy(d -> assertThat(d).isBetween(s(10).toNanos(), s(11).toNanos()))
                .anySatisfy(d -> assertThat(d).isGreaterThan(s(10).toNanos()));
    }

    @Test
    void builderMethodsProduceNewInstances() {
        RestartStrategy template = RestartStrategy.exponentialBackoff(s(1), s(60), 2.0);
        RestartStrategy jittered = template.withJitter(0.2);
        RestartStrategy reset = template.withResetAfter(s(300));
        assertThat(jittered).isNotSameAs(template).isNotEqualTo(template);
        assertThat(template.jitter()).isZero();
        assertThat(jittered.jitter()).isEqualTo(0.2);
        assertThat(template.resetAfter()).isEqualTo(s(60));
        assertThat(reset.resetAfter()).isEqualTo(s(300));
        assertThat(template).isEqualTo(RestartStrategy.exponentialBackoff(s(1), s(60), 2.0))
                .hasSameHashCodeAs(RestartStrategy.exponentialBackoff(s(1), s(60), 2.0));
    }

    @Test
    void schedulerIsResolvedWhenUsedSoVirtualTimeReplacesIt() {
        RestartStrategy strategy = RestartStrategy.delayed(s(1)); // built before virtual time
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        try {
            vts.advanceTimeBy(Duration.ofHours(5));
            assertThat(strategy.scheduler().now(TimeUnit.HOURS)).isEqualTo(5);
        } finally {
            VirtualTimeScheduler.reset();
        }
        // back on the real clock: hours since the epoch, not 5
        assertThat(strategy.scheduler().now(TimeUnit.HOURS)).isGreaterThan(400_000L);
    }

    @Test
    void toStringNamesTheStrategy() {
        assertThat(RestartStrategy.immediate()).hasToString("RestartStrategy.immediate()");
        assertThat(RestartStrategy.delayed(s(2))).hasToString("RestartStrategy.delayed(PT2S)");
        assertThat(RestartStrategy.exponentialBackoff(s(1), s(8), 2.0).withJitter(0.1))
                .hasToString("RestartStrategy.exponentialBackoff(PT1S, PT8S, 2.0, jitter 0.1, resetAfter PT8S)");
    }

    @Test
    void optionsThatDoNotApplyAreRefused() {
        assertThatThrownBy(() -> RestartStrategy.immediate().withJitter(0.1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("withJitter applies to delayed and exponentialBackoff, not immediate");
        assertThatThrownBy(() -> RestartStrategy.delayed(s(1)).withResetAfter(s(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("withResetAfter applies to exponentialBackoff only");
    }

    @Test
    void negativeAttemptIsRefused() {
        assertThatThrownBy(() -> RestartStrategy.immediate().delay(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempt must be >= 0, but was -1");
    }
}
