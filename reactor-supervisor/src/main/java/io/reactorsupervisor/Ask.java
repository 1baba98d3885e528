package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.MonoSink;
import reactor.util.context.ContextView;

/**
 * A message sent with {@code ask}: the message, its subscriber's context (with the ask's
 * observation in it, when a {@link MessageObserver} watches), and where its reply goes.
 */
final class Ask extends Envelope {
    final MonoSink<Object> sink;
    /** The ask's observation, ended with the reply or the failure; null when nobody observes. */
    final @Nullable Observed observed;

    Ask(Object message, MonoSink<Object> sink, ContextView context, @Nullable Observed observed) {
        super(message, context);
        this.sink = sink;
        this.observed = observed;
    }

    void succeed(@Nullable Object reply) {
        if (observed != null) {
            observed.end(null);
        }
        if (reply == null) {
            sink.success();
        } else {
            sink.success(reply);
        }
    }

    void fail(Throwable error) {
        if (observed != null) {
            observed.end(error);
        }
        sink.error(error);
    }
}
