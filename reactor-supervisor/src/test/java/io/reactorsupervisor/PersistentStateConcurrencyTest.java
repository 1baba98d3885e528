package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Checkpoints on real threads: saves of one key one at a time, in increasing versions, the last one kept. */
class PersistentStateConcurrencyTest {

    /** Records, per key, the versions saved, and how many saves of a key ran at once at most. */
    static final class RecordingStore extends PersistentStateTest.Delegating {
        final Map<String, List<Long>> versions = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        final AtomicInteger overlaps = new AtomicInteger();

        RecordingStore(StateStore inner) {
            super(inner);
        }

        @Override
        public Mono<Boolean> save(String key, StoredState state) {
            return Mono.defer(() -> {
                if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                synchronized (versions) {
                    versions.computeIfAbsent(key, k -> new ArrayList<>()).add(state.version());
                }
                // a real hop and a little latency, so that saves pile up behind the one in flight
                return Mono.delay(Duration.ofMillis(1), Schedulers.parallel())
                        .then(super.save(key, state))
                        .doOnTerminate(() -> running.get(key).decrementAndGet()); // before the next save can start
            });
        }
    }

    @Test
    @Timeout(60)
    void manySendersManyComponentsSavesStayOrderedPerKeyAndTheLastStateIsStored() throws Exception {
        StateStore memory = StateStore.inMemory();
        RecordingStore store = new RecordingStore(memory);
        int components = 8;
        int senders = 4;
        int each = 500;
        List<ComponentSpec<String, Integer>> specs = new ArrayList<>();
        SupervisorSpec.Builder tree = Supervisor.named("root");
        for (int c = 0; c < components; c++) {
            ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c" + c)
                    .mailbox(Mailbox.unbounded())
                    .persistent(store, PersistentStateTest.CODEC, CheckpointRule.EVERY_MESSAGE).build();
            specs.add(spec);
            tree.child(spec);
        }
        Supervisor root = tree.start();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        for (ComponentSpec<String, Integer> spec : specs) {
                            root.ref(spec).tell("add");
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            int total = senders * each;
            for (ComponentSpec<String, Integer> spec : specs) {
                // the last message is behind all others in the mailbox: its reply is the count
                assertThat(root.ref(spec).ask("add").block(Duration.ofSeconds(30))).isEqualTo(total + 1);
            }
        } finally {
            root.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
        }
        assertThat(store.overlaps).hasValue(0);
        for (int c = 0; c < components; c++) {
            String key = "root/c" + c;
            List<Long> saved;
            synchronized (store.versions) {
                saved = new ArrayList<>(store.versions.get(key));
            }
            assertThat(saved).as(key).isSorted().doesNotHaveDuplicates();
            assertThat(saved.get(saved.size() - 1)).as(key).isEqualTo(senders * each + 1L);
            assertThat(saved.size()).as("coalesced: fewer saves than messages for " + key)
                    .isLessThan(senders * each + 1);
            StoredState last = memory.load(key).block();
            assertThat(new String(last.bytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(Integer.toString(senders * each + 1));
        }
    }
}
