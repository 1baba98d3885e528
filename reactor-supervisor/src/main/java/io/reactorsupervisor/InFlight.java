package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The subscriber of an asynchronous handler's Mono for one message. It ends exactly once:
 * with the reply, with the handler's error, or cancelled (a kill, a deadline). Whoever ends it
 * first owns the message.
 */
final class InFlight implements CoreSubscriber<Object> {

    private static final AtomicIntegerFieldUpdater<InFlight> DONE =
            AtomicIntegerFieldUpdater.newUpdater(InFlight.class, "done");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<InFlight, Subscription> S =
            AtomicReferenceFieldUpdater.newUpdater(InFlight.class, Subscription.class, "s");

    final Incarnation inc;
    final Object item;
    final int deliveries;
    volatile @Nullable Subscription s;
    volatile int done;
    /** True while the drain is inside {@code subscribe}: a synchronous end needs no new drain. */
    volatile boolean subscribing = true;
    private @Nullable Object value;
    /** What the handler's Mono sees: the sender's context, and which incarnation runs it. */
    private final Context context;

    /** The handling's observation, ended with the Mono or its cancellation; null when nobody observes. */
    private final @Nullable Observed observed;

    InFlight(Incarnation inc, Object item, int deliveries, @Nullable Observed observed) {
        this.inc = inc;
        this.item = item;
        this.deliveries = deliveries;
        this.observed = observed;
        ContextView sent = observed != null ? observed.context()
                : item instanceof Envelope ? ((Envelope) item).context : null;
        this.context = sent != null && !sent.isEmpty() ? Context.of(sent).put(Incarnation.class, inc)
                : Context.of(Incarnation.class, inc);
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.setOnce(S, this, s)) {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(Object v) {
        value = Objects.requireNonNull(v, "onNext"); // rule 2.13
    }

    @Override
    public void onError(Throwable e) {
        Objects.requireNonNull(e, "onError"); // rule 2.13, before anything ends the incarnation
        if (DONE.compareAndSet(this, 0, 1)) {
            if (observed != null) {
                observed.end(e);
            }
            inc.replied(this, null, e);
        }
    }

    @Override
    public void onComplete() {
        if (DONE.compareAndSet(this, 0, 1)) {
            if (observed != null) {
                observed.end(null);
            }
            inc.replied(this, value, null);
        }
    }

    /** @return true if this call stopped the handler; false if it had already ended */
    boolean cancel() {
        if (DONE.compareAndSet(this, 0, 1)) {
            Operators.terminate(S, this);
            if (observed != null) {
                observed.end(new CancellationException("the handler's Mono was cancelled: the message was taken "
                        + "from it"));
            }
            return true;
        }
        return false;
    }

    /** The handler's Mono sees which component it serves, so that an ask to that very component fails fast. */
    @Override
    public Context currentContext() {
        return context;
    }
}
