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

    @Test
    void aHugeLimitKeepsOnlyTheRestartsWithinItsWindow() {
        // of(MAX_VALUE, 1 s) restarted once a millisecond for 100 s: the ring holds about one second of restarts,
        // not all 100,000 of them (an unbounded ring ran a crash-looping child out of memory)
        RestartWindow window = new RestartWindow(RestartLimit.of(Integer.MAX_VALUE, Duration.ofSeconds(1)));
        long millisecond = SECOND / 1000;
        for (int i = 0; i < 100_000; i++) {
            assertThat(window.tryRecord(i * millisecond)).isTrue();
        }
        assertThat(window.capacity()).isBetween(1001, 2048);
        assertThat(window.countWithin(99_999 * millisecond)).isEqualTo(1001); // inclusive: 99.0 s to 99.999 s
    }

    @Test
    void countWithinCountsTheRingInItsOrderAfterOldRestartsLeft() {
        RestartWindow window = new RestartWindow(RestartLimit.of(4, Duration.ofSeconds(10)));
        for (int i = 0; i < 4; i++) {
            assertThat(window.tryRecord(i * SECOND)).isTrue(); // 0, 1, 2, 3 s
        }
        assertThat(window.tryRecord(12 * SECOND)).isTrue(); // 0 s and 1 s leave; the ring wraps
        assertThat(window.tryRecord(13 * SECOND)).isTrue();
        assertThat(window.countWithin(13 * SECOND)).isEqualTo(3); // 3, 12, 13 s: 0 and 1 s left at 12 s, 2 s at 13 s
        assertThat(window.countWithin(14 * SECOND)).isEqualTo(2);
        assertThat(window.tryRecord(13 * SECOND)).isTrue();
        assertThat(window.tryRecord(13 * SECOND)).isFalse(); // 3, 12, 13, 13 s: four within the window
    }

    @Test
    void aLimitEqualToUnlimitedIsUnlimited() {
        RestartLimit same = RestartLimit.of(Integer.MAX_VALUE, Duration.ofNanos(1));
        assertThat(same).isEqualTo(RestartLimit.unlimited());
        assertThat(same.isUnlimited()).isTrue();
        assertThat(same).hasToString("RestartLimit.unlimited()");
        assertThat(RestartLimit.of(Integer.MAX_VALUE, Duration.ofSeconds(1)).isUnlimited()).isFalse();
    }
}
