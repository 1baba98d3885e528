package io.reactorsupervisor;

import reactor.core.publisher.MonoSink;

/** A message sent with {@code ask}: the message and where its reply goes. */
final class Ask {
    final Object message;
    final MonoSink<Object> sink;

    Ask(Object message, MonoSink<Object> sink) {
        this.message = message;
        this.sink = sink;
    }
}
