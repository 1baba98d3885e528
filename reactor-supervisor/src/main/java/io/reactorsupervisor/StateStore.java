package io.reactorsupervisor;

import reactor.core.publisher.Mono;

/**
 * Where persistent components keep their checkpoints, by key: a small reactive SPI. The
 * library calls it from the component's thread and never blocks on it; an implementation
 * must not block the calling thread either (do the I/O in the returned {@code Mono}).
 *
 * <p>The library writes one key from one component at a time and in version order (one save
 * in flight and at most the latest pending one), but several processes may write the same
 * key (a component that moved to another instance of the service): a store orders saves by
 * version, so that an older checkpoint never replaces a newer one.
 *
 * @see Persistence
 */
public interface StateStore {

    /**
     * The latest checkpoint of a key.
     *
     * @param key the component's key (its path by default)
     * @return the checkpoint, or empty when there is none
     */
    Mono<StoredState> load(String key);

    /**
     * Stores a checkpoint unless the store holds one of this version or a newer one for the key.
     *
     * @param key the component's key
     * @param state the checkpoint
     * @return true if it was stored, false if a checkpoint of an equal or newer version was there
     */
    Mono<Boolean> save(String key, StoredState state);

    /**
     * Removes a key's checkpoint, if there is one.
     *
     * @param key the component's key
     * @return completes once it is gone
     */
    Mono<Void> delete(String key);

    /**
     * A store in this process's memory: checkpoints survive restarts of components and of
     * supervisors (and a keyed component's passivation), not of the process. Safe for
     * concurrent use.
     *
     * @return a new, empty store
     */
    static StateStore inMemory() {
        return new InMemoryStateStore();
    }
}
