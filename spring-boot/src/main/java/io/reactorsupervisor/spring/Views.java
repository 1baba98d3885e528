package io.reactorsupervisor.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.EntitiesSnapshot;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisorSnapshot;

/**
 * Plain maps of snapshots and events for JSON: durations in milliseconds, causes as their
 * type's simple name and message, messages by type only (never their content).
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> node(ChildSnapshot child) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", child.name());
        out.put("path", child.path());
        out.put("kind", child.kind());
        out.put("state", child.state().name());
        out.put("restarts", child.restarts());
        out.put("uptimeMillis", child.uptime().toMillis());
        if (child instanceof ComponentSnapshot c) {
            out.put("mailboxDepth", c.mailboxDepth());
            out.put("handled", c.handled());
            out.put("deadLetters", c.deadLetters());
            out.put("ready", c.ready());
            out.put("circuitBreakers", c.circuitBreakers());
            if (c.lastDirective() != null) {
                out.put("lastDirective", c.lastDirective().name());
            }
        } else if (child instanceof EntitiesSnapshot e) {
            out.put("active", e.active());
            out.put("passivating", e.passivating());
            out.put("restarting", e.restarting());
            out.put("waiting", e.waiting());
            out.put("maxActive", e.maxActive());
            out.put("activations", e.activations());
            out.put("passivations", e.passivations());
        } else if (child instanceof SupervisorSnapshot s) {
            out.put("strategy", s.strategy().name());
            List<Map<String, Object>> children = new ArrayList<>();
            for (ChildSnapshot c : s.children()) {
                children.add(node(c));
            }
            out.put("children", children);
        }
        return out;
    }

    static Map<String, Object> event(SupervisionEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", event.getClass().getSimpleName());
        out.put("path", event.path());
        out.put("timestamp", event.timestamp().toString());
        if (event instanceof SupervisionEvent.Crashed e) {
            out.put("cause", cause(e.cause()));
            out.put("directive", e.directive().name());
            if (e.message() != null) {
                out.put("message", type(e.message()));
            }
        } else if (event instanceof SupervisionEvent.Restarting e) {
            out.put("attempt", e.attempt());
            out.put("delayMillis", e.delay().toMillis());
            out.put("cause", cause(e.cause()));
        } else if (event instanceof SupervisionEvent.Restarted e) {
            out.put("restarts", e.restarts());
        } else if (event instanceof SupervisionEvent.Stopped e) {
            out.put("reason", e.reason());
        } else if (event instanceof SupervisionEvent.Failed e) {
            out.put("cause", cause(e.cause()));
        } else if (event instanceof SupervisionEvent.Escalated e) {
            out.put("cause", cause(e.cause()));
        } else if (event instanceof SupervisionEvent.HealthCheckFailed e) {
            out.put("consecutiveFailures", e.consecutiveFailures());
            out.put("reason", e.reason());
        } else if (event instanceof SupervisionEvent.DeadLetter e) {
            out.put("message", type(e.message()));
            out.put("reason", e.reason().name());
            if (e.cause() != null) {
                out.put("cause", cause(e.cause()));
            }
        } else if (event instanceof SupervisionEvent.CircuitStateChanged e) {
            out.put("breaker", e.breaker());
            out.put("from", e.fromState());
            out.put("to", e.toState());
        }
        return out;
    }

    static String cause(@Nullable Throwable t) {
        if (t == null) {
            return "none";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String type(Object message) {
        return message.getClass().getSimpleName();
    }
}
