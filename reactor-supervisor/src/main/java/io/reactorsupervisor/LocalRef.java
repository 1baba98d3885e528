package io.reactorsupervisor;

import java.util.Objects;

import reactor.core.publisher.Mono;

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
        return cell.offer(message, message) == null;
    }

    @Override
    public Mono<Object> ask(Object message) {
        Objects.requireNonNull(message, "message");
        return Mono.create(sink -> {
            if (cell.isOwnHandler(sink.contextView())) {
                sink.error(new IllegalStateException("'" + cell.path() + "' asked itself from its own handler: a "
                        + "component handles one message at a time, so the reply could never come (tell instead)"));
                return;
            }
            RuntimeException refused = cell.offer(new Ask(message, sink), message);
            if (refused != null) {
                sink.error(refused);
            }
        });
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
    public String toString() {
        return "ComponentRef[" + cell.path() + "]";
    }
}
