package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;

/**
 * A healthy component next to siblings that crash on every message, on real threads: the
 * healthy one handles every message, once, in each sender's order, in one incarnation. (What
 * the crash loop costs its throughput is measured in the benchmarks module, not here.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsolationTest {

    static final int HEALTHY_SENDERS = 4;
    static final int PER_SENDER = 25_000;
    static final int CRASHES_PER_LOOPER = 10_000;

    record Msg(int sender, int seq) {
    }

    /** The healthy component's state: the last sequence number seen per sender. */
    static final class Order {
        final int[] last = new int[HEALTHY_SENDERS];
        int handled;
        int outOfOrder;

        Order() {
            Arrays.fill(last, -1);
        }
    }

    @Test
    void aHealthyComponentHandlesEveryMessageInOrderWhileItsSiblingsCrashOnEveryMessage() throws Exception {
        AtomicInteger healthyIncarnations = new AtomicInteger();
        Order[] order = new Order[1];
        ComponentSpec<Msg, Void> healthy = ComponentSpec.<Msg, Void, Order>named("healthy")
                .state(() -> {
                    healthyIncarnations.incrementAndGet();
                    return order[0] = new Order();
                })
                .syncHandler((o, m) -> {
                    if (m.seq() <= o.last[m.sender()]) {
                        o.outOfOrder++;
                    }
                    o.last[m.sender()] = m.seq();
                    o.handled++;
                    return null;
                })
                .mailbox(Mailbox.unbounded())
                .build();
        ComponentSpec<Integer, Void> looper = ComponentSpec.<Integer, Void, Object>named("looper")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    throw new IllegalStateException("crash loop " + m);
                })
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
        ComponentSpec<String, String> guest = Guests.component("guest")
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(looper).child(healthy).child(guest).start();
        Map<DeadLetterReason, AtomicInteger> dead = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            dead.put(r, new AtomicInteger());
        }
        AtomicInteger healthyDead = new AtomicInteger();
        Disposable d = root.deadLetters().subscribe(e -> {
            dead.get(e.reason()).incrementAndGet();
            if (e.path().equals("root/healthy")) {
                healthyDead.incrementAndGet();
            }
        });
        ComponentRef<Msg, Void> healthyRef = root.ref(healthy);
        ComponentRef<Integer, Void> looperRef = root.ref(looper);
        ComponentRef<String, String> guestRef = root.ref(guest);

        ExecutorService threads = Executors.newFixedThreadPool(HEALTHY_SENDERS + 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> sends = new ArrayList<>();
            for (int s = 0; s < HEALTHY_SENDERS; s++) {
                int sender = s;
                sends.add(threads.submit(() -> {
                    go.await();
                    int accepted = 0;
                    for (int seq = 0; seq < PER_SENDER; seq++) {
                        accepted += healthyRef.tell(new Msg(sender, seq)) ? 1 : 0;
                    }
                    return accepted;
                }));
            }
            sends.add(threads.submit(() -> {
                go.await();
                int accepted = 0;
                for (int i = 0; i < CRASHES_PER_LOOPER; i++) {
                    accepted += looperRef.tell(i) ? 1 : 0;
                }
                return accepted;
            }));
            sends.add(threads.submit(() -> {
                go.await();
                int accepted = 0;
                for (int i = 0; i < CRASHES_PER_LOOPER; i++) {
                    accepted += guestRef.tell(Guests.TRAP + "loop") ? 1 : 0;
                }
                return accepted;
            }));
            go.countDown();
            int accepted = 0;
            for (Future<Integer> f : sends) {
                accepted += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(accepted).isEqualTo(HEALTHY_SENDERS * PER_SENDER + 2 * CRASHES_PER_LOOPER);
            // drains every mailbox: the counts are final afterwards
            root.shutdown(Duration.ofSeconds(30)).block(Duration.ofSeconds(40));
        } finally {
            threads.shutdownNow();
            d.dispose();
        }

        assertThat(healthyIncarnations).hasValue(1);
        assertThat(order[0].handled).isEqualTo(HEALTHY_SENDERS * PER_SENDER);
        assertThat(order[0].outOfOrder).isZero();
        assertThat(order[0].last).containsOnly(PER_SENDER - 1);
        assertThat(healthyDead).hasValue(0);
        ComponentSnapshot healthySnap = (ComponentSnapshot) root.snapshot().child("healthy");
        assertThat(healthySnap.restarts()).isZero();
        assertThat(healthySnap.handled()).isEqualTo(HEALTHY_SENDERS * PER_SENDER);
        // every crashing message crashed once and was dead-lettered once; each crash was a restart
        assertThat(dead.get(DeadLetterReason.CRASHED)).as("dead letters by reason: %s; %s", dead, root.snapshot().render())
                .hasValue(2 * CRASHES_PER_LOOPER);
        assertThat(dead.entrySet()).filteredOn(e -> e.getKey() != DeadLetterReason.CRASHED)
                .allSatisfy(e -> assertThat(e.getValue()).hasValue(0));
        assertThat(((ComponentSnapshot) root.snapshot().child("looper")).restarts()).isEqualTo(CRASHES_PER_LOOPER);
        assertThat(((ComponentSnapshot) root.snapshot().child("guest")).restarts()).isEqualTo(CRASHES_PER_LOOPER);
    }

    @Test
    void aSiblingThatCrashLoopsIntoItsLimitFailsAloneAndTheHealthyOneCarriesOn() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        ComponentSpec<Integer, Integer> healthy = ComponentSpec.<Integer, Integer, Object>named("healthy")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    handled.incrementAndGet();
                    return m;
                })
                .mailbox(Mailbox.unbounded())
                .build();
        ComponentSpec<Integer, Void> looper = ComponentSpec.<Integer, Void, Object>named("looper")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    throw new IllegalStateException("crash loop " + m);
                })
                .limit(RestartLimit.of(50, Duration.ofMinutes(1)))
                .mailbox(Mailbox.unbounded())
                .build();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(looper).child(healthy)
                .start();
        Map<DeadLetterReason, AtomicInteger> looperDead = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            looperDead.put(r, new AtomicInteger());
        }
        List<SupervisionEvent.Failed> failed = new CopyOnWriteArrayList<>();
        // every message told to the looper ends as a dead letter, some only once its mailbox is flushed
        CountDownLatch allLooperDeadLetters = new CountDownLatch(20_000);
        Disposable d = root.events().subscribe(e -> {
            if (e instanceof SupervisionEvent.DeadLetter && e.path().equals("root/looper")) {
                looperDead.get(((SupervisionEvent.DeadLetter) e).reason()).incrementAndGet();
                allLooperDeadLetters.countDown();
            } else if (e instanceof SupervisionEvent.Failed) {
                failed.add((SupervisionEvent.Failed) e);
            }
        });
        ComponentRef<Integer, Integer> healthyRef = root.ref(healthy);
        ComponentRef<Integer, Void> looperRef = root.ref(looper);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> toLooper = threads.submit(() -> {
                int refused = 0;
                for (int i = 0; i < 20_000; i++) {
                    refused += looperRef.tell(i) ? 0 : 1;
                }
                return refused;
            });
            Future<Integer> toHealthy = threads.submit(() -> {
                int accepted = 0;
                for (int i = 0; i < 50_000; i++) {
                    accepted += healthyRef.tell(i) ? 1 : 0;
                }
                return accepted;
            });
            int refused = toLooper.get(30, TimeUnit.SECONDS);
            assertThat(toHealthy.get(30, TimeUnit.SECONDS)).isEqualTo(50_000);
            assertThat(healthyRef.ask(-1).block(Duration.ofSeconds(10))).isEqualTo(-1);
            assertThat(handled).hasValue(50_001);
            assertThat(healthyRef.state()).isEqualTo(ComponentState.RUNNING);
            // the looper crash-loops on its own threads: the healthy one may be done before it reaches its limit
            assertThat(allLooperDeadLetters.await(20, TimeUnit.SECONDS)).as("all 20,000 dead-lettered").isTrue();
            assertThat(looperRef.state()).isEqualTo(ComponentState.FAILED);
            // 51 crashes (the 51st would be restart 51 within the minute), the rest refused or flushed
            assertThat(looperDead.get(DeadLetterReason.CRASHED)).hasValue(51);
            assertThat(looperDead.get(DeadLetterReason.COMPONENT_FAILED).get()).isEqualTo(20_000 - 51);
            assertThat(refused).isLessThanOrEqualTo(20_000 - 51);
            assertThat(failed).extracting(SupervisionEvent::path).containsExactly("root/looper");
            assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        } finally {
            threads.shutdownNow();
            d.dispose();
            root.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(20));
        }
    }
}
