package io.reactorsupervisor;

/**
 * A component failed its liveness probe {@link HealthCheck#unhealthyAfter()} times in a
 * row: it is treated as hung, and its incarnation ends as a crash with this cause.
 */
public final class HealthCheckFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param path the path of the component in its tree
     * @param failures how many probes failed in a row
     * @param lastReason why the last one failed
     */
    public HealthCheckFailedException(String path, int failures, String lastReason) {
        super("Component '" + path + "' failed " + failures + " health checks in a row (last: " + lastReason + ")",
                null, false, false);
    }
}
