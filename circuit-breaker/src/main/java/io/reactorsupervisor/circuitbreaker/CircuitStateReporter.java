package io.reactorsupervisor.circuitbreaker;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.core.EventConsumer;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.GuardReports;

/**
 * Reports the state transitions of one breaker to one component, through the tree's neutral
 * hook {@link GuardReports}. A breaker's event publisher cannot unregister a consumer, so
 * there is exactly one reporter per (breaker, ref) pair. Everything is held weakly: the pairs
 * seen, and the ref a reporter reports to. A breaker in a registry that outlives many
 * short-lived trees keeps none of their components reachable: once a ref is gone, its
 * reporter is an empty shell that reports nothing.
 *
 * <p>The reporter serializes its reports: the first one (the breaker's current state, read
 * after the consumer was registered) and the transitions. Resilience4j publishes a
 * transition after it has changed the state, so whichever report comes last carries the
 * breaker's latest state, and the snapshot never keeps a stale one.
 */
final class CircuitStateReporter implements EventConsumer<CircuitBreakerOnStateTransitionEvent> {

    /** Guarded by itself: the refs each breaker reports to, weakly keyed on both levels. */
    private static final Map<CircuitBreaker, Set<ComponentRef<?, ?>>> ATTACHED = new WeakHashMap<>();

    private final String breaker;
    private final WeakReference<ComponentRef<?, ?>> ref;

    private CircuitStateReporter(String breaker, ComponentRef<?, ?> ref) {
        this.breaker = breaker;
        this.ref = new WeakReference<>(ref);
    }

    /** Subscribes {@code ref} to the transitions of {@code cb} and reports its state, once per pair. */
    static void attach(CircuitBreaker cb, ComponentRef<?, ?> ref) {
        CircuitStateReporter reporter;
        synchronized (ATTACHED) {
            Set<ComponentRef<?, ?>> refs =
                    ATTACHED.computeIfAbsent(cb, k -> Collections.newSetFromMap(new WeakHashMap<>()));
            if (!refs.add(ref)) {
                return;
            }
            reporter = new CircuitStateReporter(cb.getName(), ref);
        }
        cb.getEventPublisher().onStateTransition(reporter);
        reporter.reportCurrent(cb);
    }

    private synchronized void reportCurrent(CircuitBreaker cb) {
        String state = cb.getState().name();
        report(state, state);
    }

    @Override
    public synchronized void consumeEvent(CircuitBreakerOnStateTransitionEvent event) {
        report(event.getStateTransition().getFromState().name(), event.getStateTransition().getToState().name());
    }

    private void report(String from, String to) {
        ComponentRef<?, ?> target = ref.get();
        if (target != null) {
            GuardReports.stateChanged(target, breaker, from, to);
        }
    }
}
