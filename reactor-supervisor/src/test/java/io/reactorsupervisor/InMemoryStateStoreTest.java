package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class InMemoryStateStoreTest {

    private final StateStore store = StateStore.inMemory();

    @Test
    void anOlderOrEqualVersionNeverReplacesANewerOne() {
        StepVerifier.create(store.save("k", StoredState.of(2, new byte[] {2}))).expectNext(true).verifyComplete();
        StepVerifier.create(store.save("k", StoredState.of(1, new byte[] {1}))).expectNext(false).verifyComplete();
        StepVerifier.create(store.save("k", StoredState.of(2, new byte[] {3}))).expectNext(false).verifyComplete();
        StepVerifier.create(store.load("k")).expectNext(StoredState.of(2, new byte[] {2})).verifyComplete();
        StepVerifier.create(store.delete("k")).verifyComplete();
        StepVerifier.create(store.load("k")).verifyComplete();
    }

    @Test
    void concurrentSavesOfOneKeyLeaveTheHighestVersion() throws Exception {
        int threads = 4;
        int each = 2_000;
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
                        long v = (long) i * threads + offset + 1;
                        if (Boolean.TRUE.equals(store.save("k", StoredState.of(v, new byte[] {(byte) v})).block())) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : wins) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isBetween(1, threads * each);
            assertThat(store.load("k").block(Duration.ofSeconds(1)).version()).isEqualTo((long) threads * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] mine = {1, 2};
        StoredState s = StoredState.of(1, mine);
        mine[0] = 9;
        s.bytes()[1] = 9;
        assertThat(s.bytes()).containsExactly(1, 2);
    }
}
