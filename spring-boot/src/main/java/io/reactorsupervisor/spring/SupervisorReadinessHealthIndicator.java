package io.reactorsupervisor.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.reactorsupervisor.Readiness;
import io.reactorsupervisor.Supervisor;

/**
 * Whether the tree takes traffic well now, computed at each probe from
 * {@link Supervisor#readiness()}: OUT_OF_SERVICE while a child is not ready (starting,
 * restarting, failed, or with a mailbox above its readiness threshold), with each one's path and
 * reason as details, UP otherwise. The starter makes it a member of Actuator's {@code readiness}
 * group ({@code reactorSupervisorReadiness}), so that Kubernetes takes the instance out of its
 * Service meanwhile, without restarting it (the liveness group does not include it).
 */
public final class SupervisorReadinessHealthIndicator implements HealthIndicator {

    private final Supervisor root;

    SupervisorReadinessHealthIndicator(Supervisor root) {
        this.root = root;
    }

    @Override
    public Health health() {
        Readiness readiness = root.readiness();
        return readiness.ready() ? Health.up().build()
                : Health.outOfService().withDetail("notReady", readiness.notReady()).build();
    }
}
