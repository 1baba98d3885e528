package io.reactorsupervisor.micrometer;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Clock;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.MessageObserver;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The binding's {@link MessageObserver}: times each handling in its component's timer, on the
 * registry's clock, and, with an observation registry, makes a Micrometer
 * {@link io.micrometer.observation.Observation} of each ask and each handling, put in the context that goes on under
 * {@link ObservationThreadLocalAccessor#KEY}. It never throws: a registry that fails is logged
 * once and ignored.
 */
final class MeterObserver implements MessageObserver {

    private final TreeMeters tree;
    private final Clock clock;
    private final @Nullable ObservationRegistry observations;
    private final @Nullable MessageObservationConvention askConvention;
    private final @Nullable MessageObservationConvention handleConvention;
    private final AtomicBoolean warned = new AtomicBoolean();

    MeterObserver(TreeMeters tree, Clock clock, SupervisorMetrics spec) {
        this.tree = tree;
        this.clock = clock;
        ObservationRegistry r = spec.observationRegistry();
        this.observations = r == null || r.isNoop() ? null : r;
        this.askConvention = spec.askConvention();
        this.handleConvention = spec.handleConvention();
    }

    @Override
    public MessageObserver.Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context) {
        ObservationRegistry r = observations;
        if (r == null) {
            return new Watch(context, null, null, null, 0);
        }
        try {
            ComponentMeters meters = tree.metersOf(component);
            MessageObservationContext c = new MessageObservationContext(MessageObservationContext.Kind.ASK,
                    component.path(), meters != null ? meters.component : component.path(), message);
            io.micrometer.observation.Observation o = io.micrometer.observation.Observation.createNotStarted(
                    askConvention, DefaultMessageObservationConvention.ASK, () -> c, r);
            return start(o, c, context, null, 0);
        } catch (RuntimeException e) {
            failed(e);
            return new Watch(context, null, null, null, 0);
        }
    }

    @Override
    public MessageObserver.Observation handlingStarted(ComponentRef<?, ?> component, Object message,
            ContextView context) {
        ComponentMeters meters = null;
        long start = 0;
        try {
            meters = tree.metersOf(component);
            if (meters != null) {
                start = clock.monotonicTime();
            }
        } catch (RuntimeException e) {
            failed(e);
            meters = null;
        }
        ObservationRegistry r = observations;
        if (r == null) {
            return new Watch(context, null, null, meters, start);
        }
        try {
            MessageObservationContext c = new MessageObservationContext(MessageObservationContext.Kind.HANDLE,
                    component.path(), meters != null ? meters.component : component.path(), message);
            io.micrometer.observation.Observation o = io.micrometer.observation.Observation.createNotStarted(
                    handleConvention, DefaultMessageObservationConvention.HANDLE, () -> c, r);
            return start(o, c, context, meters, start);
        } catch (RuntimeException e) {
            failed(e);
            return new Watch(context, null, null, meters, start);
        }
    }

    /** Starts {@code o} as a child of the observation the context carries (else the registry's current one). */
    private Watch start(io.micrometer.observation.Observation o, MessageObservationContext c,
            ContextView context, @Nullable ComponentMeters meters, long start) {
        if (o.isNoop()) {
            return new Watch(context, null, null, meters, start); // disabled by a predicate: the parent goes on
        }
        Object parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        if (parent instanceof io.micrometer.observation.Observation) {
            o.parentObservation((io.micrometer.observation.Observation) parent);
        }
        o.start();
        return new Watch(Context.of(context).put(ObservationThreadLocalAccessor.KEY, o), o, c, meters, start);
    }

    private void failed(RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            ComponentMeters.LOG.warn("the meter or observation registry failed while observing a message; the tree "
                    + "goes on (further failures are logged at debug level)", e);
        } else {
            ComponentMeters.LOG.debug("the meter or observation registry failed while observing a message", e);
        }
    }

    /** One ask or handling: its timer's start, its observation. Ended once, by the library. */
    private final class Watch implements MessageObserver.Observation {
        private final ContextView context;
        private final io.micrometer.observation.@Nullable Observation observation;
        private final @Nullable MessageObservationContext observed;
        private final @Nullable ComponentMeters meters;
        private final long start;

        Watch(ContextView context, io.micrometer.observation.@Nullable Observation observation,
                @Nullable MessageObservationContext observed, @Nullable ComponentMeters meters, long start) {
            this.context = context;
            this.observation = observation;
            this.observed = observed;
            this.meters = meters;
            this.start = start;
        }

        @Override
        public ContextView context() {
            return context;
        }

        @Override
        public void ended(@Nullable Throwable error) {
            ComponentMeters m = meters;
            if (m != null) {
                try {
                    m.record(error == null, clock.monotonicTime() - start);
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
            io.micrometer.observation.Observation o = observation;
            MessageObservationContext c = observed;
            if (o != null && c != null) {
                try {
                    if (error == null) {
                        c.setOutcome(MessageObservationContext.Outcome.SUCCESS);
                    } else if (error instanceof CancellationException
                            && c.kind() == MessageObservationContext.Kind.ASK) {
                        // the caller's choice, not a failure: the message is still handled
                        c.setOutcome(MessageObservationContext.Outcome.CANCELLED);
                    } else {
                        c.setOutcome(MessageObservationContext.Outcome.ERROR);
                        o.error(error);
                    }
                    o.stop();
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SupervisorMetrics observer of " + tree;
    }
}
