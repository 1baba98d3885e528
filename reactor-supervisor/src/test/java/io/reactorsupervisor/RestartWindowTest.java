package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RestartWindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsMaxRestartsWithinTheWindowThenRefuses() {
        RestartWindow window = new RestartWindow(RestartLimit.of(3, Duration.ofSeconds(10)));
        assertThat(window.tryRecord(0)).isTrue();
        assertThat(window.tryRecord(SECOND)).isTrue();
        assertThat(window.tryRecord(2 * SECOND)).isTrue();
        assertThat(window.tryRecord(3 * SECOND)).isFalse();
        assertThat(window.tryRecord(9 * SECOND)).isFalse();
    }

    @Test
    void restartsThatLeftTheWindowNoLongerCount() {
        RestartWindow window = new RestartWindow(RestartLimit.of(2, Duration.ofSeconds(10)));
        assertThat(window.tryRecord(0)).isTrue();
        assertThat(window.tryRecord(5 * SECOND)).isTrue();
        assertThat(window.tryRecord(9 * SECOND)).isFalse();
        // the window is inclusive, as OTP's: the restart at 0 still counts at 10s and leaves it just after
        assertThat(window.tryRecord(10 * SECOND)).isFalse();
        assertThat(window.tryRecord(10 * SECOND + 1)).isTrue();
        assertThat(window.tryRecord(15 * SECOND)).isFalse();
        assertThat(window.tryRecord(15 * SECOND + 1)).isTrue();
    }

    @Test
    void aLargeLimitGrowsItsRingAndKeepsOrder() {
        RestartWindow window = new RestartWindow(RestartLimit.of(100, Duration.ofSeconds(100)));
        for (int i = 0; i < 100; i++) {
            assertThat(window.tryRecord(i * SECOND / 10)).as("restart %d", i).isTrue();
        }
        assertThat(window.tryRecord(20 * SECOND)).isFalse();
        // the oldest (0s) leaves just after 100s, the next (0.1s) just after 100.1s
        assertThat(window.tryRecord(100 * SECOND)).isFalse();
        assertThat(window.tryRecord(100 * SECOND + 1)).isTrue();
        assertThat(window.tryRecord(100 * SECOND + 1)).isFalse();
    }

    @Test
    void unlimitedNeverRefuses() {
        RestartWindow window = new RestartWindow(RestartLimit.unlimited());
        for (int i = 0; i < 10_000; i++) {
            assertThat(window.tryRecord(0)).isTrue();
        }
    }

    @Test
    void clearStartsTheWindowOver() {
        RestartWindow window = new RestartWindow(RestartLimit.of(1, Duration.ofSeconds(10)));
        assertThat(window.tryRecord(0)).isTrue();
        assertThat(window.tryRecord(1)).isFalse();
        window.clear();
        assertThat(window.tryRecord(2)).isTrue();
    }
}
