package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A million distinct keys, each touched once, through a set capped at 10,000 active components:
 * every message is handled, nothing is dead-lettered, the set never holds more than its cap, and
 * the heap after the million is what it was after the first hundred thousand (what a passivated
 * key leaves behind is nothing). Real threads; not timed (the time is the benchmark's,
 * {@code KeyedComponents} in benchmarks/).
 */
class EntitiesMillionKeysTest {

    static final int KEYS = 1_000_000;
    static final int CAP = 10_000;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMillionDistinctKeysThroughACappedSetLoseNothingAndKeepTheHeapBounded() throws Exception {
        AtomicLong handled = new AtomicLong();
        EntitiesSpec<Integer, Integer, Integer> spec = EntitiesSpec.named("keys", Integer.class,
                        ComponentSpec.<Integer, Integer, int[]>named("key")
                                .state(() -> new int[1])
                                .syncHandler((count, m) -> {
                                    count[0]++;
                                    handled.incrementAndGet();
                                    return count[0];
                                })
                                .build())
                .maxActive(CAP)
                .build();
        Supervisor root = Supervisor.named("root").entities(spec).start();
        AtomicLong deadLetters = new AtomicLong();
        Disposable counting = root.deadLetters().subscribe(d -> deadLetters.incrementAndGet());
        Entities<Integer, Integer, Integer> entities = root.entities(spec);
        EntitySet set = ((LocalEntities<?, ?, ?>) entities).set;

        AtomicInteger mostAlive = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                mostAlive.accumulateAndGet(set.liveCount, Math::max);
                mostAlive.accumulateAndGet(set.owner.children.byName.size(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }, "alive-watcher");
        watcher.setDaemon(true);
        watcher.start();

        AtomicLong wrongReplies = new AtomicLong();
        long heapAfterFirst = 0;
        int chunk = 100_000;
        for (int from = 0; from < KEYS; from += chunk) {
            Flux.range(from, chunk)
                    .flatMap(i -> entities.ref(i).ask(i), 512)
                    .doOnNext(reply -> {
                        if (reply != 1) {
                            wrongReplies.incrementAndGet(); // each key is new: its first message
                        }
                    })
                    .then()
                    .block(Duration.ofMinutes(2));
            if (from == 0) {
                heapAfterFirst = usedHeapAfterGc();
            }
        }
        long heapAfterAll = usedHeapAfterGc();
        watching.set(false);
        watcher.join(1_000);

        assertThat(handled.get()).isEqualTo(KEYS);
        assertThat(wrongReplies.get()).isZero();
        assertThat(deadLetters.get()).isZero();
        assertThat(mostAlive.get()).isLessThanOrEqualTo(CAP);
        EntitiesSnapshot snap = entities.snapshot();
        assertThat(snap.activations()).isEqualTo(KEYS);
        assertThat(snap.passivations()).isGreaterThanOrEqualTo(KEYS - CAP);
        assertThat(snap.active() + snap.passivating()).isLessThanOrEqualTo(CAP);
        assertThat(set.slots.size()).isLessThanOrEqualTo(CAP); // a passivated key leaves nothing behind
        // the tree's snapshot shows the set as one line, whatever it holds
        assertThat(root.snapshot().children()).singleElement().isInstanceOf(EntitiesSnapshot.class);
        assertThat(root.snapshot().render().lines()).hasSize(2);
        // 900,000 more keys passed through: had each left even 10 bytes behind, the heap would have grown by 9 MB
        assertThat(heapAfterAll - heapAfterFirst).as("heap growth over 900,000 more keys, in bytes")
                .isLessThan(8L << 20);
        counting.dispose();
        root.shutdown(Duration.ofSeconds(30)).block(Duration.ofMinutes(1));
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
