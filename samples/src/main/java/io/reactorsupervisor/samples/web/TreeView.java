package io.reactorsupervisor.samples.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentStats;
import io.reactorsupervisor.EntitiesSnapshot;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisorSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * A node of the supervision tree as JSON: a supervisor with its children, a component, or a set
 * of keyed components counted in aggregate (its keys are not listed, however many it holds).
 *
 * @param name the child's name
 * @param path its path
 * @param kind {@code supervisor}, {@code component} or {@code entities}
 * @param strategy a supervisor's strategy; absent for a component and a set
 * @param state its lifecycle state
 * @param restarts how many times it was restarted in all
 * @param uptimeMillis how long its current incarnation has run
 * @param mailboxDepth a component's queued messages
 * @param mailboxCapacity a component's mailbox capacity; absent when it is unbounded
 * @param handled a component's handled messages
 * @param deadLetters a component's dead letters
 * @param restartsInWindow the restarts the window of a component's restart limit holds now;
 *     absent when the limit is unlimited
 * @param restartLimit a component's restart limit; absent when unknown or unlimited
 * @param circuitBreakers the state of each breaker that guards calls to a component, by name
 * @param breakers each breaker with its failure rate, by name
 * @param hangable whether the component can hang on command (its handler is asynchronous)
 * @param children a supervisor's children, in start order
 * @param entities a set's counts; absent for a supervisor and a component
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TreeView(String name, String path, String kind, @Nullable String strategy, String state, long restarts,
        long uptimeMillis, @Nullable Integer mailboxDepth, @Nullable Integer mailboxCapacity, @Nullable Long handled,
        @Nullable Long deadLetters, @Nullable Integer restartsInWindow, @Nullable LimitView restartLimit,
        @Nullable Map<String, String> circuitBreakers, @Nullable Map<String, BreakerView> breakers,
        @Nullable Boolean hangable, @Nullable List<TreeView> children, @Nullable EntitiesView entities) {

    /**
     * A set of keyed components' counts as JSON.
     *
     * @param active keyed components alive (starting, running, or stopping with the set)
     * @param passivating keyed components being passivated
     * @param restarting keyed components waiting out a restart delay
     * @param waiting keys with messages waiting for their component to start
     * @param maxActive the most components alive at once; absent when unbounded
     * @param activations components started since the set started
     * @param passivations components passivated since the set started
     */
    public record EntitiesView(int active, int passivating, int restarting, int waiting, @Nullable Integer maxActive,
            long activations, long passivations) {
    }

    /**
     * A restart limit as JSON: at most {@code maxRestarts} within {@code withinMillis}.
     *
     * @param maxRestarts the restarts allowed in the window
     * @param withinMillis the window, in milliseconds
     */
    public record LimitView(int maxRestarts, long withinMillis) {
    }

    /**
     * A circuit breaker as JSON.
     *
     * @param state its state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...
     * @param failureRate the share of failed calls in its sliding window, in percent; -1 until
     *     the window holds its minimum number of calls
     * @param bufferedCalls the calls its sliding window holds
     * @param failedCalls the failed calls among them
     */
    public record BreakerView(String state, float failureRate, int bufferedCalls, int failedCalls) {
    }

    /** What a snapshot does not say, looked up per component. */
    interface Details {
        /** @return the component's live stats, or null if it is gone */
        @Nullable ComponentStats stats(String path);

        /** @return the component's restart limit, or null if unknown */
        @Nullable RestartLimit limit(String path);

        /** @return the breaker's figures, or null if unknown */
        @Nullable BreakerView breaker(String name, String state);
    }

    /** No details: what the snapshot says only. */
    static final Details NONE = new Details() {
        @Override
        public @Nullable ComponentStats stats(String path) {
            return null;
        }

        @Override
        public @Nullable RestartLimit limit(String path) {
            return null;
        }

        @Override
        public @Nullable BreakerView breaker(String name, String state) {
            return null;
        }
    };

    /**
     * @param node a snapshot
     * @param hangable the paths of the components that can hang on command
     * @return the node and its children as JSON
     */
    public static TreeView of(ChildSnapshot node, Set<String> hangable) {
        return of(node, hangable, NONE);
    }

    static TreeView of(ChildSnapshot node, Set<String> hangable, Details details) {
        if (node instanceof SupervisorSnapshot) {
            SupervisorSnapshot s = (SupervisorSnapshot) node;
            List<TreeView> children = new ArrayList<>();
            for (ChildSnapshot c : s.children()) {
                children.add(of(c, hangable, details));
            }
            return new TreeView(s.name(), s.path(), s.kind(), s.strategy().name(), s.state().name(), s.restarts(),
                    s.uptime().toMillis(), null, null, null, null, null, null, null, null, null, children, null);
        }
        if (node instanceof EntitiesSnapshot) {
            EntitiesSnapshot e = (EntitiesSnapshot) node;
            return new TreeView(e.name(), e.path(), e.kind(), null, e.state().name(), e.restarts(),
                    e.uptime().toMillis(), null, null, null, null, null, null, null, null, null, null,
                    new EntitiesView(e.active(), e.passivating(), e.restarting(), e.waiting(),
                            e.maxActive() == EntitiesSpec.UNBOUNDED ? null : e.maxActive(), e.activations(),
                            e.passivations()));
        }
        ComponentSnapshot c = (ComponentSnapshot) node;
        ComponentStats stats = details.stats(c.path());
        Integer capacity = null;
        if (stats != null && stats.mailboxCapacity() != Integer.MAX_VALUE) {
            capacity = stats.mailboxCapacity();
        }
        RestartLimit limit = details.limit(c.path());
        LimitView limitView = limit == null || limit.isUnlimited() ? null
                : new LimitView(limit.maxRestarts(), limit.within().toMillis());
        Integer inWindow = stats == null || limitView == null ? null : stats.restartsInWindow();
        Map<String, BreakerView> breakers = new LinkedHashMap<>();
        for (Map.Entry<String, String> b : new TreeMap<>(c.circuitBreakers()).entrySet()) {
            BreakerView view = details.breaker(b.getKey(), b.getValue());
            breakers.put(b.getKey(), view != null ? view : new BreakerView(b.getValue(), -1, 0, 0));
        }
        return new TreeView(c.name(), c.path(), c.kind(), null, c.state().name(), c.restarts(), c.uptime().toMillis(),
                c.mailboxDepth(), capacity, c.handled(), c.deadLetters(), inWindow, limitView,
                new TreeMap<>(c.circuitBreakers()), breakers, hangable.contains(c.path()), null, null);
    }
}
