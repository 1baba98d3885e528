package io.reactorsupervisor.samples.shop;

import java.util.Objects;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentState;
import reactor.core.publisher.Mono;

/**
 * A {@link ComponentRef} that counts what is sent through it, so that the demo can compare
 * its own count with the library's. {@code ComponentRef} is an interface: wrapping one is
 * ordinary code, and a circuit-breaker guard can be built over the wrapper (reporting its
 * breaker's states to the ref the wrapper wraps, which the tree knows: {@link #unwrap()}).
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

    /** @return the ref this one wraps, as the supervisor handed it out */
    public ComponentRef<M, R> unwrap() {
        return ref;
    }

    @Override
    public String toString() {
        return "CountingRef[" + ref.path() + "]";
    }
}
