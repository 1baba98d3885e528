package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import reactor.core.publisher.Mono;

import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.EntitiesSnapshot;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSnapshot;

/**
 * {@code /actuator/supervision}: the tree's snapshot with the recent events and dead letters
 * ({@code GET}), one child by its path below the root ({@code GET /actuator/supervision/shop/billing}),
 * and {@code POST /actuator/supervision/shop/billing} with {@code {"action": "restart"}} or
 * {@code "stop"} to restart or stop that child through its supervisor. An active keyed component
 * is one child too, by its set's path and its key ({@code /actuator/supervision/sessions/s-1}): a stop
 * drops it, and its key's next message starts it again.
 */
@Endpoint(id = "supervision")
public final class SupervisionEndpoint {

    private final Supervisor root;
    private final RecentEvents recent;
    private final Duration stopDeadline;

    SupervisionEndpoint(Supervisor root, RecentEvents recent, Duration stopDeadline) {
        this.root = root;
        this.recent = recent;
        this.stopDeadline = stopDeadline;
    }

    /**
     * The tree, the recent events and the recent dead letters.
     *
     * @return a JSON-ready map
     */
    @ReadOperation
    public Map<String, Object> supervision() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tree", Views.node(root.snapshot()));
        out.put("events", recent.events().stream().map(Views::event).toList());
        out.put("deadLetters", recent.deadLetters().stream().map(Views::event).toList());
        return out;
    }

    /**
     * One child.
     *
     * @param path the child's path below the root, one segment per name
     * @return the child's snapshot, or null (404) when the tree has no such child
     */
    @ReadOperation
    public @Nullable Map<String, Object> child(@Selector(match = Selector.Match.ALL_REMAINING) String[] path) {
        ChildSnapshot child = find(String.join("/", path));
        return child == null ? null : Views.node(child);
    }

    /**
     * A child by its path below the root, or null. The tree's snapshot shows a set of keyed
     * components in aggregate, so a keyed component ({@code sessions/s-1}) is found through its
     * set while it is active: the set's own snapshot lists its active keys.
     */
    private @Nullable ChildSnapshot find(String relative) {
        SupervisorSnapshot tree = root.snapshot();
        try {
            return tree.child(relative);
        } catch (IllegalArgumentException e) {
            int slash = relative.lastIndexOf('/');
            if (slash <= 0) {
                return null;
            }
            String setPath = relative.substring(0, slash);
            try {
                if (!(tree.child(setPath) instanceof EntitiesSnapshot)) {
                    return null;
                }
                return root.supervisor(setPath).snapshot().child(relative.substring(slash + 1));
            } catch (IllegalArgumentException notThere) {
                return null;
            }
        }
    }

    /**
     * Restarts or stops one child through its supervisor.
     *
     * @param path the child's path below the root, one segment per name
     * @param action {@code restart} or {@code stop}
     * @return the child's snapshot after the action; fails with 400 for another action, the root itself, a path
     *     that names nothing, or a child whose supervisor is stopping or has ended
     */
    @WriteOperation
    public Mono<Map<String, Object>> act(@Selector(match = Selector.Match.ALL_REMAINING) String[] path,
            String action) {
        List<String> segments = List.of(path);
        if (segments.isEmpty() || segments.stream().anyMatch(String::isBlank)) {
            throw new InvalidEndpointRequestException("a child's path below the root is required",
                    "a child's path below the root is required");
        }
        String relative = String.join("/", segments);
        String name = segments.get(segments.size() - 1);
        Supervisor parent;
        try {
            parent = segments.size() == 1 ? root : root.supervisor(String.join("/", segments.subList(0,
                    segments.size() - 1)));
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException("no supervisor at " + relative, "no such child");
        }
        if (!action.equals("restart") && !action.equals("stop")) {
            throw new InvalidEndpointRequestException("action must be restart or stop, was '" + action + "'",
                    "action must be restart or stop");
        }
        Supervisor supervisor = parent;
        Mono<Void> operation = Mono.defer(() -> action.equals("restart") ? supervisor.restartChild(name)
                : supervisor.stopChild(name, stopDeadline));
        return operation.onErrorMap(IllegalArgumentException.class,
                        e -> new InvalidEndpointRequestException(e.getMessage(), "no such child"))
                .onErrorMap(IllegalStateException.class, // its supervisor is stopping or has ended
                        e -> new InvalidEndpointRequestException(e.getMessage(), e.getMessage()))
                .then(Mono.fromSupplier(() -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("path", relative);
                    out.put("action", action);
                    ChildSnapshot child = find(relative); // null once a keyed component has stopped: it is dropped
                    if (child != null) {
                        out.put("state", child.state().name());
                    }
                    return out;
                }));
    }
}
