package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * Watches the messages of a tree as they are asked for and handled: the seam for metrics and
 * tracing (the {@code reactor-supervisor-micrometer} module implements it with Micrometer's
 * {@code Timer} and {@code Observation}). Attach one to a running tree with
 * {@link Supervisor#observe(MessageObserver)}; without one, the tree pays nothing for it.
 *
 * <p>Its methods run on the threads that send and handle messages, in the hot path: they must
 * be quick, must not block, and must not throw (what they throw is logged and ignored). Every
 * observation they return is ended exactly once.
 */
public interface MessageObserver {

    /**
     * An {@code ask} is subscribed, on the subscriber's thread, before its message is queued.
     *
     * @param component the component asked
     * @param message the message
     * @param context the subscriber's context
     * @return the observation of this ask, ended when its reply comes, it fails, or the
     *     subscriber cancels; its {@link Observation#context()} is what the message carries to
     *     the handler (so that the handling can be a child of the ask)
     */
    Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context);

    /**
     * A handler is about to be called with a message, on the component's drain.
     *
     * @param component the component
     * @param message the message
     * @param context what the message carries: its sender's context, or the ask's observation
     *     context; empty for a plain {@code tell}
     * @return the observation of this handling, ended when the handler has replied, failed, or
     *     the message was taken from it (a kill, a stop's deadline); its
     *     {@link Observation#context()} is the context the handler runs with
     */
    Observation handlingStarted(ComponentRef<?, ?> component, Object message, ContextView context);

    /** One ask or one handling under observation. */
    interface Observation {

        /** @return the context from now on: the one given, with whatever the observer adds */
        ContextView context();

        /**
         * Ends the observation, once.
         *
         * @param error null when it succeeded (a reply, or none); otherwise the failure: the
         *     handler's error, a refusal or dead letter for an ask, a
         *     {@link java.util.concurrent.CancellationException} for an ask its subscriber cancelled
         */
        void ended(@Nullable Throwable error);
    }
}
