package io.reactorsupervisor;

import reactor.core.publisher.MonoSink;

/** A message sent with {@code ask}: the message, its subscriber's context, and where its reply goes. */
final class Ask extends Envelope {
    final MonoSink<Object> sink;

    Ask(Object message, MonoSink<Object> sink) {
        super(message, sink.contextView());
        this.sink = sink;
    }
}
