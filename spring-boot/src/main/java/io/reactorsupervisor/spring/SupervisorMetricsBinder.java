package io.reactorsupervisor.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

/**
 * Binds the tree to the application's {@link MeterRegistry} through {@link SupervisorMetrics}
 * once every singleton exists (so the registry's own auto-configuration has run, whichever it
 * is), and removes the meters when the context closes. Without a unique or primary registry it
 * binds nothing.
 */
public final class SupervisorMetricsBinder implements SmartInitializingSingleton, AutoCloseable {

    private final Supervisor root;
    private final ObjectProvider<MeterRegistry> registry;
    private volatile SupervisorMetrics.@Nullable Binding binding;

    SupervisorMetricsBinder(Supervisor root, ObjectProvider<MeterRegistry> registry) {
        this.root = root;
        this.registry = registry;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MeterRegistry meters = registry.getIfUnique();
        if (meters != null) {
            binding = SupervisorMetrics.of(root).bindTo(meters);
        }
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
