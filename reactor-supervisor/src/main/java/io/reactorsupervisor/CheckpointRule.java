package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * When a persistent component takes a checkpoint: after a successfully handled message, once
 * {@link #everyMessages(int) N messages} were handled since the last one, or once
 * {@link #every(Duration) a duration} has passed since it (on the clock of the component's
 * restart scheduler, virtual in tests), whichever comes first when both are given. Immutable.
 *
 * <p>The rule is looked at after a handled message only: a component that handled messages
 * and then goes idle keeps them unsaved until its next message, or until it stops gracefully
 * (a stop, a passivation or a group restart saves what is not saved yet). A crash saves
 * nothing: the next incarnation starts from the last checkpoint.
 *
 * <pre>{@code
 * CheckpointRule.everyMessages(100).orEvery(Duration.ofSeconds(5))
 * }</pre>
 */
public final class CheckpointRule {

    /** A checkpoint after every handled message. */
    public static final CheckpointRule EVERY_MESSAGE = new CheckpointRule(1, null);

    private final int messages;
    private final @Nullable Duration interval;

    private CheckpointRule(int messages, @Nullable Duration interval) {
        this.messages = messages;
        this.interval = interval;
    }

    /**
     * A checkpoint after every {@code messages} handled messages.
     *
     * @param messages at least 1
     * @return the rule
     * @throws IllegalArgumentException if {@code messages} is below 1
     */
    public static CheckpointRule everyMessages(int messages) {
        return new CheckpointRule(Checks.atLeast(messages, 1, "messages"), null);
    }

    /**
     * A checkpoint after the first message handled once {@code interval} has passed since the
     * last checkpoint (or the incarnation's start).
     *
     * @param interval positive, at most 36500 days
     * @return the rule
     * @throws IllegalArgumentException if {@code interval} is not positive or above 36500 days
     */
    public static CheckpointRule every(Duration interval) {
        return new CheckpointRule(0, Checks.positive(interval, "interval"));
    }

    /**
     * This rule, also taking a checkpoint once {@code interval} has passed.
     *
     * @param interval positive, at most 36500 days
     * @return a new rule
     * @throws IllegalArgumentException if {@code interval} is not positive or above 36500 days
     */
    public CheckpointRule orEvery(Duration interval) {
        return new CheckpointRule(messages, Checks.positive(interval, "interval"));
    }

    /**
     * This rule, also taking a checkpoint after every {@code messages} handled messages.
     *
     * @param messages at least 1
     * @return a new rule
     * @throws IllegalArgumentException if {@code messages} is below 1
     */
    public CheckpointRule orEveryMessages(int messages) {
        return new CheckpointRule(Checks.atLeast(messages, 1, "messages"), interval);
    }

    /** @return the number of messages between checkpoints, or 0 when only the duration counts */
    public int messages() {
        return messages;
    }

    /** @return the duration between checkpoints, or null when only the number of messages counts */
    public @Nullable Duration interval() {
        return interval;
    }

    /** Whether a checkpoint is due after {@code handled} messages and {@code elapsedNanos} since the last one. */
    boolean due(int handled, long elapsedNanos) {
        if (messages > 0 && handled >= messages) {
            return true;
        }
        return interval != null && elapsedNanos >= interval.toNanos();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointRule && ((CheckpointRule) o).messages == messages
                && Objects.equals(((CheckpointRule) o).interval, interval);
    }

    @Override
    public int hashCode() {
        return messages * 31 + Objects.hashCode(interval);
    }

    @Override
    public String toString() {
        String n = messages > 0 ? "every " + (messages == 1 ? "message" : messages + " messages") : null;
        String d = interval != null ? "every " + Durations.human(interval) : null;
        return "CheckpointRule[" + (n != null && d != null ? n + " or " + d : n != null ? n : d) + "]";
    }
}
