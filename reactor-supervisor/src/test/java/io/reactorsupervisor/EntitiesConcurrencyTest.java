package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;

/**
 * Keyed components on real threads: the same keys from many senders while their components are
 * passivated under them, and a set removed while messages arrive. Every message sent is handled
 * or dead-lettered, exactly once, and one sender's messages to one key keep their order.
 */
class EntitiesConcurrencyTest {


    static final int SENDERS = 4;

    private final List<Disposable> disposables = new ArrayList<>();
    private ExecutorService pool;

    @AfterEach
    void tearDown() {
        disposables.forEach(Disposable::dispose);
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theSameKeysFromManyThreadsWhilePassivatedUnderThemLoseNothingAndKeepEachSendersOrder() throws Exception {
        int perSender = 50_000;
        String[] keys = {"a", "b", "c"};
        AtomicLong handled = new AtomicLong();
        AtomicBoolean disorder = new AtomicBoolean();
        Map<String, int[]> last = new ConcurrentHashMap<>();
        for (String k : keys) {
            int[] l = new int[SENDERS];
            java.util.Arrays.fill(l, -1);
            last.put(k, l);
        }
        ComponentSpec<KeyedMsg, Void> spec = ComponentSpec.<KeyedMsg, Void, Object>named("ordered")
                .state(Object::new)
                .mailbox(Mailbox.bounded(1_000_000))
                .syncHandler((s, m) -> {
                    int[] l = last.get(m.key());
                    if (m.seq() <= l[m.sender()]) {
                        disorder.set(true);
                    }
                    l[m.sender()] = m.seq(); // one message at a time per key, across activations (each starts after the last ended)
                    handled.incrementAndGet();
                    return null;
                })
                .build();
        EntitiesSpec<String, KeyedMsg, Void> set = EntitiesSpec.named("keys", String.class, spec)
                .idleTimeout(Duration.ofMillis(1)) // passivated whenever idle for a moment
                .build();
        Supervisor root = Supervisor.named("root").entities(set).start();
        AtomicLong deadLetters = new AtomicLong();
        disposables.add(root.deadLetters().subscribe(d -> deadLetters.incrementAndGet()));
        Entities<String, KeyedMsg, Void> entities = root.entities(set);

        pool = Executors.newFixedThreadPool(SENDERS + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger passivated = new AtomicInteger();
        AtomicLong sentInAll = new AtomicLong();
        List<Future<Integer>> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int sender = t;
            senders.add(pool.submit(() -> {
                go.await();
                int refused = 0;
                // at least perSender each, and on until 20 passivations have happened under the senders
                for (int i = 0; i < perSender || (passivated.get() < 20 && i < 50 * perSender); i++) {
                    String key = keys[i % keys.length];
                    if (!entities.ref(key).tell(new KeyedMsg(key, sender, i))) {
                        refused++;
                    }
                    sentInAll.incrementAndGet();
                    if (i % 64 == 0) {
                        Thread.yield(); // let the passivations in between
                    }
                }
                return refused;
            }));
        }
        Future<Integer> passivator = pool.submit(() -> {
            go.await();
            int n = 0;
            while (sending.get()) {
                entities.passivate(keys[n++ % keys.length]).subscribe(done -> {
                    if (done) {
                        passivated.incrementAndGet();
                    }
                });
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
            return n;
        });
        go.countDown();
        int refused = 0;
        for (Future<Integer> f : senders) {
            refused += f.get(30, TimeUnit.SECONDS);
        }
        sending.set(false);
        passivator.get(30, TimeUnit.SECONDS);
        long sent = sentInAll.get();
        Eventually.until("every message handled", Duration.ofSeconds(30), () -> handled.get() == sent);
        assertThat(refused).isZero();
        assertThat(deadLetters.get()).isZero();
        assertThat(disorder.get()).isFalse();
        assertThat(passivated.get()).as("passivations under the senders").isGreaterThanOrEqualTo(20);
        Eventually.until("every key passivated once idle", Duration.ofSeconds(10),
                () -> entities.snapshot().active() == 0 && entities.snapshot().passivating() == 0);
        EntitySet internals = ((LocalEntities<?, ?, ?>) entities).set;
        Eventually.until("no slot left", () -> internals.slots.isEmpty());
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    record KeyedMsg(String key, int sender, int seq) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSetRemovedWhileMessagesArriveHandlesOrDeadLettersEveryOne() throws Exception {
        AtomicLong handled = new AtomicLong();
        EntitiesSpec<Integer, Integer, Void> set = EntitiesSpec.named("keys", Integer.class,
                        ComponentSpec.<Integer, Void, Object>named("t").state(Object::new)
                                .syncHandler((s, m) -> {
                                    handled.incrementAndGet();
                                    return null;
                                }).build())
                .maxActive(50)
                .idleTimeout(Duration.ofMillis(2))
                .build();
        Supervisor root = Supervisor.named("root").entities(set).start();
        AtomicLong deadLetters = new AtomicLong();
        disposables.add(root.deadLetters().subscribe(d -> deadLetters.incrementAndGet()));
        Entities<Integer, Integer, Void> entities = root.entities(set);
        pool = Executors.newFixedThreadPool(SENDERS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger removedAfter = new AtomicInteger(-1);
        List<Future<Long>> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            senders.add(pool.submit(() -> {
                go.await();
                long sent = 0;
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (!stop.get() || sent < 1_000) {
                    entities.ref(r.nextInt(500)).tell(1);
                    sent++;
                    if (sent > 2_000_000) {
                        break;
                    }
                }
                return sent;
            }));
        }
        go.countDown();
        Eventually.until("some handled", () -> handled.get() > 20_000);
        root.removeChild("keys", Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
        removedAfter.set((int) Math.min(Integer.MAX_VALUE, handled.get()));
        stop.set(true);
        long sent = 0;
        for (Future<Long> f : senders) {
            sent += f.get(30, TimeUnit.SECONDS);
        }
        long total = sent;
        Eventually.until("every message handled or dead-lettered", Duration.ofSeconds(20),
                () -> handled.get() + deadLetters.get() == total);
        assertThat(handled.get() + deadLetters.get()).isEqualTo(total);
        assertThat(entities.ref(1).tell(1)).isFalse(); // the set is gone: refused, and a dead letter
        EntitySet internals = ((LocalEntities<?, ?, ?>) entities).set;
        assertThat(internals.slots).isEmpty();
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyKeysThroughASmallCapFromManyThreadsLoseNothingKeepOrderAndNeverExceedTheCap() throws Exception {
        int keys = 200;
        int cap = 20;
        int perSender = 25_000;
        AtomicLong handled = new AtomicLong();
        AtomicBoolean disorder = new AtomicBoolean();
        Map<String, int[]> last = new ConcurrentHashMap<>();
        ComponentSpec<KeyedMsg, Void> spec = ComponentSpec.<KeyedMsg, Void, Object>named("ordered")
                .state(Object::new)
                .mailbox(Mailbox.bounded(1_000_000))
                .syncHandler((s, m) -> {
                    int[] l = last.computeIfAbsent(m.key(), k -> {
                        int[] fresh = new int[SENDERS];
                        java.util.Arrays.fill(fresh, -1);
                        return fresh;
                    });
                    if (m.seq() <= l[m.sender()]) {
                        disorder.set(true);
                    }
                    l[m.sender()] = m.seq();
                    handled.incrementAndGet();
                    return null;
                })
                .build();
        EntitiesSpec<String, KeyedMsg, Void> set = EntitiesSpec.named("keys", String.class, spec)
                .maxActive(cap)
                .idleTimeout(Duration.ofMillis(1))
                .build();
        Supervisor root = Supervisor.named("root").entities(set).start();
        AtomicLong deadLetters = new AtomicLong();
        disposables.add(root.deadLetters().subscribe(d -> deadLetters.incrementAndGet()));
        Entities<String, KeyedMsg, Void> entities = root.entities(set);
        EntitySet internals = ((LocalEntities<?, ?, ?>) entities).set;

        pool = Executors.newFixedThreadPool(SENDERS + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger mostAlive = new AtomicInteger();
        Future<?> watcher = pool.submit(() -> {
            while (watching.get()) {
                mostAlive.accumulateAndGet(internals.liveCount, Math::max);
                Thread.onSpinWait();
            }
        });
        List<Future<Integer>> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int sender = t;
            senders.add(pool.submit(() -> {
                go.await();
                int refused = 0;
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < perSender; i++) {
                    String key = "k" + r.nextInt(keys);
                    if (!entities.ref(key).tell(new KeyedMsg(key, sender, i))) {
                        refused++;
                    }
                }
                return refused;
            }));
        }
        go.countDown();
        int refused = 0;
        for (Future<Integer> f : senders) {
            refused += f.get(30, TimeUnit.SECONDS);
        }
        long sent = (long) SENDERS * perSender;
        Eventually.until("every message handled", Duration.ofSeconds(30), () -> handled.get() == sent);
        watching.set(false);
        watcher.get(5, TimeUnit.SECONDS);
        assertThat(refused).isZero();
        assertThat(deadLetters.get()).isZero();
        assertThat(disorder.get()).isFalse();
        assertThat(mostAlive.get()).isLessThanOrEqualTo(cap);
        assertThat(entities.snapshot().passivations()).isGreaterThan(keys - cap);
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
