package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Restart delays against a reference model written here: {@code initial * multiplier^n} in
 * exact decimal arithmetic, floored to nanoseconds and capped at {@code max}; jitter spreads a
 * delay {@code d} over {@code [d - j*d, d + j*d]}, kept within {@code [initial, max]} for
 * backoff; and the sequence starts over after an incarnation ran {@code resetAfter}.
 */
class ReliabilityRestartDelayPropertiesTest {

    private static final long MS = 1_000_000L;

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

    @Property
    void backoffDelaysFollowTheModelAndStayBetweenInitialAndMax(
            @ForAll @LongRange(min = 1, max = 10_000) long initialMillis,
            @ForAll @LongRange(min = 1, max = 10_000) long capFactor,
            @ForAll @DoubleRange(min = 1.0, max = 10.0) double multiplier,
            @ForAll @IntRange(min = 0, max = 300) int attempt) {
        long initial = initialMillis * MS;
        long max = initial * capFactor;
        RestartStrategy s = RestartStrategy.exponentialBackoff(Duration.ofNanos(initial), Duration.ofNanos(max),
                multiplier);

        long delay = s.delay(attempt).toNanos();

        assertThat(delay).isBetween(initial, max);
        assertCloseToModel(delay, model(initial, max, multiplier, attempt));
    }

    @Property
    void backoffDelaysNeverDecreaseAndStayAtTheCapOnceThere(
            @ForAll @LongRange(min = 1, max = 10_000) long initialMillis,
            @ForAll @LongRange(min = 1, max = 1_000) long capFactor,
            @ForAll @DoubleRange(min = 1.0, max = 4.0) double multiplier) {
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

    @Property
    void aMultiplierAboveOneReachesTheCapAndOneNeverGrows(
            @ForAll @LongRange(min = 1, max = 1_000) long initialMillis,
            @ForAll @LongRange(min = 2, max = 1_000) long capFactor,
            @ForAll @DoubleRange(min = 1.5, max = 10.0) double multiplier) {
        Duration initial = Duration.ofMillis(initialMillis);
        Duration max = initial.multipliedBy(capFactor);
        // 1.5^18 > 1000: the cap is reached within 18 attempts, and from then on every delay is the cap
        assertThat(RestartStrategy.exponentialBackoff(initial, max, multiplier).delay(18)).isEqualTo(max);
        assertThat(RestartStrategy.exponentialBackoff(initial, max, 1.0).delay(18)).isEqualTo(initial);
    }

    @Property
    void backoffJitterStaysWithinTheSpreadAndTheBoundsAndGrowsWithTheRandomDraw(
            @ForAll @LongRange(min = 1, max = 10_000) long initialMillis,
            @ForAll @LongRange(min = 1, max = 1_000) long capFactor,
            @ForAll @DoubleRange(min = 1.0, max = 4.0) double multiplier,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double jitter,
            @ForAll @IntRange(min = 0, max = 40) int attempt,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double low,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double high) {
        long initial = initialMillis * MS;
        long max = initial * capFactor;
        RestartStrategy s = RestartStrategy.exponentialBackoff(Duration.ofNanos(initial), Duration.ofNanos(max),
                multiplier).withJitter(jitter);
        long nominal = s.delay(attempt).toNanos();
        long spread = (long) (nominal * jitter);
        long from = Math.max(initial, nominal - spread);
        long to = Math.min(max, nominal + spread);

        long a = s.delay(attempt, Math.min(low, high)).toNanos();
        long b = s.delay(attempt, Math.max(low, high)).toNanos();

        assertThat(a).isBetween(from, to).isLessThanOrEqualTo(b);
        assertThat(b).isBetween(from, to);
        assertThat(s.delay(attempt, 0.0).toNanos()).isEqualTo(from);
        assertThat(s.nextDelay(attempt).toNanos()).isBetween(from, to);
        assertCloseToModel(nominal, model(initial, max, multiplier, attempt));
    }

    @Property
    void aFixedDelaySpreadsSymmetricallyAroundItself(
            @ForAll @LongRange(min = 1, max = 3_600_000) long delayMillis,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double jitter,
            @ForAll @IntRange(min = 0, max = 1_000) int attempt,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double random) {
        long d = delayMillis * MS;
        RestartStrategy s = RestartStrategy.delayed(Duration.ofNanos(d)).withJitter(jitter);
        long spread = (long) (d * jitter);

        assertThat(s.delay(attempt)).isEqualTo(Duration.ofNanos(d));
        assertThat(s.delay(attempt, random).toNanos()).isBetween(d - spread, d + spread);
        assertThat(s.delay(attempt, 0.0).toNanos()).isEqualTo(d - spread);
    }

    /**
     * The delays a supervisor actually waits, on virtual time, for a component that crashes
     * after running for each of the generated uptimes: the attempt counter of the model starts
     * over whenever the incarnation that crashed ran at least {@code resetAfter}.
     */
    @Property(tries = 60)
    void theSupervisorWaitsTheModelsDelaysAndStartsTheSequenceOverAfterResetAfter(
            @ForAll @LongRange(min = 1, max = 1_000) long initialMillis,
            @ForAll @LongRange(min = 1, max = 64) long capFactor,
            @ForAll @DoubleRange(min = 1.0, max = 3.0) double multiplier,
            @ForAll @LongRange(min = 1, max = 5_000) long resetMillis,
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = 0, max = 200) Integer> uptimePercents) {
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
