package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

/** {@link StateStore#inMemory()}: a map; a save replaces the checkpoint only with a newer version. */
final class InMemoryStateStore implements StateStore {

    private final ConcurrentHashMap<String, StoredState> states = new ConcurrentHashMap<>();

    @Override
    public Mono<StoredState> load(String key) {
        Objects.requireNonNull(key, "key");
        return Mono.fromSupplier(() -> states.get(key));
    }

    @Override
    public Mono<Boolean> save(String key, StoredState state) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        return Mono.fromSupplier(() -> {
            StoredState now = states.merge(key, state, (old, s) -> old.version() < s.version() ? s : old);
            return now == state;
        });
    }

    @Override
    public Mono<Void> delete(String key) {
        Objects.requireNonNull(key, "key");
        return Mono.fromRunnable(() -> states.remove(key));
    }

    @Override
    public String toString() {
        return "StateStore.inMemory[" + states.size() + " keys]";
    }
}
