package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;

/**
 * A message was sent to a component that does not take messages: it is
 * {@link ComponentState#FAILED}, {@link ComponentState#STOPPED}, shutting down, or it gave up
 * while the message waited in its mailbox. The cause, when present, is why it gave up.
 */
public class ComponentUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The path of the component that was asked. */
    private final String path;
    /** The state it was in. */
    private final ComponentState state;

    /**
     * @param path the path of the component in its tree
     * @param state the state it was in
     * @param cause why it gave up, if known
     */
    public ComponentUnavailableException(String path, ComponentState state, @Nullable Throwable cause) {
        super("Component '" + path + "' is " + state + " and does not accept messages"
                + (cause != null ? " (" + cause + ")" : ""), cause);
        this.path = path;
        this.state = state;
    }

    /** @return the path of the component in its tree */
    public String path() {
        return path;
    }

    /** @return the state the component was in */
    public ComponentState state() {
        return state;
    }
}
