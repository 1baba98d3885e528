package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Real threads. A sender that finds the drain running does not signal it: the drain looks at
 * the queue once more before it lets go. The ping-pong test puts messages into that moment a
 * hundred thousand times and fails (it was seen to) when the drain does not look again. The
 * others check that four concurrent senders get exactly one reply per message through each path
 * the drain takes: synchronous replies, replies completed on another thread, and crashes with
 * redelivery. {@link DrainSignallingVirtualTimeTest} covers the drain waiting while it can't take
 * messages.
 */
class DrainSignallingTest {

    private static final int SENDERS = 4;
    private static final int PER_SENDER = 50_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyMessageOfFourSendersIsHandledOnceByASynchronousHandler() throws Exception {
        sendAndCount(builder -> builder.syncHandler((s, m) -> m), 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyMessageIsHandledOnceWhenEveryTenthReplyCompletesOnAnotherThread() throws Exception {
        Scheduler replies = Schedulers.newSingle("drain-signalling-replies");
        try {
            sendAndCount(builder -> builder.handler((s, m) -> m % 10 == 0
                    ? Mono.just(m).publishOn(replies)
                    : Mono.just(m)), 0);
        } finally {
            replies.dispose();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyMessageIsHandledOnceWhenTheComponentCrashesOnEveryThousandthAndRedelivers() throws Exception {
        Set<Integer> crashedOn = ConcurrentHashMap.newKeySet();
        sendAndCount(builder -> builder.syncHandler((s, m) -> {
            if (m % 1000 == 0 && crashedOn.add(m)) {
                throw new IllegalStateException("crash on " + m); // once per such message: redelivered
            }
            return m;
        }).redeliveries(1), (SENDERS * PER_SENDER) / 1000);
    }

    /**
     * Ping-pong: the sender spins until the reply to its message has come, then sends the next
     * one at once, so that the message often arrives just as the drain, having found the
     * mailbox empty, lets go. Nothing else would start the drain for it: a lost signal strands it.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMessageSentJustAsTheDrainLetsGoIsHandledHundredThousandTimesInARow() {
        ComponentSpec<Integer, Integer> spec = ComponentSpec.<Integer, Integer, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> m)
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        ComponentRef<Integer, Integer> ref = root.ref(spec);
        AtomicLong replied = new AtomicLong();
        try {
            for (int i = 0; i < 100_000; i++) {
                ref.ask(i).subscribe(m -> replied.incrementAndGet());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (replied.get() <= i) {
                    assertThat(System.nanoTime()).as("reply to message %d", i).isLessThan(deadline);
                    Thread.onSpinWait();
                }
            }
            assertThat(replied).hasValue(100_000);
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    private interface Handler {
        ComponentSpec.Builder<Integer, Integer, Object> apply(ComponentSpec.Builder<Integer, Integer, Object> b);
    }

    private static void sendAndCount(Handler handler, int expectedRestarts) throws Exception {
        AtomicLongArray seen = new AtomicLongArray(SENDERS * PER_SENDER);
        ComponentSpec.Builder<Integer, Integer, Object> builder = ComponentSpec.<Integer, Integer, Object>named("c")
                .state(Object::new)
                .mailbox(Mailbox.unbounded())
                .limit(RestartLimit.unlimited());
        ComponentSpec<Integer, Integer> base = handler.apply(builder).build();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(base).start();
        ComponentRef<Integer, Integer> ref = root.ref(base);
        CountDownLatch allReplied = new CountDownLatch(SENDERS * PER_SENDER);
        ExecutorService threads = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                int first = t * PER_SENDER;
                senders.add(threads.submit(() -> {
                    for (int i = first; i < first + PER_SENDER; i++) {
                        ref.ask(i).subscribe(m -> {
                            seen.incrementAndGet(m);
                            allReplied.countDown();
                        });
                    }
                }));
            }
            for (Future<?> f : senders) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(allReplied.await(30, TimeUnit.SECONDS)).as("every message replied to").isTrue();
            for (int i = 0; i < seen.length(); i++) {
                assertThat(seen.get(i)).as("replies to message %d", i).isEqualTo(1);
            }
            assertThat(root.snapshot().child("c").restarts()).isEqualTo(expectedRestarts);
        } finally {
            threads.shutdownNow();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
