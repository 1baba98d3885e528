package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * At most {@code maxRestarts} restarts within a sliding window of {@code within}: the
 * restart that would be the {@code maxRestarts + 1}-th inside the window is not made and
 * the child gives up ({@link ComponentState#FAILED}). Restarts that have left the window no
 * longer count. This is Erlang/OTP's {@code intensity}/{@code period}, kept per child and,
 * for a supervisor, across all of its children.
 */
public final class RestartLimit {

    /** The default for components and supervisors: 10 restarts within one minute. */
    public static final RestartLimit DEFAULT = new RestartLimit(10, Duration.ofMinutes(1));

    private static final RestartLimit UNLIMITED = new RestartLimit(Integer.MAX_VALUE, Duration.ofNanos(1));

    private final int maxRestarts;
    private final Duration within;

    private RestartLimit(int maxRestarts, Duration within) {
        this.maxRestarts = maxRestarts;
        this.within = within;
    }

    /**
     * At most {@code maxRestarts} restarts within any window of {@code within}. The window is
     * inclusive, as OTP's intensity and period: a restart exactly {@code within} after an
     * earlier one still counts that earlier one. {@code of(0, ..)} allows no restart at all:
     * the first crash gives up. The window keeps the time of each restart made within it, and
     * none older: 8 bytes for each, at most {@code maxRestarts} of them.
     *
     * @param maxRestarts how many restarts the window allows, at least 0
     * @param within the length of the sliding window, positive, at most 36500 days
     * @return the limit
     * @throws IllegalArgumentException if {@code maxRestarts} is negative or {@code within}
     *     is not positive or above 36500 days
     */
    public static RestartLimit of(int maxRestarts, Duration within) {
        Checks.atLeast(maxRestarts, 0, "maxRestarts");
        Checks.positive(within, "within");
        return new RestartLimit(maxRestarts, within);
    }

    /**
     * No limit: the child is restarted for as long as it crashes.
     *
     * @return the unlimited limit
     */
    public static RestartLimit unlimited() {
        return UNLIMITED;
    }

    /** @return how many restarts the window allows */
    public int maxRestarts() {
        return maxRestarts;
    }

    /** @return the length of the sliding window */
    public Duration within() {
        return within;
    }

    /**
     * @return whether this equals {@link #unlimited()}: {@code of(Integer.MAX_VALUE,
     *     Duration.ofNanos(1))} is that limit too, as {@link #equals} says
     */
    public boolean isUnlimited() {
        return equals(UNLIMITED);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RestartLimit && ((RestartLimit) o).maxRestarts == maxRestarts
                && ((RestartLimit) o).within.equals(within);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRestarts, within);
    }

    @Override
    public String toString() {
        return isUnlimited() ? "RestartLimit.unlimited()" : "RestartLimit.of(" + maxRestarts + ", " + within + ")";
    }
}
