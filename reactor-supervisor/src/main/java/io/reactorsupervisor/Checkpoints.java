package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A persistent component's checkpoints (see {@link Persistence}): restores the state at the
 * start of an incarnation, takes checkpoints after handled messages, counts crashes on a
 * restored checkpoint and discards it when it is poisoned. One per component cell; its fields
 * are the drain's, but for the saves, which {@link KeyWriter} runs one at a time per key.
 */
final class Checkpoints {

    /** The saves in progress, per store and key, across components and trees of this process. */
    private static final ConcurrentHashMap<WriterKey, KeyWriter> WRITERS = new ConcurrentHashMap<>();

    /**
     * How long a save, a load or a delete may take before it counts as failed (so that a store
     * that never answers cannot hold a key's later saves, nor its restarts, forever), and how
     * long a component that ends waits for its last save before its supervisor is told.
     */
    static final Duration FLUSH_BOUND = Duration.ofSeconds(10);

    private final ComponentCell cell;
    private final Persistence<Object> persistence;
    private @Nullable String key;
    /** The version of the latest checkpoint this component knows of (loaded or taken); the drain's. */
    private volatile long version;
    /**
     * Crashes in a row on a restored checkpoint, per store and key, kept apart from the cell so
     * that they count across cells too (a keyed component activated again, a child started
     * again); an entry lives until its key takes a new checkpoint or is discarded.
     */
    private static final ConcurrentHashMap<WriterKey, Strikes> STRIKES = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    Checkpoints(ComponentCell cell, Persistence<?> persistence) {
        this.cell = cell;
        this.persistence = (Persistence<Object>) persistence;
    }

    String key() {
        String k = key;
        if (k == null) {
            k = persistence.key(cell.path());
            key = k;
        }
        return k;
    }

    // ------------------------------------------------------------------ restoring

    /**
     * What the next incarnation starts from, once this key's saves in progress have ended: a
     * checkpoint, nothing (fresh), or a failed load. Never fails: the incarnation's start does.
     */
    Mono<Restore> restore() {
        return Mono.defer(() -> {
            String k = key();
            StateStore store = persistence.store();
            WriterKey wk = new WriterKey(store, k);
            Strikes s = STRIKES.get(wk);
            if (s != null && s.discard && STRIKES.remove(wk, s)) {
                return idle(store, k).then(Mono.defer(() -> store.delete(k)).timeout(FLUSH_BOUND, cell.timer()))
                        .onErrorResume(e -> {
                            Tree.LOG.warn("'{}': deleting its discarded checkpoint failed; it starts fresh anyway",
                                    cell.path(), e);
                            return Mono.empty();
                        })
                        .then(Mono.fromSupplier(Restore::fresh));
            }
            return idle(store, k).then(Mono.defer(() -> store.load(k)).timeout(FLUSH_BOUND, cell.timer()))
                    .map(Restore::new)
                    .switchIfEmpty(Mono.fromSupplier(Restore::fresh))
                    .onErrorResume(e -> Mono.just(new Restore(e)));
        });
    }

    /**
     * The state an incarnation starts from (the drain, as its state factory): the checkpoint
     * decoded, or the factory's when there is none.
     *
     * @throws Throwable a failed load, or what the codec threw
     */
    Object start(Incarnation inc, Restore restore) {
        Throwable failure = restore.failure;
        if (failure != null) {
            throw new IllegalStateException("loading the state of '" + cell.path() + "' (key '" + key()
                    + "') from " + persistence.store() + " failed", failure);
        }
        StoredState stored = restore.stored;
        if (stored == null) {
            return cell.cspec.newState();
        }
        if (stored.version() > version) {
            version = stored.version();
        } else if (stored.version() < version) {
            // a save of ours was refused meanwhile (a newer one elsewhere) or failed: what the store has counts
            version = stored.version();
        }
        restore.restoredVersion = stored.version();
        Object state;
        try {
            state = Objects.requireNonNull(persistence.codec().decode(stored.bytesUnsafe().clone()),
                    "codec decoded null");
        } catch (Throwable t) {
            throw new IllegalStateException("decoding the checkpoint of '" + cell.path() + "' (key '" + key()
                    + "', version " + stored.version() + ") failed", t);
        }
        cell.tree.publish(new SupervisionEvent.StateRestored(cell.path(), Tree.now(), key(), stored.version()));
        return state;
    }

    /**
     * An incarnation crashed (the drain): a crash before it took a checkpoint of its own counts
     * against the checkpoint it was restored from.
     */
    void crashed(Incarnation inc) {
        Restore r = inc.restore;
        if (r == null || r.restoredVersion <= 0 || r.checkpointed) {
            return;
        }
        long restored = r.restoredVersion;
        int limit = persistence.discardAfter();
        Strikes s = STRIKES.compute(new WriterKey(persistence.store(), key()), (wk, old) ->
                old == null || old.version != restored ? new Strikes(restored, 1, limit <= 1)
                        : old.discard ? old : new Strikes(restored, old.count + 1, old.count + 1 >= limit));
        if (!s.discard || s.announced) {
            return;
        }
        s.announced = true;
        int n = s.count;
        Tree.LOG.warn("'{}': its checkpoint (key '{}', version {}) crashed it {} times in a row; it is discarded "
                + "and the component starts fresh", cell.path(), key(), restored, n);
        cell.tree.publish(new SupervisionEvent.StateDiscarded(cell.path(), Tree.now(), key(), restored, n));
    }

    // ------------------------------------------------------------------ checkpoints

    /** A message was handled successfully by {@code inc} (its state is at rest): a checkpoint if the rule says so. */
    void handled(Incarnation inc) {
        Restore r = inc.restore;
        if (r == null) {
            return;
        }
        int n = r.sinceCheckpoint;
        if (n != Integer.MAX_VALUE) { // saturates: 2^31 messages within a long interval must not wrap to "none"
            r.sinceCheckpoint = ++n;
        }
        long now = cell.nowNanos();
        if (persistence.rule().due(n, now - r.lastCheckpointNanos)) {
            checkpoint(inc, now);
        }
    }

    /** The incarnation ends gracefully: what it handled since its last checkpoint is saved. */
    void ending(Incarnation inc) {
        Restore r = inc.restore;
        if (r != null && r.sinceCheckpoint > 0 && inc.state != null) {
            checkpoint(inc, cell.nowNanos());
        }
    }

    private void checkpoint(Incarnation inc, long now) {
        Restore r = Objects.requireNonNull(inc.restore);
        r.sinceCheckpoint = 0;
        r.lastCheckpointNanos = now;
        long v = version + 1;
        byte[] bytes;
        try {
            bytes = Objects.requireNonNull(persistence.codec().encode(Objects.requireNonNull(inc.state)),
                    "codec encoded null");
        } catch (Throwable t) {
            saveFailed(v, new IllegalStateException("encoding the state of '" + cell.path() + "' failed", t));
            return;
        }
        version = v;
        r.checkpointed = true;
        StoredState state = StoredState.of(v, bytes);
        WriterKey wk = new WriterKey(persistence.store(), key());
        if (!STRIKES.isEmpty()) {
            STRIKES.remove(wk); // a newer checkpoint: the one it was restored from is not blamed any more
        }
        for (;;) {
            KeyWriter w = WRITERS.computeIfAbsent(wk, KeyWriter::new);
            if (w.offer(state, this)) {
                return;
            }
        }
    }

    /**
     * The component has ended for good: its supervisor is told once the saves of its key have
     * ended (so that a stopped tree, or a passivated component, has its state in the store), or
     * after {@link #FLUSH_BOUND} if the store does not answer.
     */
    void endedAfterSaves(@Nullable Throwable cause) {
        idle(persistence.store(), key())
                .timeout(FLUSH_BOUND, cell.timer())
                .subscribe(null, e -> {
                    Tree.LOG.warn("'{}': its last checkpoint (key '{}') was not saved within {}; it ends without "
                            + "waiting for it", cell.path(), key(), Durations.human(FLUSH_BOUND));
                    cell.tellEnded(cause);
                }, () -> cell.tellEnded(cause));
    }

    void saveFailed(long v, Throwable t) {
        Tree.LOG.warn("'{}': saving its checkpoint (key '{}', version {}) failed; it keeps running", cell.path(),
                key(), v, t);
        cell.tree.publish(new SupervisionEvent.CheckpointFailed(cell.path(), Tree.now(), key(), v, t));
    }

    /** Completes when no save of this key is in progress in this process. */
    static Mono<Void> idle(StateStore store, String key) {
        KeyWriter w = WRITERS.get(new WriterKey(store, key));
        return w == null ? Mono.empty() : w.idle();
    }

    /**
     * What an incarnation starts from, and its checkpoints since (one per incarnation of a
     * persistent component, so that a component that is not persistent pays no field for them).
     */
    static final class Restore {
        final @Nullable StoredState stored;
        final @Nullable Throwable failure;

        // written by the drain, or by an asynchronous reply while the drain waits for it
        /** The version of the checkpoint it was restored from; 0 when it started fresh. */
        long restoredVersion;
        /** Whether it took a checkpoint of its own. */
        boolean checkpointed;
        int sinceCheckpoint;
        long lastCheckpointNanos;

        static Restore fresh() {
            return new Restore((StoredState) null);
        }

        Restore(@Nullable StoredState stored) {
            this.stored = stored;
            this.failure = null;
        }

        Restore(Throwable failure) {
            this.stored = null;
            this.failure = failure;
        }
    }

    private record WriterKey(StateStore store, String key) {
    }

    /** Crashes in a row on one checkpoint; {@code discard}: the next start deletes it. */
    private static final class Strikes {
        final long version;
        final int count;
        final boolean discard;
        volatile boolean announced;

        Strikes(long version, int count, boolean discard) {
            this.version = version;
            this.count = count;
            this.discard = discard;
        }
    }

    /**
     * The saves of one key: one in flight and the latest one waiting, in version order. Gone
     * from {@link #WRITERS} once idle. The store is called outside the lock.
     */
    private static final class KeyWriter {
        private final WriterKey key;
        private @Nullable StoredState next;
        private @Nullable Checkpoints nextOwner;
        private boolean busy;
        private boolean retired;
        private Sinks.@Nullable Empty<Void> idle;

        KeyWriter(WriterKey key) {
            this.key = key;
        }

        /** @return false if this writer is retired: take a new one */
        boolean offer(StoredState state, Checkpoints owner) {
            synchronized (this) {
                if (retired) {
                    return false;
                }
                if (busy) {
                    if (next == null || next.version() < state.version()) {
                        next = state; // the waiting one is superseded: only the latest is worth saving
                        nextOwner = owner;
                    }
                    return true;
                }
                busy = true;
            }
            write(state, owner);
            return true;
        }

        private void write(StoredState state, Checkpoints owner) {
            Mono<Boolean> save;
            try {
                save = Objects.requireNonNull(key.store().save(key.key(), state), "StateStore.save returned null")
                        .timeout(FLUSH_BOUND, owner.cell.timer());
            } catch (Throwable t) {
                save = Mono.error(t);
            }
            save.subscribe(stored -> {
                if (!stored && Tree.LOG.isDebugEnabled()) {
                    Tree.LOG.debug("'{}': checkpoint version {} not saved, a newer one is stored", key.key(),
                            state.version());
                }
            }, e -> {
                owner.saveFailed(state.version(), e);
                next();
            }, this::next);
        }

        private void next() {
            StoredState s;
            Checkpoints owner;
            Sinks.Empty<Void> done = null;
            synchronized (this) {
                s = next;
                owner = nextOwner;
                next = null;
                nextOwner = null;
                if (s == null) {
                    busy = false;
                    retired = true;
                    WRITERS.remove(key, this);
                    done = idle;
                }
            }
            if (s != null) {
                write(s, Objects.requireNonNull(owner));
            } else if (done != null) {
                done.tryEmitEmpty();
            }
        }

        Mono<Void> idle() {
            synchronized (this) {
                if (retired) {
                    return Mono.empty();
                }
                if (idle == null) {
                    idle = Sinks.empty();
                }
                return idle.asMono();
            }
        }
    }
}
