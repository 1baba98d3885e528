package io.reactorsupervisor.state.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.r2dbc.spi.ConnectionFactory;
import io.reactorsupervisor.CheckpointRule;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.StateCodec;
import io.reactorsupervisor.StoredState;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisionEvent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** What every database behind {@link R2dbcStateStore} must do; one subclass per database. */
abstract class StateStoreContract {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** The database's connections. */
    abstract ConnectionFactory factory();

    /** A store in a table of its own, created by the store. */
    R2dbcStateStore freshStore() {
        return R2dbcStateStore.create(factory(), "t_" + UUID.randomUUID().toString().replace("-", ""));
    }

    static StoredState state(long version, String text) {
        return StoredState.of(version, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTableIsCreatedIfMissingAndKeepsCheckpointsByKey() {
        R2dbcStateStore store = freshStore();
        StepVerifier.create(store.load("a")).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("a", state(1, "one"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("b", state(7, "seven"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.load("a")).expectNext(state(1, "one")).expectComplete().verify(WAIT);
        StepVerifier.create(store.delete("a")).expectComplete().verify(WAIT);
        StepVerifier.create(store.load("a")).expectComplete().verify(WAIT);
        StepVerifier.create(store.load("b")).expectNext(state(7, "seven")).expectComplete().verify(WAIT);
        // a second store on the same table finds it there
        R2dbcStateStore again = R2dbcStateStore.create(factory(), store.table());
        StepVerifier.create(again.load("b")).expectNext(state(7, "seven")).expectComplete().verify(WAIT);
    }

    @Test
    void anOlderOrEqualVersionNeverReplacesANewerOne() {
        R2dbcStateStore store = freshStore();
        StepVerifier.create(store.save("k", state(5, "five"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("k", state(4, "four"))).expectNext(false).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("k", state(5, "other five"))).expectNext(false).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("k", state(6, "six"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.load("k")).expectNext(state(6, "six")).expectComplete().verify(WAIT);
    }

    @Test
    void largeAndEmptyStatesRoundTrip() {
        R2dbcStateStore store = freshStore();
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        StepVerifier.create(store.save("big", StoredState.of(1, big))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.save("empty", StoredState.of(1, new byte[0]))).expectNext(true).expectComplete()
                .verify(WAIT);
        assertThat(store.load("big").block(WAIT).bytes()).isEqualTo(big);
        assertThat(store.load("empty").block(WAIT).bytes()).isEmpty();
    }

    @Test
    void longAndUnusualKeysAreKeysLikeAnyOther() {
        R2dbcStateStore store = freshStore();
        String deep = "root/" + "level/".repeat(400) + "c"; // a deep tree's path: 2,406 characters
        String odd = "shop/carts/ü'\"; DROP TABLE x; --/%_";
        StepVerifier.create(store.save(deep, state(1, "deep"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.save(odd, state(1, "odd"))).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(store.load(deep)).expectNext(state(1, "deep")).expectComplete().verify(WAIT);
        StepVerifier.create(store.load(odd)).expectNext(state(1, "odd")).expectComplete().verify(WAIT);
        StepVerifier.create(store.load("shop/carts/%")).expectComplete().verify(WAIT);
    }

    @Test
    void concurrentSavesOfOneKeyLeaveTheHighestVersion() throws Exception {
        R2dbcStateStore store = freshStore();
        int threads = 4;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> wins = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int offset = t;
                wins.add(pool.submit(() -> {
                    go.await();
                    int won = 0;
                    for (int i = 0; i < each; i++) {
                        long v = (long) i * threads + offset + 1; // the threads' versions interleave
                        if (Boolean.TRUE.equals(store.save("k", state(v, "v" + v)).block(WAIT))) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : wins) {
                total += f.get(2, TimeUnit.MINUTES);
            }
            assertThat(total).isBetween(1, threads * each);
            long last = (long) threads * each;
            assertThat(store.load("k").block(WAIT)).isEqualTo(state(last, "v" + last));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSavesFromManyProcessesNeverGoBack() {
        // many writers at once on one key, each version written once, in any order: what is stored only grows
        R2dbcStateStore store = freshStore();
        List<Long> seen = new ArrayList<>();
        Flux.range(1, 200)
                .flatMap(v -> store.save("k", state(v, "v" + v)).subscribeOn(Schedulers.parallel())
                        .then(store.load("k")).map(StoredState::version), 16)
                .doOnNext(seen::add)
                .blockLast(Duration.ofMinutes(2));
        assertThat(seen).hasSize(200);
        assertThat(store.load("k").block(WAIT).version()).isEqualTo(200);
    }

    @Test
    void aComponentCrashesAndComesBackWithItsLastCheckpoint() {
        R2dbcStateStore store = freshStore();
        StateCodec<int[]> codec = StateCodec.of(s -> Integer.toString(s[0]).getBytes(StandardCharsets.UTF_8),
                b -> new int[] {Integer.parseInt(new String(b, StandardCharsets.UTF_8))});
        ComponentSpec<String, Integer> spec = ComponentSpec.<String, Integer, int[]>named("counter")
                .state(() -> new int[1])
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return ++s[0];
                })
                .persistent(store, codec, CheckpointRule.EVERY_MESSAGE)
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        List<SupervisionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        root.events().subscribe(events::add);
        try {
            ComponentRef<String, Integer> ref = root.ref(spec);
            assertThat(ref.ask("add").block(WAIT)).isEqualTo(1);
            assertThat(ref.ask("add").block(WAIT)).isEqualTo(2);
            ref.tell("boom");
            assertThat(ref.ask("add").block(WAIT)).isEqualTo(3);
            until("restored", () -> events.stream().anyMatch(e -> e instanceof SupervisionEvent.StateRestored
                    && ((SupervisionEvent.StateRestored) e).version() == 2));
            until("saved", () -> {
                StoredState s = store.load("root/counter").block(WAIT);
                return s != null && s.version() == 3;
            });
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        }
    }

    @Test
    void aTableNameMustBeAnIdentifier() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> R2dbcStateStore.create(factory(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must be a letter or '_' followed by letters, digits or '_', at most 63 characters, "
                        + "but was 'x; DROP TABLE y'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> R2dbcStateStore.create(factory(), "a".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
