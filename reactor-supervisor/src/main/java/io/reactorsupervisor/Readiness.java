package io.reactorsupervisor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a tree takes traffic well now, separate from liveness: a live component can be
 * unready because it is restarting or because its backlog is past its
 * {@linkplain ComponentSpec#readinessThreshold() readiness threshold}. A Kubernetes readiness
 * probe (the Spring Boot starter's readiness group) reports it, so that a load balancer sends
 * traffic elsewhere while the tree catches up, without restarting anything.
 *
 * <p>A component is ready when it is {@link ComponentState#RUNNING} with its mailbox at or
 * below its threshold; a supervisor when it is {@code RUNNING}. A child that has
 * {@link ComponentState#STOPPED} ended on purpose (a normal exit, a {@link Directive#STOP}, a
 * {@code stopChild}) and does not count; a {@link ComponentState#FAILED} one does.
 *
 * @param ready whether every child counted is ready
 * @param notReady why each one that is not ready is not, by path, in start order
 */
public record Readiness(boolean ready, Map<String, String> notReady) {

    /**
     * Copies the map, so that a readiness never changes.
     *
     * @param ready whether every child counted is ready
     * @param notReady why each one that is not ready is not, by path, in start order
     */
    public Readiness {
        Objects.requireNonNull(notReady, "notReady");
        notReady = Collections.unmodifiableMap(new LinkedHashMap<>(notReady));
    }
}
