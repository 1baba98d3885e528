package io.reactorsupervisor.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.Supervisor;

/**
 * The tree's health indicator ({@code reactorSupervisor}, switched off by
 * {@code management.health.reactor-supervisor.enabled=false}), its readiness contributor
 * ({@code reactorSupervisorReadiness}, a member of the {@code readiness} group unless the
 * application sets that group's {@code include}; switched off by
 * {@code management.health.reactor-supervisor-readiness.enabled=false}), the {@code supervision}
 * endpoint (when exposed) and its Micrometer metrics (when a {@code MeterRegistry} exists, with the
 * tags of {@code reactor-supervisor.metrics.tags} and the application's {@code ObservationRegistry}
 * when it has one; {@code reactor-supervisor.metrics.enabled=false} switches them off), each when its classes
 * are present. Runs after the tree's own auto-configuration and after Boot's metrics.
 */
@AutoConfiguration(after = ReactorSupervisorAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnSingleCandidate(Supervisor.class)
public class SupervisorActuatorAutoConfiguration {

    /** Creates the auto-configuration (Spring does). */
    public SupervisorActuatorAutoConfiguration() {
    }

    /** The health indicator, when Spring Boot's health module is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {

        @Bean
        @ConditionalOnEnabledHealthIndicator("reactor-supervisor")
        @ConditionalOnMissingBean(name = "reactorSupervisorHealthIndicator")
        SupervisorHealthIndicator reactorSupervisorHealthIndicator(Supervisor root) {
            return new SupervisorHealthIndicator(root);
        }

        @Bean
        @ConditionalOnEnabledHealthIndicator("reactor-supervisor-readiness")
        @ConditionalOnMissingBean(name = "reactorSupervisorReadinessHealthIndicator")
        SupervisorReadinessHealthIndicator reactorSupervisorReadinessHealthIndicator(Supervisor root) {
            return new SupervisorReadinessHealthIndicator(root);
        }
    }

    /**
     * The readiness contributor in Actuator's readiness group, when the health endpoint is present
     * and the contributor enabled.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
            "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor" })
    @ConditionalOnEnabledHealthIndicator("reactor-supervisor-readiness")
    static class ReadinessGroup {

        @Bean
        ReadinessGroupMembership reactorSupervisorReadinessGroupMembership(Environment environment) {
            return new ReadinessGroupMembership("reactorSupervisorReadiness", environment);
        }
    }

    /** The endpoint, when Actuator is present and the endpoint available. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnAvailableEndpoint(SupervisionEndpoint.class)
        @ConditionalOnMissingBean
        SupervisionEndpoint supervisionEndpoint(Supervisor root, RecentEvents recent, SupervisorProperties properties,
                Environment environment) {
            return new SupervisionEndpoint(root, recent,
                    ReactorSupervisorAutoConfiguration.shutdownDeadline(properties, environment));
        }
    }

    /**
     * Metrics, when Micrometer and the binder module are present: the tree is bound to the
     * application's {@code MeterRegistry} (the unique or primary one) once every singleton exists,
     * whichever auto-configuration defines the registry, and observed in its
     * {@code ObservationRegistry} (the unique or primary one), when there is one.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "io.micrometer.core.instrument.MeterRegistry",
            "io.reactorsupervisor.micrometer.SupervisorMetrics" })
    @ConditionalOnBooleanProperty(name = "reactor-supervisor.metrics.enabled", matchIfMissing = true)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        SupervisorMetricsBinder reactorSupervisorMetrics(Supervisor root, ObjectProvider<MeterRegistry> registry,
                ObjectProvider<ObservationRegistry> observations, SupervisorProperties properties) {
            return new SupervisorMetricsBinder(root, registry, observations, properties.metrics());
        }
    }
}
