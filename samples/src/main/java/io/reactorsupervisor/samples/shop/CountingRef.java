package io.reactorsupervisor.samples.shop;

import java.util.Objects;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentState;
import reactor.core.publisher.Mono;

/**
 * A {@link ComponentRef} that counts what is sent through it, so that the demo can compare
 * its own count with the library's. {@code ComponentRef} is an interface: wrapping one is
 * ordinary code, and a circuit-breaker guard can be built over the wrapper.
 *
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public final class CountingRef<M, R> implements ComponentRef<M, R> {

    private final ComponentRef<M, R> ref;
    private final Tally tally;

    CountingRef(ComponentRef<M, R> ref, Tally tally) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.tally = Objects.requireNonNull(tally, "tally");
    }

    @Override
    public String name() {
        return ref.name();
    }

    @Override
    public String path() {
        return ref.path();
    }

    @Override
    public boolean tell(M message) {
        tally.countSent();
        return ref.tell(message);
    }

    @Override
    public Mono<R> ask(M message) {
        Objects.requireNonNull(message, "message");
        return Mono.defer(() -> {
            tally.countSent(); // once per subscription: each subscription sends the message once
            return ref.ask(message);
        });
    }

    @Override
    public ComponentState state() {
        return ref.state();
    }

    @Override
    public int mailboxDepth() {
        return ref.mailboxDepth();
    }

    @Override
    public void reportCircuitState(String breaker, String fromState, String toState) {
        ref.reportCircuitState(breaker, fromState, toState);
    }

    @Override
    public String toString() {
        return "CountingRef[" + ref.path() + "]";
    }
}
