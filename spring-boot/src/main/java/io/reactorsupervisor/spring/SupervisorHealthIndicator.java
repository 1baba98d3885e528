package io.reactorsupervisor.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Readiness;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSnapshot;

/**
 * The tree's health: DOWN when the root is stopping or has terminated (stopped, or failed because
 * an escalation reached it), UP otherwise, with the root's state, the count of children by
 * state, the paths of FAILED children (a tree in degraded mode is UP: it chose to carry on
 * without them) and the children not ready.
 */
public final class SupervisorHealthIndicator implements HealthIndicator {

    private final Supervisor root;

    SupervisorHealthIndicator(Supervisor root) {
        this.root = root;
    }

    @Override
    public Health health() {
        SupervisorSnapshot snapshot = root.snapshot();
        ComponentState state = snapshot.state();
        Health.Builder health = state == ComponentState.FAILED || state == ComponentState.STOPPED
                || state == ComponentState.STOPPING ? Health.down() : Health.up();
        health.withDetail("root", snapshot.path()).withDetail("state", state.name());
        health.withDetail("children", snapshot.countByState());
        List<String> failed = new ArrayList<>();
        collectFailed(snapshot, failed);
        if (!failed.isEmpty()) {
            health.withDetail("failed", failed);
        }
        Readiness readiness = snapshot.readiness();
        if (!readiness.ready()) {
            health.withDetail("notReady", Map.copyOf(readiness.notReady()));
        }
        return health.build();
    }

    private static void collectFailed(SupervisorSnapshot supervisor, List<String> failed) {
        for (ChildSnapshot child : supervisor.children()) {
            if (child.state() == ComponentState.FAILED) {
                failed.add(child.path());
            }
            if (child instanceof SupervisorSnapshot s) {
                collectFailed(s, failed);
            }
        }
    }
}
