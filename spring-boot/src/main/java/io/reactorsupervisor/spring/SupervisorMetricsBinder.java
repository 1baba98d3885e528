package io.reactorsupervisor.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

/**
 * Binds the tree to the application's {@link MeterRegistry} through {@link SupervisorMetrics}
 * once every singleton exists (so the registry's own auto-configuration has run, whichever it
 * is), with the tags of {@code reactor-supervisor.metrics.tags}, and with an observation of each
 * ask and handling in the application's {@link ObservationRegistry} when it has a unique or primary
 * one (unless {@code reactor-supervisor.metrics.observations=false}). Removes the meters when the
 * context closes. Without a unique or primary meter registry it binds nothing.
 */
public final class SupervisorMetricsBinder implements SmartInitializingSingleton, AutoCloseable {

    private final Supervisor root;
    private final ObjectProvider<MeterRegistry> registry;
    private final ObjectProvider<ObservationRegistry> observations;
    private final SupervisorProperties.Metrics properties;
    private volatile SupervisorMetrics.@Nullable Binding binding;

    SupervisorMetricsBinder(Supervisor root, ObjectProvider<MeterRegistry> registry,
            ObjectProvider<ObservationRegistry> observations, SupervisorProperties.Metrics properties) {
        this.root = root;
        this.registry = registry;
        this.observations = observations;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MeterRegistry meters = registry.getIfUnique();
        if (meters != null) {
            binding = spec().bindTo(meters);
        }
    }

    /** What the properties and the application's beans make of the binding. */
    SupervisorMetrics spec() {
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        if (!properties.tags().isEmpty()) {
            String[] keyValues = new String[properties.tags().size() * 2];
            int i = 0;
            for (var tag : properties.tags().entrySet()) {
                keyValues[i++] = tag.getKey();
                keyValues[i++] = tag.getValue();
            }
            SupervisorMetrics untagged = metrics;
            metrics = Keys.apply("reactor-supervisor.metrics.tags", () -> untagged.withTags(keyValues));
        }
        if (properties.maxTaggedComponents() != null) {
            metrics = metrics.withMaxTaggedComponents(properties.maxTaggedComponents());
        }
        ObservationRegistry observationRegistry = properties.observations() ? observations.getIfUnique() : null;
        if (observationRegistry != null) {
            metrics = metrics.withObservationRegistry(observationRegistry);
        }
        return metrics;
    }

    /**
     * The binding, once made.
     *
     * @return the binding, or null without a registry
     */
    public SupervisorMetrics.@Nullable Binding binding() {
        return binding;
    }

    /** Removes the meters and detaches the observer. */
    @Override
    public void close() {
        SupervisorMetrics.Binding b = binding;
        if (b != null) {
            b.close();
        }
    }
}
