package io.reactorsupervisor;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
 * @param notReady the active keyed components that are not ready (see {@link Readiness}), by path, in the
 *     order of their key names: at most {@link #MAX_NOT_READY_LISTED} of them
 * @param notReadyKeys how many active keyed components are not ready, listed or not
 */
public record EntitiesSnapshot(String name, String path, ComponentState state, long restarts, Duration uptime,
        int active, int passivating, int restarting, int waiting, int maxActive, long activations,
        long passivations, Map<String, String> notReady, int notReadyKeys) implements ChildSnapshot {

    /**
     * The most keyed components that are not ready a snapshot lists by path: {@value}. A set of a
     * million keys whose store is down does not put a million lines in a readiness probe's answer;
     * {@link #notReadyKeys()} counts them all.
     */
    public static final int MAX_NOT_READY_LISTED = 16;

    /**
     * Copies the map, so that a snapshot never changes.
     *
     * @param name the set's name
     * @param path its path in its tree
     * @param state the set's own lifecycle state
     * @param restarts how many times the set was restarted by its parent
     * @param uptime how long its current incarnation has run
     * @param active keyed components alive and not counted below
     * @param passivating keyed components being passivated
     * @param restarting keyed components waiting out a restart delay
     * @param waiting keys with messages that wait for their component to start
     * @param maxActive the most components alive at once
     * @param activations components started since the set started
     * @param passivations components passivated since the set started
     * @param notReady the active keyed components that are not ready, by path, at most
     *     {@link #MAX_NOT_READY_LISTED}
     * @param notReadyKeys how many active keyed components are not ready
     */
    public EntitiesSnapshot {
        notReady = Objects.requireNonNull(notReady, "notReady").isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(notReady));
    }

    /**
     * A snapshot in which every active keyed component is ready.
     *
     * @param name the set's name
     * @param path its path in its tree
     * @param state the set's own lifecycle state
     * @param restarts how many times the set was restarted by its parent
     * @param uptime how long its current incarnation has run
     * @param active keyed components alive and not counted below
     * @param passivating keyed components being passivated
     * @param restarting keyed components waiting out a restart delay
     * @param waiting keys with messages that wait for their component to start
     * @param maxActive the most components alive at once
     * @param activations components started since the set started
     * @param passivations components passivated since the set started
     */
    public EntitiesSnapshot(String name, String path, ComponentState state, long restarts, Duration uptime,
            int active, int passivating, int restarting, int waiting, int maxActive, long activations,
            long passivations) {
        this(name, path, state, restarts, uptime, active, passivating, restarting, waiting, maxActive, activations,
                passivations, Map.of(), 0);
    }

    @Override
    public String kind() {
        return "entities";
    }
}
