package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link RestartWindow} against a reference model: the list of every restart it recorded; a
 * restart at {@code now} is allowed when fewer than {@code maxRestarts} recorded restarts lie
 * in {@code (now - within, now]}. Steps are gaps of time (time never goes back) and clears.
 */
class ReliabilityRestartWindowPropertiesTest {

    /** A step of the generated history: a gap before the next restart, or -1 for a clear. */
    private static final int CLEAR = -1;

    /** The reference model: every recorded restart, oldest first. */
    static final class Model {
        final int max;
        final long within;
        final List<Long> recorded = new ArrayList<>();

        Model(int max, long within) {
            this.max = max;
            this.within = within;
        }

        boolean tryRecord(long now) {
            long inWindow = recorded.stream().filter(t -> now - t < within).count();
            if (inWindow >= max) {
                return false;
            }
            recorded.add(now);
            return true;
        }

        void clear() {
            recorded.clear();
        }
    }

    @Property(tries = 2_000)
    void allowsExactlyWhatTheModelAllows(
            @ForAll @IntRange(min = 1, max = 12) int maxRestarts,
            @ForAll @LongRange(min = 1, max = 1_000) long within,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long start,
            @ForAll @Size(max = 300) List<@IntRange(min = CLEAR, max = 400) Integer> steps) {
        RestartWindow window = new RestartWindow(RestartLimit.of(maxRestarts, Duration.ofNanos(within)));
        Model model = new Model(maxRestarts, within);
        long now = start;
        int step = 0;
        for (int gap : steps) {
            step++;
            if (gap == CLEAR) {
                window.clear();
                model.clear();
                continue;
            }
            now += gap;
            assertThat(window.tryRecord(now)).as("step %d at %d, recorded %s", step, now, model.recorded)
                    .isEqualTo(model.tryRecord(now));
        }
    }

    @Property(tries = 500)
    void neverAllowsMoreThanMaxRestartsInAnyWindow(
            @ForAll @IntRange(min = 1, max = 12) int maxRestarts,
            @ForAll @LongRange(min = 1, max = 1_000) long within,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 100) Integer> gaps) {
        RestartWindow window = new RestartWindow(RestartLimit.of(maxRestarts, Duration.ofNanos(within)));
        List<Long> allowed = new ArrayList<>();
        long now = 0;
        for (int gap : gaps) {
            now += gap;
            if (window.tryRecord(now)) {
                allowed.add(now);
            }
        }
        for (int i = maxRestarts; i < allowed.size(); i++) {
            // restart i and the maxRestarts before it cannot all fit in one window
            assertThat(allowed.get(i) - allowed.get(i - maxRestarts)).isGreaterThanOrEqualTo(within);
        }
    }

    @Property(tries = 200)
    void aRestartIsAlwaysAllowedOnceTheWholeWindowHasPassed(
            @ForAll @IntRange(min = 1, max = 12) int maxRestarts,
            @ForAll @LongRange(min = 1, max = 1_000) long within,
            @ForAll @Size(max = 100) List<@IntRange(min = 0, max = 100) Integer> gaps) {
        RestartWindow window = new RestartWindow(RestartLimit.of(maxRestarts, Duration.ofNanos(within)));
        long now = 0;
        for (int gap : gaps) {
            now += gap;
            window.tryRecord(now);
        }
        assertThat(window.tryRecord(now + within)).isTrue();
    }

    @Property(tries = 100)
    void unlimitedAllowsEverything(@ForAll @Size(max = 500) List<@LongRange(min = 0, max = 10) Long> gaps) {
        RestartWindow window = new RestartWindow(RestartLimit.unlimited());
        long now = 0;
        for (long gap : gaps) {
            now += gap;
            assertThat(window.tryRecord(now)).isTrue();
        }
    }
}
