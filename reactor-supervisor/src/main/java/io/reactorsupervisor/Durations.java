package io.reactorsupervisor;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as people write them, for logs, event reasons, exception messages and
 * {@link SupervisorSnapshot#render()}: {@code 250 ms}, {@code 1.5 s}, {@code 2 min 30 s},
 * {@code 1 h 5 min}, {@code 3 d 4 h}, rather than {@code PT0.25S}. At most three decimals,
 * trailing zeros dropped; below a minute in one unit, above it in two.
 */
final class Durations {

    private static final long MICRO = 1_000;
    private static final long MILLI = 1_000_000;
    private static final long SECOND = 1_000_000_000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private Durations() {
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "0 s";
        }
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        if (d.compareTo(Duration.ofDays(1)) >= 0) {
            long days = d.toDays();
            return days + " d" + remainder(d.minusDays(days).toHours(), " h");
        }
        long nanos = d.toNanos();
        if (nanos >= HOUR) {
            return nanos / HOUR + " h" + remainder((nanos % HOUR) / MINUTE, " min");
        }
        if (nanos >= MINUTE) {
            long seconds = nanos % MINUTE;
            return nanos / MINUTE + " min" + (seconds == 0 ? "" : " " + decimal(seconds, SECOND) + " s");
        }
        if (nanos >= SECOND) {
            return decimal(nanos, SECOND) + " s";
        }
        if (nanos >= MILLI) {
            return decimal(nanos, MILLI) + " ms";
        }
        if (nanos >= MICRO) {
            return decimal(nanos, MICRO) + " µs";
        }
        return nanos + " ns";
    }

    private static String remainder(long value, String unit) {
        return value == 0 ? "" : " " + value + unit;
    }

    /** {@code nanos / unit} with at most three decimals, trailing zeros dropped (rounded down). */
    private static String decimal(long nanos, long unit) {
        long whole = nanos / unit;
        long thousandths = (nanos % unit) / (unit / 1_000);
        if (thousandths == 0) {
            return Long.toString(whole);
        }
        return BigDecimal.valueOf(whole * 1_000 + thousandths, 3).stripTrailingZeros().toPlainString();
    }
}
