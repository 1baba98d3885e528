package io.reactorsupervisor;

/**
 * Lifecycle of a supervised child:
 * {@code STARTING -> RUNNING -> (RESTARTING -> RUNNING)* -> STOPPING -> STOPPED | FAILED}.
 */
public enum ComponentState {
    /** Created, its first incarnation not yet running. */
    STARTING,
    /** An incarnation is running and takes messages from the mailbox. */
    RUNNING,
    /** The last incarnation ended; the next one starts after the restart delay. Messages wait. */
    RESTARTING,
    /** Shutting down: no longer accepts messages, finishes what its mailbox holds. */
    STOPPING,
    /** Ended normally, or by shutdown; no longer accepts messages. */
    STOPPED,
    /** Gave up: its restart limit was reached (or its policy forbids a restart after a crash). */
    FAILED;

    /**
     * Whether a child in this state has ended for good (until its supervisor restarts it).
     *
     * @return true for {@link #STOPPED} and {@link #FAILED}
     */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED;
    }

    /**
     * The lifecycle's transitions, all in one place: STARTING -> RUNNING -> (RESTARTING ->
     * RUNNING)* -> STOPPED | FAILED, STOPPING on the way to STOPPED, and a terminal state
     * back to STARTING when the supervisor starts the child again.
     */
    boolean canMoveTo(ComponentState next) {
        switch (this) {
            case STARTING:
            case RUNNING:
            case RESTARTING:
                return next != STARTING && next != this;
            case STOPPING:
                return next == STOPPED || next == FAILED;
            default: // STOPPED, FAILED
                return next == STARTING;
        }
    }
}
