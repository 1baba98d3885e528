package io.reactorsupervisor;

import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a component's state into bytes for a {@link StateStore} and back. The library calls it
 * on the component's own thread, between two messages, so it sees the state as the handler
 * left it; {@link #encode} must not keep a reference to the state.
 *
 * <p>An {@code encode} that throws skips that checkpoint (a
 * {@link SupervisionEvent.CheckpointFailed} event; the component keeps running). A
 * {@code decode} that throws crashes the incarnation that was restoring the state, which
 * counts towards discarding that checkpoint (see {@link Persistence#discardAfter(int)}).
 *
 * @param <S> the type of the state
 */
public interface StateCodec<S> {

    /**
     * @param state the state after a successfully handled message
     * @return its encoding, never null
     */
    byte[] encode(S state);

    /**
     * @param bytes what {@link #encode} returned, maybe in another process or version of the application
     * @return the state, never null
     */
    S decode(byte[] bytes);

    /**
     * A codec of two functions.
     *
     * @param encoder the state to bytes
     * @param decoder bytes to the state
     * @param <S> the type of the state
     * @return the codec
     */
    static <S> StateCodec<S> of(Function<? super S, byte[]> encoder, Function<byte[], ? extends S> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new StateCodec<S>() {
            @Override
            public byte[] encode(S state) {
                return encoder.apply(state);
            }

            @Override
            public S decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
