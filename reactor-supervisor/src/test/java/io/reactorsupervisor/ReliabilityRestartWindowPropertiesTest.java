package io.reactorsupervisor;

import static io.reactorsupervisor.SeededRandom.cases;
import static io.reactorsupervisor.SeededRandom.ints;
import static io.reactorsupervisor.SeededRandom.lists;
import static io.reactorsupervisor.SeededRandom.longs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RestartWindow} against a reference model: the list of every restart it recorded; a
 * restart at {@code now} is allowed when fewer than {@code maxRestarts} recorded restarts lie
 * in {@code [now - within, now]}: the window is inclusive, as OTP's. Steps are gaps of time (time never goes back) and clears.
 *
 * <p>Each property runs on {@link SeededRandom} cases: the edge values of its ranges, then seeded
 * random ones; a failure names the seed and the case.
 */
@ExtendWith(SeededRandom.ReportSeed.class)
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
            long inWindow = recorded.stream().filter(t -> now - t <= within).count();
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

    static Stream<Arguments> allowsExactlyWhatTheModelAllows(TestInfo property) {
        return cases(property, 2_000,
                ints("maxRestarts", 1, 12),
                longs("within", 1, 1_000),
                longs("start", -1_000_000_000_000L, 1_000_000_000_000L),
                lists("steps", 0, 300, ints("step", CLEAR, 400)));
    }

    @ParameterizedTest
    @MethodSource
    void allowsExactlyWhatTheModelAllows(int maxRestarts, long within, long start, List<Integer> steps) {
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

    static Stream<Arguments> neverAllowsMoreThanMaxRestartsInAnyWindow(TestInfo property) {
        return cases(property, 500,
                ints("maxRestarts", 1, 12),
                longs("within", 1, 1_000),
                lists("gaps", 0, 300, ints("gap", 0, 100)));
    }

    @ParameterizedTest
    @MethodSource
    void neverAllowsMoreThanMaxRestartsInAnyWindow(int maxRestarts, long within, List<Integer> gaps) {
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
            assertThat(allowed.get(i) - allowed.get(i - maxRestarts)).isGreaterThan(within);
        }
    }

    static Stream<Arguments> aRestartIsAlwaysAllowedOnceTheWholeWindowHasPassed(TestInfo property) {
        return cases(property, 200,
                ints("maxRestarts", 1, 12),
                longs("within", 1, 1_000),
                lists("gaps", 0, 100, ints("gap", 0, 100)));
    }

    @ParameterizedTest
    @MethodSource
    void aRestartIsAlwaysAllowedOnceTheWholeWindowHasPassed(int maxRestarts, long within, List<Integer> gaps) {
        RestartWindow window = new RestartWindow(RestartLimit.of(maxRestarts, Duration.ofNanos(within)));
        long now = 0;
        for (int gap : gaps) {
            now += gap;
            window.tryRecord(now);
        }
        assertThat(window.tryRecord(now + within + 1)).isTrue();
        assertThat(new RestartWindow(RestartLimit.of(1, Duration.ofNanos(within))).tryRecord(now)).isTrue();
    }

    static Stream<Arguments> unlimitedAllowsEverything(TestInfo property) {
        return cases(property, 100, lists("gaps", 0, 500, longs("gap", 0, 10)));
    }

    @ParameterizedTest
    @MethodSource
    void unlimitedAllowsEverything(List<Long> gaps) {
        RestartWindow window = new RestartWindow(RestartLimit.unlimited());
        long now = 0;
        for (long gap : gaps) {
            now += gap;
            assertThat(window.tryRecord(now)).isTrue();
        }
    }
}
