package io.reactorsupervisor;

/** A child crashed more often than its {@link RestartLimit} allows; the cause is the last crash. */
public final class RestartLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param path the path of the child in its tree
     * @param limit the limit that was reached
     * @param lastCrash the crash that would have needed one restart too many
     */
    public RestartLimitExceededException(String path, RestartLimit limit, Throwable lastCrash) {
        super("'" + path + "' reached its restart limit: " + limit.maxRestarts() + " restarts within "
                + Durations.human(limit.within()) + "; last crash: " + lastCrash, lastCrash);
    }
}
