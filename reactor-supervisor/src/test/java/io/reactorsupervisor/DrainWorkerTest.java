package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A component's drains run on one worker of its scheduler, as a {@code publishOn} does: taken
 * when it first has something to drain, kept across restarts, given back when it ends, and replaced when a
 * hung handler is abandoned. Real threads.
 */
class DrainWorkerTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void successiveDrainsOfOneComponentRunOnOneThreadOfTheParallelScheduler() {
        assertThat(Schedulers.DEFAULT_POOL_SIZE).as("needs a parallel scheduler of two threads or more")
                .isGreaterThan(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        ComponentSpec<Integer, Integer> spec = ComponentSpec.<Integer, Integer, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    threads.add(Thread.currentThread().getName());
                    return m;
                })
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        try {
            root.started().block(Duration.ofSeconds(5)); // the state was created on a thread of its own
            // one ask at a time: every message starts a new drain, scheduled anew
            for (int i = 0; i < 200; i++) {
                assertThat(root.ref(spec).ask(i).block(Duration.ofSeconds(5))).isEqualTo(i);
            }
            assertThat(threads).hasSize(200);
            // the first ones may be handled by the task that began the incarnation, for as long as each next
            // message comes before it lets go (under load, any number of them); then one worker's thread for good
            assertThat(Set.copyOf(threads)).hasSizeBetween(1, 2);
            int changes = 0;
            for (int i = 1; i < threads.size(); i++) {
                if (!threads.get(i).equals(threads.get(i - 1))) {
                    changes++;
                }
            }
            assertThat(changes).as("thread changes in %s", threads).isLessThanOrEqualTo(1);
            assertThat(threads.get(199)).isEqualTo(threads.get(198));
            assertThat(threads.get(0)).startsWith("parallel-");
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void oneWorkerServesEveryIncarnationAndIsGivenBackWhenTheComponentEnds() {
        CountingScheduler scheduler = new CountingScheduler(Schedulers.immediate());
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("crash")) {
                        throw new IllegalStateException("crash");
                    }
                    return m;
                })
                .scheduler(scheduler)
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        ComponentRef<String, String> ref = root.ref(spec);
        assertThat(scheduler.created).as("a component never told anything has no worker").hasValue(0);
        for (int i = 0; i < 3; i++) {
            assertThat(ref.tell("crash")).isTrue();
            assertThat(ref.ask("after " + i).block(Duration.ofSeconds(5))).isEqualTo("after " + i);
        }
        assertThat(root.snapshot().children()).singleElement()
                .extracting(ChildSnapshot::restarts).isEqualTo(3L);
        assertThat(scheduler.created).as("workers taken").hasValue(1);
        assertThat(scheduler.disposed).as("workers given back while running").hasValue(0);

        root.stopChild("c", Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        assertThat(scheduler.disposed).as("given back once stopped").hasValue(1);

        root.restartChild("c");
        assertThat(ref.ask("revived").block(Duration.ofSeconds(5))).isEqualTo("revived");
        assertThat(scheduler.created).as("a revived component takes a new worker").hasValue(2);

        root.removeChild("c", Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        assertThat(scheduler.disposed).hasValue(2);
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aHungHandlerAbandonedByItsTimeoutLeavesItsWorkerAndTheNextIncarnationDrainsOnANewOne()
            throws Exception {
        Scheduler pool = Schedulers.newParallel("drain-worker-test", 2);
        CountingScheduler scheduler = new CountingScheduler(pool);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger createdWhenHung = new AtomicInteger(-1);
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("hang")) {
                        createdWhenHung.set(scheduler.created.get());
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                            throw new IllegalStateException("interrupted", e);
                        }
                    }
                    handled.incrementAndGet();
                    return m;
                })
                .processingTimeout(Duration.ofMillis(100))
                .scheduler(scheduler)
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        try {
            ComponentRef<String, String> ref = root.ref(spec);
            root.started().block(Duration.ofSeconds(5));
            assertThat(ref.ask("first").block(Duration.ofSeconds(5))).isEqualTo("first");
            // handled on the task that began the incarnation if it was still running, else on the worker it took
            assertThat(scheduler.created).hasValueBetween(0, 1);
            assertThat(ref.ask("hang").onErrorResume(e -> reactor.core.publisher.Mono.just("crashed: "
                    + e.getCause().getClass().getSimpleName())).block(Duration.ofSeconds(5)))
                    .isEqualTo("crashed: " + TimeoutException.class.getSimpleName());
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ref.ask("next").block(Duration.ofSeconds(5))).isEqualTo("next");
            assertThat(handled).hasValue(2);
            assertThat(scheduler.created).as("the drain was taken over on a new worker")
                    .hasValue(createdWhenHung.get() + 1);
            assertThat(scheduler.disposed).as("the abandoned worker is dropped, not disposed").hasValue(0);
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
            pool.dispose();
        }
    }
}
