package io.reactorsupervisor;

import java.util.Objects;

/**
 * How a component's state survives its restarts: the {@link StateStore} that keeps its
 * checkpoints, the {@link StateCodec} that turns the state into bytes, the
 * {@link CheckpointRule} that says when, and what to do with a checkpoint that keeps
 * crashing the component. Immutable: each {@code withX} returns a new spec. Give it to
 * {@link ComponentSpec.Builder#persistent(Persistence)}.
 *
 * <pre>{@code
 * Persistence<Cart> persistence = Persistence.of(store, cartCodec)
 *     .checkpoint(CheckpointRule.everyMessages(10).orEvery(Duration.ofSeconds(5)))
 *     .discardAfter(3);
 * }</pre>
 *
 * <p><b>What happens, in order.</b> An incarnation starts from the key's last checkpoint
 * (published as {@link SupervisionEvent.StateRestored}) or, when there is none, from the
 * state factory. After each successfully handled message the rule may take a checkpoint: the
 * state is encoded on the component's thread and saved in the background, never blocking the
 * component; saves of one key run one at a time in version order, and while one is in flight
 * only the latest next one waits (older ones are dropped, superseded). An incarnation starts
 * once the saves before it have ended, so it reads the component's own last checkpoint.
 *
 * <p><b>Failures.</b> A save that fails (or an {@code encode} that throws) is logged and
 * published as {@link SupervisionEvent.CheckpointFailed}; the component keeps running and the
 * next checkpoint replaces it; a save that has not ended within 10 seconds counts as failed, so
 * that a store that never answers cannot hold the key's later saves. A component that ends for
 * good (a stop, a passivation, a shutdown) tells its supervisor once its last save has ended,
 * within the same 10 seconds. A load that fails (or has not ended within the same 10
 * seconds), or a {@code decode} that throws, fails the incarnation's start: a crash under the
 * component's restart strategy and limit, as a failed recovery is in Pekko persistence, since
 * starting fresh would silently lose the state while
 * the store is briefly unreachable. A checkpoint that crashes the component
 * {@link #discardAfter(int) N} times in a row (incarnations that started from it and crashed
 * before taking a newer one, a decode failure included) is poisoned: it is deleted from the
 * store (a delete that fails, or has not ended within 10 seconds, is logged),
 * {@link SupervisionEvent.StateDiscarded} says so, and the next incarnation starts fresh, so a
 * bad state cannot crash-loop the component forever. The crashes are counted per
 * store and key in this process, not per running component: a keyed component activated
 * again, or a child started again, continues the count. A component's very first start that
 * fails this way fails that start, as any failed start does (OTP's {@code {error, Reason}});
 * it still counts, so the next start of the key goes on from there.
 *
 * <p>A crash on a message that is redelivered ({@link ComponentSpec.Builder#redeliveries(int)})
 * counts too: the library cannot tell a poisoned message from a poisoned state. When a spec
 * redelivers, choose {@code discardAfter} above its redeliveries, so that a message that keeps
 * crashing becomes a dead letter before the checkpoint is blamed.
 *
 * <p><b>Keys.</b> A component's key is its path ({@code root/carts/42}), so that each keyed
 * component gets its own; {@link #keyPrefix(String)} puts a prefix before it, to share a
 * store between applications.
 *
 * @param <S> the type of the state
 */
public final class Persistence<S> {

    /** The default number of crashes in a row on a restored checkpoint after which it is discarded. */
    public static final int DEFAULT_DISCARD_AFTER = 3;

    private final StateStore store;
    private final StateCodec<S> codec;
    private final CheckpointRule rule;
    private final int discardAfter;
    private final String keyPrefix;

    private Persistence(StateStore store, StateCodec<S> codec, CheckpointRule rule, int discardAfter,
            String keyPrefix) {
        this.store = store;
        this.codec = codec;
        this.rule = rule;
        this.discardAfter = discardAfter;
        this.keyPrefix = keyPrefix;
    }

    /**
     * Persistence in {@code store} with {@code codec}: a checkpoint after every message,
     * discarded after {@value #DEFAULT_DISCARD_AFTER} crashes in a row, keys without a prefix.
     *
     * @param store where checkpoints are kept
     * @param codec the state to bytes and back
     * @param <S> the type of the state
     * @return the spec
     */
    public static <S> Persistence<S> of(StateStore store, StateCodec<S> codec) {
        return new Persistence<>(Objects.requireNonNull(store, "store"), Objects.requireNonNull(codec, "codec"),
                CheckpointRule.EVERY_MESSAGE, DEFAULT_DISCARD_AFTER, "");
    }

    /**
     * @param rule when to take a checkpoint; default {@link CheckpointRule#EVERY_MESSAGE}
     * @return a new spec
     */
    public Persistence<S> checkpoint(CheckpointRule rule) {
        return new Persistence<>(store, codec, Objects.requireNonNull(rule, "rule"), discardAfter, keyPrefix);
    }

    /**
     * After how many crashes in a row on a restored checkpoint it is deleted and the component
     * starts fresh. 1 discards it at its first crash.
     *
     * @param crashes 1 to 1000; default {@value #DEFAULT_DISCARD_AFTER}
     * @return a new spec
     * @throws IllegalArgumentException if {@code crashes} is not within 1 to 1000
     */
    public Persistence<S> discardAfter(int crashes) {
        if (crashes < 1 || crashes > 1000) {
            throw new IllegalArgumentException("discardAfter must be between 1 and 1000, but was " + crashes);
        }
        return new Persistence<>(store, codec, rule, crashes, keyPrefix);
    }

    /**
     * A prefix for the keys, put before the component's path as given.
     *
     * @param prefix at most 200 characters; default none
     * @return a new spec
     * @throws IllegalArgumentException if {@code prefix} is longer than 200 characters
     */
    public Persistence<S> keyPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() > 200) {
            throw new IllegalArgumentException("keyPrefix must be at most 200 characters, but was "
                    + prefix.length());
        }
        return new Persistence<>(store, codec, rule, discardAfter, prefix);
    }

    /** @return where checkpoints are kept */
    public StateStore store() {
        return store;
    }

    /** @return the state to bytes and back */
    public StateCodec<S> codec() {
        return codec;
    }

    /** @return when a checkpoint is taken */
    public CheckpointRule rule() {
        return rule;
    }

    /** @return after how many crashes in a row on a restored checkpoint it is discarded */
    public int discardAfter() {
        return discardAfter;
    }

    /** @return the prefix of the keys, empty when none */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The key of a component at {@code path}. */
    String key(String path) {
        return keyPrefix.isEmpty() ? path : keyPrefix + path;
    }

    @Override
    public String toString() {
        return "Persistence[" + store + ", " + rule + ", discardAfter " + discardAfter
                + (keyPrefix.isEmpty() ? "" : ", keyPrefix '" + keyPrefix + "'") + "]";
    }
}
