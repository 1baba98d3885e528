package io.reactorsupervisor;

/**
 * The message of an {@code ask} crashed the component (on every delivery that the spec's
 * redelivery allowed); {@link #getCause()} is the handler's failure.
 */
public final class MessageCrashedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param path the path of the component in its tree
     * @param cause the handler's failure
     */
    public MessageCrashedException(String path, Throwable cause) {
        super("Message crashed component '" + path + "': " + cause, cause);
    }
}
