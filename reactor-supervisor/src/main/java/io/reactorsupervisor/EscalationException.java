package io.reactorsupervisor;

/**
 * A supervisor gave up, a child of it having given up or its intensity having been exceeded,
 * and was configured to {@link SupervisorSpec.Builder#escalateOnFailure() escalate}: its
 * parent handles it as a crash of the whole subtree. At the root, the tree terminates and
 * {@link Supervisor#termination()} fails with this exception.
 */
public final class EscalationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The path of the child whose failure escalated. */
    private final String path;

    /**
     * @param path the path of the supervisor that escalated
     * @param cause why it gave up
     */
    public EscalationException(String path, Throwable cause) {
        super("Supervisor '" + path + "' escalated: " + cause, cause);
        this.path = path;
    }

    /** @return the path of the supervisor that escalated */
    public String path() {
        return path;
    }
}
