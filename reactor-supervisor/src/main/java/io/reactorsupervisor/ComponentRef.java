package io.reactorsupervisor;

import java.util.Objects;

import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * A handle on a running component: send it messages, look at its state. A ref stays valid
 * across restarts of the component and of its supervisors: it addresses the component's
 * mailbox, which outlives incarnations.
 *
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public interface ComponentRef<M, R> {

    /** @return the component's name */
    String name();

    /** @return the component's path in its tree, for example {@code "root/api/billing"} */
    String path();

    /**
     * Sends a message without waiting for a reply.
     *
     * @param message the message
     * @return true if the mailbox accepted it: it will be handled or published as a dead
     *     letter; false if it was refused (mailbox full, component failed, stopped or shut
     *     down), in which case it is published as a dead letter at once
     * @throws NullPointerException if {@code message} is null
     */
    boolean tell(M message);

    /**
     * Sends a message without waiting for a reply, with the sender's Reactor context: the
     * handler runs with it, as with an {@link #ask}: the {@code Mono} a handler returns sees it
     * ({@code Mono.deferContextual}), and with Micrometer's {@code context-propagation} on the
     * class path a handler sees the ThreadLocal values it carries (SLF4J's MDC, the current
     * trace), across restarts and redeliveries. Inside a reactive chain:
     * {@code Mono.deferContextual(ctx -> Mono.just(ref.tell(message, ctx)))}. A plain
     * {@link #tell(Object)} carries no context: outside a reactive chain there is none to take.
     *
     * <p>The default implementation ignores the context and calls {@link #tell(Object)}; the
     * refs of a tree carry it.
     *
     * @param message the message
     * @param context the sender's context; an empty one is the same as {@link #tell(Object)}
     * @return as {@link #tell(Object)}
     * @throws NullPointerException if {@code message} or {@code context} is null
     */
    default boolean tell(M message, ContextView context) {
        Objects.requireNonNull(context, "context");
        return tell(message);
    }

    /**
     * Sends a message and returns its reply. The message is sent when the returned Mono is
     * subscribed, once per subscription, with the subscriber's Reactor context: the handler
     * runs with it (see {@link #tell(Object, ContextView)}), so a trace id written with
     * {@code contextWrite} by a WebFlux caller reaches the handler, across restarts and
     * redeliveries. Cancelling the subscription (for example by a
     * {@code timeout} operator) does not take back the message: it is still handled, and its
     * reply dropped.
     *
     * @param message the message
     * @return a Mono of the reply, empty when the handler gave none; it fails with
     *     {@link MessageCrashedException} (carrying the handler's failure) if the message
     *     crashed the component, {@link MailboxFullException} if the mailbox was full, and
     *     {@link ComponentUnavailableException} if the component is failed, stopped or shut
     *     down, or gave up while the message waited; and at once with
     *     {@link IllegalStateException} if the component's own handler asks it (a component
     *     handles one message at a time, so that reply could never come)
     * @throws NullPointerException if {@code message} is null
     */
    Mono<R> ask(M message);

    /** @return the component's current lifecycle state */
    ComponentState state();

    /**
     * @return how many messages wait in the mailbox; for a keyed component's ref, also those held
     *     for its key while it waits for a place in its set or while its component passivates
     */
    int mailboxDepth();

    /**
     * A live view of the component's counters and gauges, for metrics.
     *
     * @return the view; each of its methods reads the value now
     * @throws UnsupportedOperationException from a ref that is not a tree's own (a wrapper that
     *     does not forward it), or from a keyed component's ref ({@link Entities#ref(Object)})
     *     while its key has no active component
     */
    default ComponentStats stats() {
        throw new UnsupportedOperationException(getClass().getName() + " does not give a component's stats; "
                + "use the ref the tree gives (Supervisor.ref)");
    }

}
