package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the parameter, the allowed range and the value received. */
final class Checks {

    private Checks() {
    }

    /**
     * The longest duration the library takes: 100 years. Every delay, window, timeout and
     * deadline is at most this, so that adding two of them to a scheduler's clock, in
     * nanoseconds, never overflows.
     */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most 36500 days (100 years), but was "
                    + value);
        }
        return value;
    }

    static Duration atLeast(Duration value, Duration min, String name) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at least " + min
                    + " and at most 36500 days (100 years), but was " + value);
        }
        return value;
    }

    static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", but was " + value);
        }
        return value;
    }

    static String name(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.indexOf('/') >= 0) {
            throw new IllegalArgumentException(
                    name + " must be non-blank and must not contain '/', but was '" + value + "'");
        }
        return value;
    }
}
