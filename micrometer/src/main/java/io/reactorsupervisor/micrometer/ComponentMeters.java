package io.reactorsupervisor.micrometer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentStats;
import io.reactorsupervisor.DeadLetterReason;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of one component, or of one supervisor's group of components without meters of
 * their own: counters and gauges read a {@link Source} when the registry reads them; the two
 * handling timers are fed by the observer.
 */
final class ComponentMeters {

    static final Logger LOG = LoggerFactory.getLogger(SupervisorMetrics.class);

    /** The states a breaker gauge is registered for, as Resilience4j's {@code CircuitBreaker.State}. */
    static final List<String> BREAKER_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN", "DISABLED", "FORCED_OPEN",
            "METRICS_ONLY");

    /** What the meters read: one component's stats, or a group's sums. */
    interface Source {
        double handled();

        double crashes();

        double restarts();

        double deadLetters(DeadLetterReason reason);

        double mailboxDepth();

        double mailboxCapacity();

        /** 1 or 0 for a component; how many members are in {@code state} for a group. */
        double inState(ComponentState state);

        double restartsInWindow();

        /** 1 or 0 for a component; how many members' breaker {@code breaker} is in {@code state} for a group. */
        double inBreakerState(String breaker, String state);
    }

    /** One component's stats, read live. */
    static final class Single implements Source {
        private final ComponentStats stats;

        Single(ComponentStats stats) {
            this.stats = stats;
        }

        @Override
        public double handled() {
            return stats.handled();
        }

        @Override
        public double crashes() {
            return stats.crashes();
        }

        @Override
        public double restarts() {
            return stats.restarts();
        }

        @Override
        public double deadLetters(DeadLetterReason reason) {
            return stats.deadLetters(reason);
        }

        @Override
        public double mailboxDepth() {
            return stats.mailboxDepth();
        }

        @Override
        public double mailboxCapacity() {
            return stats.mailboxCapacity();
        }

        @Override
        public double inState(ComponentState state) {
            return stats.state() == state ? 1 : 0;
        }

        @Override
        public double restartsInWindow() {
            return stats.restartsInWindow();
        }

        @Override
        public double inBreakerState(String breaker, String state) {
            return state.equalsIgnoreCase(stats.circuitBreakers().get(breaker)) ? 1 : 0;
        }
    }

    /** The {@code component} tag: a path, or {@code "<supervisor path>/*"} for a group. */
    final String component;
    final Source source;
    private final Tags tags;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    /** The breakers, and the states outside Resilience4j's, that have gauges. */
    private final Set<String> breakers = new HashSet<>();
    private final Set<String> otherBreakerStates = new HashSet<>();
    private volatile @Nullable Timer success;
    private volatile @Nullable Timer error;
    /** How many meters the registry refused in the registration under way, and its first exception. */
    private int refused;
    private @Nullable RuntimeException refusal;

    ComponentMeters(String component, Tags tags, Source source, MeterRegistry registry) {
        this.component = component;
        this.tags = tags;
        this.source = source;
        this.registry = registry;
    }

    /** Registers the {@value SupervisorMetrics#METERS_PER_COMPONENT} meters; those refused are logged and left out. */
    synchronized void register() {
        refused = 0;
        refusal = null;
        counter(SupervisorMetrics.HANDLED, "Messages the component's handler handled (replied to, or completed)",
                Source::handled, tags);
        counter(SupervisorMetrics.CRASHES, "Failures of the component, whatever their directive", Source::crashes,
                tags);
        counter(SupervisorMetrics.RESTARTS, "Restarts of the component", Source::restarts, tags);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counter(SupervisorMetrics.DEAD_LETTERS, "Messages sent to the component that will not be handled",
                    s -> s.deadLetters(reason), tags.and("reason", lower(reason.name())));
        }
        success = timer("success");
        error = timer("error");
        gauge(SupervisorMetrics.MAILBOX_DEPTH, "Messages waiting in the component's mailbox", Source::mailboxDepth,
                tags);
        gauge(SupervisorMetrics.MAILBOX_CAPACITY, "Capacity of the component's mailbox", Source::mailboxCapacity,
                tags);
        for (ComponentState state : ComponentState.values()) {
            gauge(SupervisorMetrics.STATE, "1 if the component is in this lifecycle state, otherwise 0",
                    s -> s.inState(state), tags.and("state", lower(state.name())));
        }
        gauge(SupervisorMetrics.RESTARTS_WINDOW, "Restarts the window of the component's restart limit holds",
                Source::restartsInWindow, tags);
        logRefusals();
    }

    /** Registers the gauges of a breaker the first time it is seen; a state outside Resilience4j's gets one too. */
    synchronized void breaker(String name, String state) {
        refused = 0;
        refusal = null;
        if (breakers.add(name)) {
            for (String s : BREAKER_STATES) {
                breakerGauge(name, s);
            }
        }
        String upper = state.toUpperCase(Locale.ROOT);
        if (!BREAKER_STATES.contains(upper) && otherBreakerStates.add(name + '\0' + upper)) {
            breakerGauge(name, state);
        }
        logRefusals();
    }

    private void breakerGauge(String name, String state) {
        gauge(SupervisorMetrics.BREAKER_STATE, "1 if the circuit breaker guarding the component is in this state, "
                + "otherwise 0", s -> s.inBreakerState(name, state), tags.and("breaker", name, "state", lower(state)));
    }

    /** Records one handling; a timer the registry refused records nothing. */
    void record(boolean succeeded, long nanos) {
        Timer t = succeeded ? success : error;
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Removes every meter from the registry. */
    synchronized void remove() {
        for (Meter m : meters) {
            try {
                registry.remove(m);
            } catch (RuntimeException e) {
                LOG.warn("could not remove meter {} of '{}' from the meter registry", m.getId(), component, e);
            }
        }
        meters.clear();
        breakers.clear();
        otherBreakerStates.clear();
        success = null;
        error = null;
    }

    /** @return how many meters are registered */
    synchronized int size() {
        return meters.size();
    }

    private void counter(String name, String description, ToDoubleFunction<Source> f, Tags t) {
        // a function counter holds its source weakly: this object holds it while the meter is registered
        add(name, () -> FunctionCounter.builder(name, source, f).tags(t).description(description)
                .register(registry));
    }

    private void gauge(String name, String description, ToDoubleFunction<Source> f, Tags t) {
        add(name, () -> Gauge.builder(name, source, f).tags(t).description(description).strongReference(true)
                .register(registry));
    }

    private @Nullable Timer timer(String outcome) {
        return add(SupervisorMetrics.HANDLING, () -> Timer.builder(SupervisorMetrics.HANDLING)
                .tags(tags.and("outcome", outcome))
                .description("Time the component's handler took for a message, from its call to its reply or failure")
                .register(registry));
    }

    private <M extends Meter> @Nullable M add(String name, Supplier<M> registration) {
        try {
            M meter = registration.get();
            meters.add(meter);
            return meter;
        } catch (RuntimeException e) {
            if (refused++ == 0) {
                refusal = e;
            }
            LOG.debug("the meter registry refused meter {} of '{}'", name, component, e);
            return null;
        }
    }

    private void logRefusals() {
        if (refused > 0) {
            LOG.warn("the meter registry refused {} meter(s) of '{}'; they are left out (the first failure follows)",
                    refused, component, refusal);
        }
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
