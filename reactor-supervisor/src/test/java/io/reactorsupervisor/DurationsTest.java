package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Durations in logs, reasons and renders read as people write them. */
class DurationsTest {

    @Test
    void eachRangeInItsUnit() {
        assertThat(Durations.human(Duration.ZERO)).isEqualTo("0 s");
        assertThat(Durations.human(Duration.ofNanos(1))).isEqualTo("1 ns");
        assertThat(Durations.human(Duration.ofNanos(999))).isEqualTo("999 ns");
        assertThat(Durations.human(Duration.ofNanos(12_500))).isEqualTo("12.5 µs");
        assertThat(Durations.human(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Durations.human(Duration.ofNanos(1_234_567))).isEqualTo("1.234 ms");
        assertThat(Durations.human(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(Durations.human(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(Durations.human(Duration.ofSeconds(60))).isEqualTo("1 min");
        assertThat(Durations.human(Duration.ofSeconds(150))).isEqualTo("2 min 30 s");
        assertThat(Durations.human(Duration.ofMillis(61_500))).isEqualTo("1 min 1.5 s");
        assertThat(Durations.human(Duration.ofMinutes(65))).isEqualTo("1 h 5 min");
        assertThat(Durations.human(Duration.ofHours(2))).isEqualTo("2 h");
        assertThat(Durations.human(Duration.ofHours(28))).isEqualTo("1 d 4 h");
        assertThat(Durations.human(Checks.MAX_DURATION)).isEqualTo("36500 d");
        assertThat(Durations.human(Duration.ofMillis(-250))).isEqualTo("-250 ms");
    }

    @Test
    void aRestartingEventShowsItsDelayAsPeopleWriteIt() {
        SupervisionEvent.Restarting e = new SupervisionEvent.Restarting("root/c", java.time.Instant.EPOCH, 2,
                Duration.ofMillis(1500), new IllegalStateException("boom"));
        assertThat(e.toString()).isEqualTo("Restarting[path=root/c, timestamp=1970-01-01T00:00:00Z, attempt=2, "
                + "delay=1.5 s, cause=java.lang.IllegalStateException: boom]");
        assertThat(e.delay()).isEqualTo(Duration.ofMillis(1500)); // the value itself stays a Duration
    }
}
