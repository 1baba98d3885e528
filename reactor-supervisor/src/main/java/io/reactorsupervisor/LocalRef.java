package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/** The public face of a component: a thin ref to its cell, valid across restarts of the component and its supervisors. */
final class LocalRef implements ComponentRef<Object, Object> {

    final ComponentCell cell;

    LocalRef(ComponentCell cell) {
        this.cell = cell;
    }

    @Override
    public String name() {
        return cell.name;
    }

    @Override
    public String path() {
        return cell.path();
    }

    @Override
    public boolean tell(Object message) {
        Objects.requireNonNull(message, "message");
        return offer(message, message) == null;
    }

    @Override
    public boolean tell(Object message, ContextView context) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(context, "context");
        if (context.isEmpty()) {
            return offer(message, message) == null;
        }
        return offer(new Envelope(message, context), message) == null;
    }

    @Override
    public Mono<Object> ask(Object message) {
        Objects.requireNonNull(message, "message");
        return Mono.create(sink -> {
            if (isOwnHandler(sink.contextView())) {
                sink.error(new IllegalStateException("'" + cell.path() + "' asked itself from its own handler: a "
                        + "component handles one message at a time, so the reply could never come (tell instead)"));
                return;
            }
            ContextView context = sink.contextView();
            MessageObserver observer = cell.tree.observer;
            Observed observed = null;
            if (observer != null) {
                Observed o = Observed.ask(observer, this, message, context);
                sink.onCancel(() -> o.end(new CancellationException("the ask's subscriber cancelled")));
                observed = o;
                context = o.context();
            }
            RuntimeException refused = offer(new Ask(message, sink, context, observed), message);
            if (refused != null) {
                if (observed != null) {
                    observed.end(refused);
                }
                sink.error(refused);
            }
        });
    }

    /**
     * The mailbox takes the message, or refuses it (the component is stopping or has ended, the
     * tree shuts down, the mailbox is full): a refused message is a dead letter at once.
     *
     * @return null if accepted, otherwise why it was refused
     */
    private @Nullable RuntimeException offer(Object item, Object message) {
        ComponentState s = cell.state();
        if (cell.tree.closing || s == ComponentState.STOPPING || s.isTerminal()) {
            DeadLetterReason reason = cell.refusalReason(s);
            Throwable cause = reason == DeadLetterReason.COMPONENT_FAILED ? cell.failureCause() : null;
            cell.deadLetter(message, reason, cause); // the message alone: its ask fails with what this returns
            return new ComponentUnavailableException(cell.path(), s.isTerminal() ? s : ComponentState.STOPPING, cause);
        }
        if (!cell.mailbox.offer(item)) {
            cell.deadLetter(message, DeadLetterReason.MAILBOX_FULL, null);
            return new MailboxFullException(cell.path(), cell.mailbox.capacity());
        }
        cell.signalQueued();
        return null;
    }

    /** Whether the caller is the component's own handler (an ask from it could never be answered). */
    private boolean isOwnHandler(ContextView ctx) {
        Incarnation inc = cell.current;
        return inc != null && (inc.isRunningHandler() || ctx.getOrDefault(Incarnation.class, null) == inc);
    }

    @Override
    public ComponentState state() {
        return cell.state();
    }

    @Override
    public int mailboxDepth() {
        return cell.mailbox.depth();
    }

    @Override
    public ComponentStats stats() {
        return cell.stats();
    }

    @Override
    public String toString() {
        return "ComponentRef[" + cell.path() + "]";
    }
}
