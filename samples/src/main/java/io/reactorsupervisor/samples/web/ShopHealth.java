package io.reactorsupervisor.samples.web;

import io.reactorsupervisor.Readiness;
import io.reactorsupervisor.samples.shop.Shop;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The children's readiness in Actuator's readiness group, for Kubernetes' readiness probe
 * ({@code samples/k8s/}): {@code shopReadiness} is OUT_OF_SERVICE while a child is not ready
 * (restarting, failed, or with a backlog above its readiness threshold), with the reason of
 * each, so that the load balancer sends traffic elsewhere meanwhile.
 *
 * <p>Liveness is the starter's: it turns Boot's {@code livenessState} BROKEN when the tree ends
 * while the application runs, and its {@code reactorSupervisor} indicator is DOWN then. The
 * starter reports a child that is not ready as a detail only; this sample takes the pod out of
 * the Service for it too.
 */
@Configuration(proxyBeanMethods = false)
class ShopHealth {

    @Bean
    HealthIndicator shopReadinessHealthIndicator(Shop shop) {
        return () -> {
            Readiness readiness = shop.root().readiness();
            return (readiness.ready() ? Health.up() : Health.outOfService())
                    .withDetail("notReady", readiness.notReady()).build();
        };
    }
}
