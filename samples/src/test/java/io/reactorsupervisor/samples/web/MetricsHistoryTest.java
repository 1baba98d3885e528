package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.micrometer.SupervisorMetrics;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The charts' data: rates of the registry's counters per component, a fixed number of samples back. */
class MetricsHistoryTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private AtomicLong counter(String name, String component, String... moreTags) {
        AtomicLong value = new AtomicLong();
        FunctionCounter.builder(name, value, AtomicLong::doubleValue).tag("component", component).tags(moreTags)
                .register(registry);
        return value;
    }

    @Test
    void aRateIsTheIncreaseOverTheTimeBetweenTwoSamples() {
        AtomicLong handled = counter(SupervisorMetrics.HANDLED, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 10);

        handled.set(100);
        history.sample(1_000); // the baseline
        handled.set(110);
        history.sample(2_000);
        handled.set(130);
        history.sample(4_000);

        MetricsView view = history.view();
        assertThat(view.times()).containsExactly(2.0, 4.0);
        assertThat(view.components()).containsExactly("shop/a");
        assertThat(view.series().get("handled").get("shop/a")).containsExactly(10.0, 10.0);
        assertThat(view.series().get("crashes").get("shop/a")).containsExactly(0.0, 0.0);
    }

    @Test
    void deadLettersOfEveryReasonAddUp() {
        AtomicLong crashed = counter(SupervisorMetrics.DEAD_LETTERS, "shop/a", "reason", "crashed");
        AtomicLong full = counter(SupervisorMetrics.DEAD_LETTERS, "shop/a", "reason", "mailbox_full");
        MetricsHistory history = new MetricsHistory(registry, 10);
        history.sample(0);
        crashed.set(2);
        full.set(3);
        history.sample(1_000);

        assertThat(history.view().series().get("deadLetters").get("shop/a")).containsExactly(5.0);
    }

    @Test
    void aComponentThatAppearsLaterHasZerosBeforeAndOneThatGoesAwayHasZerosAfter() {
        AtomicLong a = counter(SupervisorMetrics.CRASHES, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 10);
        history.sample(0);
        a.set(1);
        history.sample(1_000);
        AtomicLong b = counter(SupervisorMetrics.CRASHES, "shop/b");
        b.set(4); // its first value counts from zero: it crashed 4 times since it appeared
        history.sample(2_000);
        for (Meter m : registry.find(SupervisorMetrics.CRASHES).tag("component", "shop/a").meters()) {
            registry.remove(m);
        }
        history.sample(3_000);

        MetricsView view = history.view();
        assertThat(view.components()).containsExactly("shop/a", "shop/b");
        assertThat(view.series().get("crashes").get("shop/a")).containsExactly(1.0, 0.0, 0.0);
        assertThat(view.series().get("crashes").get("shop/b")).containsExactly(0.0, 4.0, 0.0);
    }

    @Test
    void aCounterThatWentDownStartedAgainFromZero() {
        AtomicLong restarts = counter(SupervisorMetrics.RESTARTS, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 10);
        restarts.set(7);
        history.sample(0);
        restarts.set(2); // removed and added again: a new counter
        history.sample(1_000);

        assertThat(history.view().series().get("restarts").get("shop/a")).containsExactly(2.0);
    }

    @Test
    void theOldestSamplesDropOutBeyondTheCapacity() {
        AtomicLong handled = counter(SupervisorMetrics.HANDLED, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 3);
        for (int i = 0; i <= 5; i++) {
            handled.set(i * i);
            history.sample(i * 1_000L);
        }
        MetricsView view = history.view();
        assertThat(view.times()).containsExactly(3.0, 4.0, 5.0);
        assertThat(view.series().get("handled").get("shop/a")).containsExactly(5.0, 7.0, 9.0);
    }

    @Test
    void aSampleAtTheSameTimeOrEarlierOnlyMovesTheBaseline() {
        AtomicLong handled = counter(SupervisorMetrics.HANDLED, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 10);
        history.sample(1_000);
        handled.set(50);
        history.sample(1_000); // no time passed: no rate, no division by zero
        handled.set(60);
        history.sample(2_000);

        assertThat(history.view().series().get("handled").get("shop/a")).containsExactly(10.0);
    }

    @Test
    void metersWithoutAComponentTagAndOtherMetersAreLeftOut() {
        registry.counter(SupervisorMetrics.HANDLED, "supervisor.strategy", "one_for_one").increment(9);
        registry.gauge(SupervisorMetrics.MAILBOX_DEPTH, List.of(io.micrometer.core.instrument.Tag.of("component", "x")),
                5);
        MetricsHistory history = new MetricsHistory(registry, 10);
        history.sample(0);
        history.sample(1_000);

        assertThat(history.view().components()).isEmpty();
        assertThat(history.view().times()).containsExactly(1.0);
    }

    @Test
    void startedItSamplesEveryStepOnItsScheduler() {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
        AtomicLong handled = counter(SupervisorMetrics.HANDLED, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 300).start(Duration.ofSeconds(1), scheduler);
        try {
            for (int i = 1; i <= 4; i++) {
                handled.addAndGet(3);
                scheduler.advanceTimeBy(Duration.ofSeconds(1));
            }
            assertThat(history.view().series().get("handled").get("shop/a")).containsExactly(3.0, 3.0, 3.0, 3.0);
            history.close();
            handled.addAndGet(3);
            scheduler.advanceTimeBy(Duration.ofSeconds(5));
            assertThat(history.view().times()).hasSize(4);
        } finally {
            history.close();
            scheduler.dispose();
        }
    }

    @Test
    void aViewSinceATimeHasTheLaterSamplesOnlyForEveryComponent() {
        AtomicLong a = counter(SupervisorMetrics.HANDLED, "shop/a");
        MetricsHistory history = new MetricsHistory(registry, 10);
        for (int i = 0; i <= 4; i++) {
            a.set(i * 2L);
            history.sample(i * 1_000L);
        }
        counter(SupervisorMetrics.HANDLED, "shop/b").set(5);
        history.sample(5_000);

        MetricsView since = history.view(3.0);
        assertThat(since.times()).containsExactly(4.0, 5.0);
        assertThat(since.components()).containsExactly("shop/a", "shop/b");
        assertThat(since.series().get("handled").get("shop/a")).containsExactly(2.0, 0.0);
        assertThat(since.series().get("handled").get("shop/b")).containsExactly(0.0, 5.0);
        assertThat(history.view(5.0).times()).isEmpty();
        assertThat(history.view(5.0).series().get("handled").get("shop/a")).isEmpty();
        assertThat(history.view(Double.NEGATIVE_INFINITY)).isEqualTo(history.view());
    }

    @Test
    void aCapacityBelowTwoIsRefused() {
        assertThatThrownBy(() -> new MetricsHistory(registry, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be at least 2, but was 1");
    }
}
