package io.reactorsupervisor;

import static io.reactorsupervisor.SeededRandom.cases;
import static io.reactorsupervisor.SeededRandom.doubles;
import static io.reactorsupervisor.SeededRandom.ints;
import static io.reactorsupervisor.SeededRandom.lists;
import static io.reactorsupervisor.SeededRandom.longs;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Restart delays against a reference model written here: {@code initial * multiplier^n} in
 * exact decimal arithmetic, floored to nanoseconds and capped at {@code max}; jitter spreads a
 * delay {@code d} over {@code [d - j*d, d + j*d]}, kept within {@code [initial, max]} for
 * backoff; and the sequence starts over after an incarnation ran {@code resetAfter}.
 *
 * <p>Each property runs on {@link SeededRandom} cases: the edge values of its ranges, then seeded
 * random ones; a failure names the seed and the case.
 */
@ExtendWith(SeededRandom.ReportSeed.class)
class ReliabilityRestartDelayPropertiesTest {

    private static final long MS = 1_000_000L;

    /** Cases of a cheap property. */
    private static final int TRIES = 1_000;

    /** Cases of the property that runs a supervisor on virtual time. */
    private static final int SUPERVISOR_TRIES = 200;

    /** The reference model of the nominal delay, in nanoseconds. */
    static long model(long initialNanos, long maxNanos, double multiplier, long attempt) {
        BigDecimal max = BigDecimal.valueOf(maxNanos);
        BigDecimal m = new BigDecimal(multiplier);
        BigDecimal d = BigDecimal.valueOf(initialNanos);
        for (long i = 0; i < attempt; i++) {
            if (d.compareTo(max) >= 0) {
                return maxNanos;
            }
            d = d.multiply(m, MathContext.DECIMAL128);
        }
        return d.compareTo(max) >= 0 ? maxNanos : d.longValue();
    }

    /** The library computes in doubles: allow the last nanosecond and a relative 1e-12. */
    private static void assertCloseToModel(long actual, long model) {
        long tolerance = 1 + (long) (model * 1e-12);
        assertThat(actual).isBetween(model - tolerance, model + tolerance);
    }

    static Stream<Arguments> backoffDelaysFollowTheModelAndStayBetweenInitialAndMax(TestInfo property) {
        return cases(property, TRIES,
                longs("initialMillis", 1, 10_000),
                longs("capFactor", 1, 10_000),
                doubles("multiplier", 1.0, 10.0),
                ints("attempt", 0, 300));
    }

    @ParameterizedTest
    @MethodSource
    void backoffDelaysFollowTheModelAndStayBetweenInitialAndMax(
            long initialMillis, long capFactor, double multiplier, int attempt) {
        long initial = initialMillis * MS;
        long max = initial * capFactor;
        RestartStrategy s = RestartStrategy.exponentialBackoff(Duration.ofNanos(initial), Duration.ofNanos(max),
                multiplier);

        long delay = s.delay(attempt).toNanos();

        assertThat(delay).isBetween(initial, max);
        assertCloseToModel(delay, model(initial, max, multiplier, attempt));
    }

    static Stream<Arguments> backoffDelaysNeverDecreaseAndStayAtTheCapOnceThere(TestInfo property) {
        return cases(property, TRIES,
                longs("initialMillis", 1, 10_000),
                longs("capFactor", 1, 1_000),
                doubles("multiplier", 1.0, 4.0));
    }

    @ParameterizedTest
    @MethodSource
    void backoffDelaysNeverDecreaseAndStayAtTheCapOnceThere(long initialMillis, long capFactor, double multiplier) {
        long initial = initialMillis * MS;
        Duration max = Duration.ofNanos(initial * capFactor);
        RestartStrategy s = RestartStrategy.exponentialBackoff(Duration.ofNanos(initial), max, multiplier);

        Duration previous = s.delay(0);
        assertThat(previous).isEqualTo(Duration.ofNanos(initial));
        for (int attempt = 1; attempt <= 100; attempt++) {
            Duration next = s.delay(attempt);
            assertThat(next).as("attempt %d after %s", attempt, previous).isGreaterThanOrEqualTo(previous);
            if (previous.equals(max)) {
                assertThat(next).isEqualTo(max);
            }
            previous = next;
        }
    }

    static Stream<Arguments> aMultiplierAboveOneReachesTheCapAndOneNeverGrows(TestInfo property) {
        return cases(property, TRIES,
                longs("initialMillis", 1, 1_000),
                longs("capFactor", 2, 1_000),
                doubles("multiplier", 1.5, 10.0));
    }

    @ParameterizedTest
    @MethodSource
    void aMultiplierAboveOneReachesTheCapAndOneNeverGrows(long initialMillis, long capFactor, double multiplier) {
        Duration initial = Duration.ofMillis(initialMillis);
        Duration max = initial.multipliedBy(capFactor);
        // 1.5^18 > 1000: the cap is reached within 18 attempts, and from then on every delay is the cap
        assertThat(RestartStrategy.exponentialBackoff(initial, max, multiplier).delay(18)).isEqualTo(max);
        assertThat(RestartStrategy.exponentialBackoff(initial, max, 1.0).delay(18)).isEqualTo(initial);
    }

    /**
     * The delays Reactor's spec actually waits, on virtual time, before each of {@code retries}
     * retries of a source that always fails: what a crash-looping component waits.
     */
    static List<Long> waitedDelays(RestartStrategy s, int retries) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        try {
            List<Long> subscriptions = new ArrayList<>();
            Disposable d = reactor.core.publisher.Flux.defer(() -> {
                subscriptions.add(vts.now(java.util.concurrent.TimeUnit.NANOSECONDS));
                return reactor.core.publisher.Flux.error(new IllegalStateException("crash"));
            }).retryWhen(s.backoff().maxAttempts(retries)).subscribe(x -> { }, e -> { });
            vts.advanceTimeBy(Duration.ofDays(36_500L * 2));
            d.dispose();
            List<Long> delays = new ArrayList<>();
            for (int i = 1; i < subscriptions.size(); i++) {
                delays.add(subscriptions.get(i) - subscriptions.get(i - 1));
            }
            assertThat(delays).hasSize(retries);
            return delays;
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    static Stream<Arguments> backoffJitterStaysWithinTheSpreadAndTheBounds(TestInfo property) {
        return cases(property, 300,
                longs("initialMillis", 1, 10_000),
                longs("capFactor", 1, 1_000),
                doubles("multiplier", 1.0, 4.0),
                doubles("jitter", 0.0, 1.0),
                ints("attempts", 1, 40));
    }

    /**
     * Reactor spreads a delay {@code d} over {@code [d - j*d, d + j*d]}, kept within
     * {@code [initial, max]}, in whole milliseconds (so within a millisecond of the model);
     * without jitter every delay is the model's, to the nanosecond.
     */
    @ParameterizedTest
    @MethodSource
    void backoffJitterStaysWithinTheSpreadAndTheBounds(long initialMillis, long capFactor, double multiplier,
            double jitter, int attempts) {
        long initial = initialMillis * MS;
        long max = initial * capFactor;
        RestartStrategy plain = RestartStrategy.exponentialBackoff(Duration.ofNanos(initial), Duration.ofNanos(max),
                multiplier);
        RestartStrategy s = plain.withJitter(jitter);

        List<Long> waited = waitedDelays(s, attempts);
        List<Long> exact = waitedDelays(plain, attempts);
        for (int attempt = 0; attempt < attempts; attempt++) {
            long nominal = s.delay(attempt).toNanos();
            long spread = (long) (nominal * jitter);
            long from = Math.max(initial, nominal - spread) - MS;
            long to = Math.min(max, nominal + spread) + MS;
            assertThat(waited.get(attempt)).as("attempt %d, nominal %d ns", attempt, nominal).isBetween(from, to);
            assertThat(exact.get(attempt)).as("attempt %d without jitter", attempt).isEqualTo(nominal);
            assertCloseToModel(nominal, model(initial, max, multiplier, attempt));
        }
    }

    static Stream<Arguments> aFixedDelayWithJitterWaitsAtLeastTheDelay(TestInfo property) {
        return cases(property, 300,
                longs("delayMillis", 1, 3_600_000),
                doubles("jitter", 0.0, 1.0),
                ints("attempts", 1, 20));
    }

    /** A fixed delay is a minimum: with jitter {@code j} a delay {@code d} becomes one in {@code [d, d + j*d]}. */
    @ParameterizedTest
    @MethodSource
    void aFixedDelayWithJitterWaitsAtLeastTheDelay(long delayMillis, double jitter, int attempts) {
        long d = delayMillis * MS;
        RestartStrategy s = RestartStrategy.delayed(Duration.ofNanos(d)).withJitter(jitter);
        long spread = (long) (d * jitter);

        assertThat(s.delay(attempts)).isEqualTo(Duration.ofNanos(d));
        for (long waited : waitedDelays(s, attempts)) {
            assertThat(waited).isBetween(d, d + spread + MS);
        }
        assertThat(waitedDelays(RestartStrategy.delayed(Duration.ofNanos(d)), attempts)).containsOnly(d);
    }

    static Stream<Arguments> theSupervisorWaitsTheModelsDelaysAndStartsTheSequenceOverAfterResetAfter(
            TestInfo property) {
        return cases(property, SUPERVISOR_TRIES,
                longs("initialMillis", 1, 1_000),
                longs("capFactor", 1, 64),
                doubles("multiplier", 1.0, 3.0),
                longs("resetMillis", 1, 5_000),
                lists("uptimePercents", 1, 25, ints("uptimePercent", 0, 200)));
    }

    /**
     * The delays a supervisor actually waits, on virtual time, for a component that crashes
     * after running for each of the generated uptimes: the attempt counter of the model starts
     * over whenever the incarnation that crashed ran at least {@code resetAfter}.
     */
    @ParameterizedTest
    @MethodSource
    void theSupervisorWaitsTheModelsDelaysAndStartsTheSequenceOverAfterResetAfter(long initialMillis,
            long capFactor, double multiplier, long resetMillis, List<Integer> uptimePercents) {
        Duration initial = Duration.ofMillis(initialMillis);
        Duration max = initial.multipliedBy(capFactor);
        Duration resetAfter = Duration.ofMillis(resetMillis);
        List<Duration> uptimes = uptimePercents.stream().map(p -> Duration.ofMillis(resetMillis * p / 100))
                .collect(Collectors.toList());

        List<Duration> expected = new ArrayList<>();
        long attempt = 0;
        for (Duration uptime : uptimes) {
            if (uptime.compareTo(resetAfter) >= 0) {
                attempt = 0;
            }
            expected.add(Duration.ofNanos(model(initial.toNanos(), max.toNanos(), multiplier, attempt++)));
        }

        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        try {
            ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                    .state(Object::new)
                    .syncHandler((s, m) -> {
                        throw new IllegalStateException(m);
                    })
                    .restart(RestartStrategy.exponentialBackoff(initial, max, multiplier).withResetAfter(resetAfter))
                    .limit(RestartLimit.unlimited())
                    .build();
            Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec).start();
            List<Duration> waited = new ArrayList<>();
            Disposable d = root.events().ofType(SupervisionEvent.Restarting.class)
                    .subscribe(e -> waited.add(e.delay()));
            ComponentRef<String, String> ref = root.ref(spec);
            for (Duration uptime : uptimes) {
                vts.advanceTimeBy(uptime);
                ref.tell("crash");
                vts.advanceTimeBy(waited.get(waited.size() - 1)); // the next incarnation starts
                assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
            }
            d.dispose();
            root.shutdown(Duration.ofSeconds(1)).subscribe();
            vts.advanceTimeBy(Duration.ofSeconds(1));

            assertThat(waited).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertCloseToModel(waited.get(i).toNanos(), expected.get(i).toNanos());
            }
        } finally {
            VirtualTimeScheduler.reset();
        }
    }
}
