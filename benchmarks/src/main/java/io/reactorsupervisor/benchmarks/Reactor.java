package io.reactorsupervisor.benchmarks;

import reactor.core.publisher.Sinks;

/** Helpers shared by the raw Reactor variants. */
final class Reactor {

    private Reactor() {
    }

    /**
     * Emits one message, failing loudly instead of silently dropping it: a message that is not
     * accepted would otherwise only show up as a batch that never completes.
     *
     * @throws IllegalStateException if the sink refuses the message
     */
    static <T> void emit(Sinks.Many<T> sink, T message) {
        Sinks.EmitResult result = sink.tryEmitNext(message);
        if (result.isFailure()) {
            throw new IllegalStateException("sink refused a message: " + result);
        }
    }
}
