package io.reactorsupervisor;

import java.time.Duration;

/**
 * A set of keyed components at the moment of a snapshot, counted in aggregate: a snapshot of a
 * tree lists a set as one child, however many keys it holds ({@link Entities#snapshot(Object)}
 * gives one key's component).
 *
 * @param name the set's name
 * @param path its path in its tree
 * @param state the set's own lifecycle state (it is a supervisor of its keys)
 * @param restarts how many times the set was restarted by its parent
 * @param uptime how long its current incarnation has run
 * @param active keyed components alive and not counted below (starting, running, or stopping with the set)
 * @param passivating keyed components being passivated (finishing their mailbox, then stopping)
 * @param restarting keyed components waiting out a restart delay
 * @param waiting keys with messages that wait for their component to start (for a place, when
 *     the set is full)
 * @param maxActive the most components alive at once, {@link EntitiesSpec#UNBOUNDED} when unbounded
 * @param activations components started since the set started
 * @param passivations components passivated since the set started
 */
public record EntitiesSnapshot(String name, String path, ComponentState state, long restarts, Duration uptime,
        int active, int passivating, int restarting, int waiting, int maxActive, long activations,
        long passivations) implements ChildSnapshot {

    @Override
    public String kind() {
        return "entities";
    }
}
