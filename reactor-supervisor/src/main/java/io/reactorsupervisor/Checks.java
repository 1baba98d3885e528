package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the parameter, the allowed range and the value received. */
final class Checks {

    private Checks() {
    }

    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }

    static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, but was " + value);
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
