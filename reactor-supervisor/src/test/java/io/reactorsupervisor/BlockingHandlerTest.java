package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real threads: blocking handlers on a scheduler made for them, and a hung synchronous handler killed. */
class BlockingHandlerTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hungBlockingHandlersDoNotStarveOtherComponents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> blockingThreads = new CopyOnWriteArrayList<>();
        SupervisorSpec.Builder tree = Supervisor.named("root");
        int blockers = 2 * Runtime.getRuntime().availableProcessors() + 2; // more than the parallel scheduler has
        for (int i = 0; i < blockers; i++) {
            tree.child(ComponentSpec.<String, String, Object>named("blocking-" + i)
                    .state(Object::new)
                    .syncHandler((s, m) -> {
                        blockingThreads.add(Thread.currentThread().getName());
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return m;
                    })
                    .blocking()
                    .build());
        }
        ComponentSpec<String, String> quick = ComponentSpec.<String, String, Object>named("quick")
                .state(Object::new).syncHandler((s, m) -> m + "!").build();
        Supervisor root = tree.child(quick).start();
        try {
            for (int i = 0; i < blockers; i++) {
                root.<String, String>ref("blocking-" + i).tell("hold");
            }
            for (int i = 0; i < 100; i++) {
                assertThat(root.ref(quick).ask("q" + i).block(Duration.ofSeconds(5))).isEqualTo("q" + i + "!");
            }
            assertThat(blockingThreads).allMatch(name -> name.startsWith("boundedElastic"));
        } finally {
            release.countDown();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aHungSynchronousHandlerIsInterruptedAndTheNextIncarnationRunsOnAnotherThread() throws Exception {
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch interruptSeen = new CountDownLatch(1);
        List<Boolean> interruptFlagAfterwards = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("hang")) {
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                            interruptSeen.countDown();
                            throw new IllegalStateException("interrupted", e);
                        }
                    }
                    interruptFlagAfterwards.add(Thread.currentThread().isInterrupted());
                    return m;
                })
                .blocking()
                .healthCheck(HealthCheck.every(Duration.ofMillis(50)).withTimeout(Duration.ofMillis(50))
                        .withUnhealthyAfter(2))
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        try {
            ComponentRef<String, String> ref = root.ref(spec);
            ref.tell("hang");
            assertThat(ref.ask("next").block(Duration.ofSeconds(10))).isEqualTo("next");
            // the abandoned thread wakes up on its own time: the new incarnation may answer first
            assertThat(interruptSeen.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupted).hasValue(1);
            assertThat(((ComponentSnapshot) root.snapshot().child("c")).restarts()).isEqualTo(1);
            // the pooled thread that was interrupted was left clean for whatever runs next
            for (int i = 0; i < 20; i++) {
                assertThat(ref.ask("after" + i).block(Duration.ofSeconds(5))).isEqualTo("after" + i);
            }
            assertThat(interruptFlagAfterwards).containsOnly(false);
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
