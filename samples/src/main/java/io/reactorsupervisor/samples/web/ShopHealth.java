package io.reactorsupervisor.samples.web;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Readiness;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.samples.shop.Shop;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tree in Actuator's health, for Kubernetes' probes ({@code samples/k8s/}):
 *
 * <ul>
 *   <li>{@code shopTree}, in the liveness group: DOWN once the root has ended (it gave up
 *       after its children's restart limits, or stopped), so that the orchestrator restarts the
 *       instance, as OTP's heart restarts a node; UP while it runs, whatever its children do;</li>
 *   <li>{@code shopReadiness}, in the readiness group: OUT_OF_SERVICE while a child is not
 *       ready (restarting, failed, or with a backlog above its readiness threshold), with the
 *       reason of each, so that the load balancer sends traffic elsewhere meanwhile.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ShopHealth {

    @Bean
    HealthIndicator shopTreeHealthIndicator(Shop shop) {
        return () -> {
            Supervisor root = shop.root();
            ComponentState state = root.snapshot().state();
            Health.Builder health = state == ComponentState.FAILED || state == ComponentState.STOPPED
                    ? Health.down() : Health.up();
            return health.withDetail("root", root.path()).withDetail("state", state.name()).build();
        };
    }

    @Bean
    HealthIndicator shopReadinessHealthIndicator(Shop shop) {
        return () -> {
            Readiness readiness = shop.root().readiness();
            return (readiness.ready() ? Health.up() : Health.outOfService())
                    .withDetail("notReady", readiness.notReady()).build();
        };
    }
}
