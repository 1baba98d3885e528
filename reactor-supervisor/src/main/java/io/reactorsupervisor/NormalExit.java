package io.reactorsupervisor;

/**
 * Thrown (or returned as {@code Mono.error(new NormalExit())}) by a handler to end its
 * component's incarnation normally, as Erlang's {@code exit(normal)}. The message being
 * handled counts as handled and an {@code ask} for it completes empty. Then the
 * {@link RestartPolicy} decides: {@link RestartPolicy#PERMANENT} restarts the component,
 * {@link RestartPolicy#TRANSIENT} and {@link RestartPolicy#TEMPORARY} stop it.
 */
public final class NormalExit extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A normal exit; it carries no stack trace, as it is a signal, not an error. */
    public NormalExit() {
        super("normal exit", null, false, false);
    }
}
