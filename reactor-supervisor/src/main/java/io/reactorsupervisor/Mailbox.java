package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;

/**
 * The queue in front of a component. It outlives incarnations: a restart keeps every queued
 * message. A bounded mailbox refuses a message that does not fit: {@code tell} returns
 * false, {@code ask} fails with {@link MailboxFullException}, and the message is published
 * as a {@link SupervisionEvent.DeadLetter dead letter} with reason
 * {@link DeadLetterReason#MAILBOX_FULL}. Mailboxes allocate as messages arrive, not up front,
 * so a large bound costs nothing while the mailbox is empty.
 */
public final class Mailbox {

    /** The capacity of {@link #DEFAULT}. */
    public static final int DEFAULT_CAPACITY = 10_000;

    /** The default mailbox: bounded to {@value #DEFAULT_CAPACITY} messages. */
    public static final Mailbox DEFAULT = new Mailbox(DEFAULT_CAPACITY);

    private static final Mailbox UNBOUNDED = new Mailbox(Integer.MAX_VALUE);

    private final int capacity;

    private Mailbox(int capacity) {
        this.capacity = capacity;
    }

    /**
     * A mailbox that holds at most {@code capacity} messages waiting to be handled.
     *
     * @param capacity the bound, at least 1
     * @return the mailbox spec
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public static Mailbox bounded(int capacity) {
        Checks.atLeast(capacity, 1, "capacity");
        return new Mailbox(capacity);
    }

    /**
     * A mailbox without bound. Use with care: a producer faster than the handler fills the heap.
     *
     * @return the unbounded mailbox spec
     */
    public static Mailbox unbounded() {
        return UNBOUNDED;
    }

    /** @return the bound, {@link Integer#MAX_VALUE} when unbounded */
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Mailbox && ((Mailbox) o).capacity == capacity;
    }

    @Override
    public int hashCode() {
        return capacity;
    }

    @Override
    public String toString() {
        return capacity == Integer.MAX_VALUE ? "Mailbox.unbounded()" : "Mailbox.bounded(" + capacity + ")";
    }
}
