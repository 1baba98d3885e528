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
 * <p>A keyed component ({@link EntitiesSpec}) counts as any component while it is active: it is
 * not ready while it restarts or while its mailbox is above its threshold. One that is starting
 * for its key's message, being passivated, or that gave up and was dropped does not count (its
 * key's next message starts it again), nor does a key waiting for a place in a full set. A set lists
 * at most {@link EntitiesSnapshot#MAX_NOT_READY_LISTED} of its keys, in the order of their names;
 * when more are not ready, the set's own path says how many
 * ({@code "root/sessions": "40 keys not ready, 16 listed"}). Finding them costs a look at the
 * set's active components when readiness is asked for, and nothing otherwise.
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
