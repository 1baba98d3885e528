package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.function.Supplier;

/** Checks and conversions that name the configuration key at fault. */
final class Keys {

    private Keys() {
    }

    /** The longest duration the library accepts (its timers' limit), for a key the starter checks itself. */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    static void positive(Duration value, String key) {
        if (value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(key + " must be positive and at most 36500 days (100 years), was "
                    + value);
        }
    }

    static <T> T require(T value, String key, String why) {
        if (value == null) {
            throw new IllegalArgumentException(key + " is required " + why);
        }
        return value;
    }

    /** Runs a library factory, naming the key in what it refuses. */
    static <T> T apply(String key, Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
