package io.reactorsupervisor;

import reactor.util.context.ContextView;

/**
 * A message with the Reactor {@link ContextView} of whoever sent it: an {@code ask}'s
 * subscriber, or the context given to {@code tell(message, context)}. It travels in the
 * mailbox, through restarts and redeliveries, and the handler runs with it (see
 * {@link Incarnation#handle}). A plain {@code tell} queues the message alone.
 */
class Envelope {
    final Object message;
    final ContextView context;

    Envelope(Object message, ContextView context) {
        this.message = message;
        this.context = context;
    }

    /** The message of an item of the mailbox. */
    static Object message(Object item) {
        return item instanceof Envelope ? ((Envelope) item).message : item;
    }
}
