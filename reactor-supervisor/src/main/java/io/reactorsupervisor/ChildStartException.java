package io.reactorsupervisor;

/**
 * A child could not start: the state factory of its first incarnation (or of the
 * incarnation its supervisor ordered, by {@link Supervisor#startChild},
 * {@link Supervisor#restartChild} or a group restart) threw, or a supervisor's own declared
 * child could not start. As OTP's {@code {error, Reason}} from {@code start_child}: the
 * start fails, and the cause says why. A child that could not start is not restarted: a
 * child added by {@code startChild} is removed again; a declared child makes its supervisor's
 * start fail, after the children already started were stopped.
 */
public final class ChildStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The path of the child that failed to start. */
    private final String path;

    /**
     * @param path the path of the child that could not start
     * @param cause why it could not start
     */
    public ChildStartException(String path, Throwable cause) {
        super("'" + path + "' could not start: " + cause, cause);
        this.path = path;
    }

    /** @return the path of the child that could not start */
    public String path() {
        return path;
    }
}
