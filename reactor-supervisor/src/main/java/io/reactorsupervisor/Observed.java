package io.reactorsupervisor;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * A {@link MessageObserver.Observation} as the library holds it: started safely, ended exactly
 * once whoever ends it first (the handler's end, a kill, a cancellation), and never letting
 * an observer's exception reach the tree.
 */
final class Observed {

    private static final AtomicIntegerFieldUpdater<Observed> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(Observed.class, "ended");

    private final MessageObserver.@Nullable Observation observation;
    private final ContextView context;
    private volatile int ended;

    private Observed(MessageObserver.@Nullable Observation observation, ContextView context) {
        this.observation = observation;
        this.context = context;
    }

    static Observed ask(MessageObserver observer, ComponentRef<?, ?> ref, Object message, ContextView context) {
        try {
            MessageObserver.Observation o = observer.askSent(ref, message, context);
            return new Observed(o, contextOf(o, context));
        } catch (Throwable t) {
            Tree.LOG.error("a MessageObserver failed on an ask; it is ignored", t);
            return new Observed(null, context);
        }
    }

    static Observed handling(MessageObserver observer, ComponentRef<?, ?> ref, Object message, ContextView context) {
        try {
            MessageObserver.Observation o = observer.handlingStarted(ref, message, context);
            return new Observed(o, contextOf(o, context));
        } catch (Throwable t) {
            Tree.LOG.error("a MessageObserver failed on a handling; it is ignored", t);
            return new Observed(null, context);
        }
    }

    private static ContextView contextOf(MessageObserver.@Nullable Observation o, ContextView fallback) {
        ContextView c = o == null ? null : o.context();
        return c == null ? fallback : c;
    }

    /** The context from now on. */
    ContextView context() {
        return context;
    }

    void end(@Nullable Throwable error) {
        MessageObserver.Observation o = observation;
        if (o != null && ENDED.compareAndSet(this, 0, 1)) {
            try {
                o.ended(error);
            } catch (Throwable t) {
                Tree.LOG.error("a MessageObserver failed to end an observation; it is ignored", t);
            }
        }
    }
}
