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
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;

/**
 * Real threads: several senders, one component crashing at random, a sibling that must not
 * notice. Every accepted message is handled or dead-lettered, exactly once.
 */
class IsolationConcurrencyTest {

    record Msg(int sender, int seq, boolean crash) {
    }

    static final int SENDERS = 4;
    static final int PER_SENDER = 20_000;

    /** The sibling's state: per-sender last sequence seen, and how many it handled. */
    static final class Tally {
        final int[] last = new int[SENDERS];
        int count;
        boolean outOfOrder;

        Tally() {
            java.util.Arrays.fill(last, -1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCrashingComponentLosesNothingAndItsSiblingIsUndisturbed() throws Exception {
        Map<String, Integer> handledByFlaky = new ConcurrentHashMap<>();
        Map<String, Integer> deadLetters = new ConcurrentHashMap<>();
        AtomicInteger siblingIncarnations = new AtomicInteger();
        Tally[] siblingState = new Tally[1];

        ComponentSpec<Msg, Void> flaky = ComponentSpec.<Msg, Void, Object>named("flaky")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.crash()) {
                        throw new IllegalStateException("chaos " + m);
                    }
                    handledByFlaky.merge(m.sender() + "/" + m.seq(), 1, Integer::sum);
                    return null;
                })
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
        ComponentSpec<Msg, Void> sibling = ComponentSpec.<Msg, Void, Tally>named("sibling")
                .state(() -> {
                    siblingIncarnations.incrementAndGet();
                    Tally t = new Tally();
                    siblingState[0] = t;
                    return t;
                })
                .syncHandler((t, m) -> {
                    if (m.seq() <= t.last[m.sender()]) {
                        t.outOfOrder = true;
                    }
                    t.last[m.sender()] = m.seq();
                    t.count++;
                    return null;
                })
                .mailbox(Mailbox.unbounded())
                .build();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(flaky).child(sibling)
                .start();
        Disposable dl = root.deadLetters().subscribe(d -> deadLetters.merge(
                ((Msg) d.message()).sender() + "/" + ((Msg) d.message()).seq(), 1, Integer::sum));
        ComponentRef<Msg, Void> flakyRef = root.ref(flaky);
        ComponentRef<Msg, Void> siblingRef = root.ref(sibling);

        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            results.add(senders.submit(() -> {
                go.await();
                int accepted = 0;
                int crashes = 0;
                for (int seq = 0; seq < PER_SENDER; seq++) {
                    boolean crash = ThreadLocalRandom.current().nextInt(100) == 0;
                    if (flakyRef.tell(new Msg(sender, seq, crash))) {
                        accepted++;
                        crashes += crash ? 1 : 0;
                    }
                    siblingRef.tell(new Msg(sender, seq, false));
                }
                return new int[] {accepted, crashes};
            }));
        }
        go.countDown();
        int accepted = 0;
        int crashes = 0;
        for (Future<int[]> f : results) {
            int[] r = f.get(30, TimeUnit.SECONDS);
            accepted += r[0];
            crashes += r[1];
        }
        senders.shutdown();
        // a graceful shutdown drains every mailbox: the counts are final afterwards
        root.shutdown(Duration.ofSeconds(30)).block(Duration.ofSeconds(40));
        dl.dispose();

        assertThat(accepted).isEqualTo(SENDERS * PER_SENDER); // unbounded mailbox: nothing refused
        assertThat(crashes).isPositive();
        // exactly once: each message handled once or dead-lettered once, never both, never lost
        assertThat(handledByFlaky.values()).allMatch(n -> n == 1);
        assertThat(deadLetters.values()).allMatch(n -> n == 1);
        assertThat(handledByFlaky.keySet()).doesNotContainAnyElementsOf(deadLetters.keySet());
        assertThat(handledByFlaky.size() + deadLetters.size()).isEqualTo(accepted);
        assertThat(deadLetters).hasSize(crashes); // only the crashing messages themselves
        assertThat(((ComponentSnapshot) root.snapshot().child("flaky")).mailboxDepth()).isZero();
        assertThat(((ComponentSnapshot) root.snapshot().child("sibling")).mailboxDepth()).isZero();
        SupervisorSnapshot snap = root.snapshot();
        assertThat(((ComponentSnapshot) snap.child("flaky")).restarts()).isEqualTo(crashes);
        // the sibling: one incarnation, every message, per-sender order kept
        assertThat(siblingIncarnations).hasValue(1);
        assertThat(siblingState[0].count).isEqualTo(SENDERS * PER_SENDER);
        assertThat(siblingState[0].outOfOrder).isFalse();
        assertThat(((ComponentSnapshot) snap.child("sibling")).restarts()).isZero();
    }
}
