package io.reactorsupervisor.samples.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.SupervisorSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * A node of the supervision tree as JSON: a supervisor with its children, or a component.
 *
 * @param name the child's name
 * @param path its path
 * @param kind {@code supervisor} or {@code component}
 * @param strategy a supervisor's strategy; absent for a component
 * @param state its lifecycle state
 * @param restarts how many times it was restarted in all
 * @param uptimeMillis how long its current incarnation has run
 * @param mailboxDepth a component's queued messages
 * @param handled a component's handled messages
 * @param deadLetters a component's dead letters
 * @param circuitBreakers the state of each breaker that guards calls to a component, by name
 * @param hangable whether the component can hang on command (its handler is asynchronous)
 * @param children a supervisor's children, in start order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TreeView(String name, String path, String kind, @Nullable String strategy, String state, long restarts,
        long uptimeMillis, @Nullable Integer mailboxDepth, @Nullable Long handled, @Nullable Long deadLetters,
        @Nullable Map<String, String> circuitBreakers, @Nullable Boolean hangable, @Nullable List<TreeView> children) {

    /**
     * @param node a snapshot
     * @param hangable the paths of the components that can hang on command
     * @return the node and its children as JSON
     */
    public static TreeView of(ChildSnapshot node, Set<String> hangable) {
        if (node instanceof SupervisorSnapshot) {
            SupervisorSnapshot s = (SupervisorSnapshot) node;
            List<TreeView> children = new ArrayList<>();
            for (ChildSnapshot c : s.children()) {
                children.add(of(c, hangable));
            }
            return new TreeView(s.name(), s.path(), s.kind(), s.strategy().name(), s.state().name(), s.restarts(),
                    s.uptime().toMillis(), null, null, null, null, null, children);
        }
        ComponentSnapshot c = (ComponentSnapshot) node;
        return new TreeView(c.name(), c.path(), c.kind(), null, c.state().name(), c.restarts(), c.uptime().toMillis(),
                c.mailboxDepth(), c.handled(), c.deadLetters(), new TreeMap<>(c.circuitBreakers()),
                hangable.contains(c.path()), null);
    }
}
