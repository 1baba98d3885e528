package io.reactorsupervisor.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.EntitiesSnapshot;
import io.reactorsupervisor.Supervisor;
import org.jspecify.annotations.Nullable;

/**
 * The meters of a set of keyed components, counted in aggregate and tagged with the set's path,
 * however many keys it holds: gauges of its components active, passivating, restarting and waiting,
 * counters of its activations and passivations. They read the set's snapshot, taken from its
 * supervisor's at most once a second (on the registry's clock), so that a scrape of every gauge
 * costs one snapshot. The counters never go down: when the set restarts (and counts from 0
 * again), what it counted before is kept. Reads are serialized on this object.
 */
final class EntitySetMeters {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String path;
    private final String name;
    private final String parentPath;
    private final TreeLookups lookups;
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();

    // guarded by this
    private @Nullable EntitiesSnapshot last;
    private long readAt;
    private long activationsBefore;
    private long passivationsBefore;

    EntitySetMeters(String path, TreeLookups lookups, Tags tags, MeterRegistry registry) {
        this.path = path;
        this.name = path.substring(path.lastIndexOf('/') + 1);
        this.parentPath = TreeLookups.parent(path);
        this.lookups = lookups;
        this.registry = registry;
        this.tags = tags.and("component", path);
    }

    /** Registers the meters; those the registry refuses are logged and left out. */
    synchronized void register() {
        gauge(SupervisorMetrics.ENTITIES_ACTIVE, "Keyed components of the set alive (starting, running or stopping)",
                EntitiesSnapshot::active);
        gauge(SupervisorMetrics.ENTITIES_PASSIVATING, "Keyed components of the set being passivated",
                EntitiesSnapshot::passivating);
        gauge(SupervisorMetrics.ENTITIES_RESTARTING, "Keyed components of the set waiting out a restart delay",
                EntitiesSnapshot::restarting);
        gauge(SupervisorMetrics.ENTITIES_WAITING, "Keys of the set with messages waiting for their component to start",
                EntitiesSnapshot::waiting);
        counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "Keyed components the set started",
                s -> activationsBefore + s.activations());
        counter(SupervisorMetrics.ENTITIES_PASSIVATIONS, "Keyed components the set passivated",
                s -> passivationsBefore + s.passivations());
    }

    /** Removes every meter from the registry. */
    synchronized void remove() {
        for (Meter m : meters) {
            try {
                registry.remove(m);
            } catch (RuntimeException e) {
                ComponentMeters.LOG.warn("could not remove meter {} of '{}' from the meter registry", m.getId(), path, e);
            }
        }
        meters.clear();
    }

    /** @return how many meters are registered */
    synchronized int size() {
        return meters.size();
    }

    /** The set's snapshot, at most a second old; the last one (or none) once the set is gone. */
    private synchronized @Nullable EntitiesSnapshot read() {
        long now = registry.config().clock().monotonicTime();
        if (last == null || now - readAt >= REFRESH_NANOS) {
            readAt = now;
            Supervisor parent = lookups.supervisor(parentPath);
            if (parent != null) {
                for (ChildSnapshot c : parent.snapshot().children()) {
                    if (c.name().equals(name) && c instanceof EntitiesSnapshot) {
                        EntitiesSnapshot fresh = (EntitiesSnapshot) c;
                        EntitiesSnapshot before = last;
                        if (before != null && (fresh.activations() < before.activations()
                                || fresh.passivations() < before.passivations())) {
                            activationsBefore += before.activations(); // the set restarted: its counts start over
                            passivationsBefore += before.passivations();
                        }
                        last = fresh;
                    }
                }
            }
        }
        return last;
    }

    private synchronized double value(ToDoubleFunction<EntitiesSnapshot> f) {
        EntitiesSnapshot s = read();
        return s == null ? 0 : f.applyAsDouble(s);
    }

    private void gauge(String meter, String description, ToDoubleFunction<EntitiesSnapshot> f) {
        add(meter, () -> Gauge.builder(meter, this, m -> m.value(f)).tags(tags).description(description)
                .strongReference(true).register(registry));
    }

    private void counter(String meter, String description, ToDoubleFunction<EntitiesSnapshot> f) {
        // a function counter holds its object weakly: the binding holds this one while it is registered
        add(meter, () -> FunctionCounter.builder(meter, this, m -> m.value(f)).tags(tags).description(description)
                .register(registry));
    }

    private void add(String meter, java.util.function.Supplier<Meter> registration) {
        try {
            meters.add(registration.get());
        } catch (RuntimeException e) {
            ComponentMeters.LOG.warn("the meter registry refused meter {} of '{}'; it is left out", meter, path, e);
        }
    }
}
