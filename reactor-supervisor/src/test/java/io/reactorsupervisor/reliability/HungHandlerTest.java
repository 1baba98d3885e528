package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Eventually;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.HealthCheckFailedException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Hung handlers on real threads, caught by health checks and processing timeouts with short
 * real-time intervals. A hung message is dead-lettered once, when its incarnation is killed;
 * if the hung handler returns later, its result does not count: no reply, no second outcome,
 * no effect on the next incarnation. Time-based behaviour itself (when a probe fires) is
 * covered on virtual time by {@code HealthCheckTest}; here the point is real threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HungHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HealthCheck FAST = HealthCheck.every(Duration.ofMillis(20))
            .withTimeout(Duration.ofMillis(20)).withUnhealthyAfter(2);

    private final List<SupervisionEvent> events = new CopyOnWriteArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private final List<Supervisor> trees = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private Supervisor start(SupervisorSpec.Builder spec) {
        Supervisor root = spec.start();
        trees.add(root);
        subscriptions.add(root.events().subscribe(events::add));
        return root;
    }

    @AfterEach
    void stopTrees() {
        release.countDown();
        subscriptions.forEach(Disposable::dispose);
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(5)).block(WAIT));
    }

    /** Blocks until interrupted, then fails: what a well-behaved blocking call does when its incarnation is killed. */
    static String hangInterruptibly(String m) {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while handling " + m, e);
        }
        throw new AssertionError("unreachable");
    }

    /** Ignores interrupts and returns once released: a handler that cannot be stopped. */
    String hangUninterruptibly(String m) {
        boolean interrupted = false;
        while (true) {
            try {
                release.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // the caller's to see; the library must clear it
        }
        return "late reply to " + m;
    }

    private static UnaryOperator<ComponentSpec.Builder<String, String, Object>> healthCheck() {
        return b -> b.healthCheck(FAST);
    }

    private static UnaryOperator<ComponentSpec.Builder<String, String, Object>> processingTimeout() {
        return b -> b.processingTimeout(Duration.ofMillis(50));
    }

    @Test
    void hungSynchronousHandlersOnTheDefaultSchedulerAreAllCaughtByTheirHealthChecks() {
        hungSynchronousHandlersOnTheDefaultSchedulerAreAllCaught(healthCheck(), HealthCheckFailedException.class);
    }

    @Test
    void hungSynchronousHandlersOnTheDefaultSchedulerAreAllCaughtByTheirProcessingTimeouts() {
        hungSynchronousHandlersOnTheDefaultSchedulerAreAllCaught(processingTimeout(), TimeoutException.class);
    }

    /**
     * More hung handlers than the parallel scheduler has threads: every thread that runs
     * handlers is blocked, so the kills must not depend on those threads being free.
     */
    private void hungSynchronousHandlersOnTheDefaultSchedulerAreAllCaught(
            UnaryOperator<ComponentSpec.Builder<String, String, Object>> killer, Class<? extends Throwable> cause) {
        int components = 2 * Runtime.getRuntime().availableProcessors() + 2;
        SupervisorSpec.Builder tree = Supervisor.named("root").intensity(RestartLimit.unlimited());
        for (int i = 0; i < components; i++) {
            tree.child(killer.apply(ComponentSpec.<String, String, Object>named("c" + i)
                    .state(Object::new)
                    .syncHandler((s, m) -> m.equals("hang") ? hangInterruptibly(m) : m)).build());
        }
        Supervisor root = start(tree);
        List<Mono<String>> hung = new ArrayList<>();
        for (int i = 0; i < components; i++) {
            Mono<String> ask = root.<String, String>ref("c" + i).ask("hang").cache();
            ask.subscribe(v -> { }, e -> { });
            hung.add(ask);
        }
        for (int i = 0; i < components; i++) {
            assertThat(root.<String, String>ref("c" + i).ask("next " + i).block(WAIT)).isEqualTo("next " + i);
        }
        for (Mono<String> ask : hung) {
            assertThat(catchError(ask)).isInstanceOf(MessageCrashedException.class).hasCauseInstanceOf(cause);
        }
        Eventually.until("a dead letter per hung message",
                () -> events(SupervisionEvent.DeadLetter.class).size() >= components);
        List<SupervisionEvent.DeadLetter> dead = events(SupervisionEvent.DeadLetter.class);
        assertThat(dead).extracting(SupervisionEvent::path).doesNotHaveDuplicates().hasSize(components);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.message()).isEqualTo("hang");
            assertThat(d.reason()).isEqualTo(DeadLetterReason.CRASHED);
            assertThat(d.cause()).isInstanceOf(cause);
        });
        assertThat(root.shutdown(Duration.ofSeconds(2)).block(WAIT)).isNull();
    }

    @Test
    void aHungHandlerThatReturnsAfterItsKillDoesNotCountAsHandledAndItsReplyIsDropped() {
        AtomicInteger returned = new AtomicInteger();
        List<Boolean> interruptedAfterwards = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("stubborn")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    interruptedAfterwards.add(Thread.currentThread().isInterrupted());
                    if (m.equals("hang")) {
                        String late = hangUninterruptibly(m);
                        returned.incrementAndGet();
                        return late;
                    }
                    return "reply to " + m;
                })
                .blocking()
                .healthCheck(FAST)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> hung = ref.ask("hang").cache();
        hung.subscribe(v -> { }, e -> { });

        // the next incarnation takes over on another thread while the old one is still stuck
        assertThat(ref.ask("a").block(WAIT)).isEqualTo("reply to a");
        assertThat(catchError(hung)).isInstanceOf(MessageCrashedException.class)
                .hasCauseInstanceOf(HealthCheckFailedException.class);

        release.countDown(); // the stuck handler returns its reply now: too late
        AtomicInteger polls = new AtomicInteger();
        Eventually.until("the released handler returned while the component kept answering", WAIT, () -> {
            int i = polls.getAndIncrement();
            assertThat(ref.ask("poll " + i).block(WAIT)).isEqualTo("reply to poll " + i);
            return returned.get() != 0;
        });
        assertThat(returned).hasValue(1);
        assertThat(ref.ask("b").block(WAIT)).isEqualTo("reply to b");

        // a reply reaches its caller just before the count is updated: shut down, then count
        root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("stubborn");
        // every message but the hung one: "a", the polls, "b"
        assertThat(snapshot.handled()).isEqualTo(interruptedAfterwards.size() - 1);
        assertThat(snapshot.deadLetters()).isEqualTo(1);
        assertThat(snapshot.restarts()).isEqualTo(1);
        assertThat(events(SupervisionEvent.DeadLetter.class)).singleElement().satisfies(d -> {
            assertThat(d.message()).isEqualTo("hang");
            assertThat(d.cause()).isInstanceOf(HealthCheckFailedException.class);
        });
        // the thread the stuck handler left was cleaned of its interrupt before it ran anything else
        assertThat(interruptedAfterwards).containsOnly(false);
    }

    @Test
    void aHungMonoThatSignalsAfterItsKillIsIgnored() {
        AtomicReference<CoreSubscriber<? super String>> stuck = new AtomicReference<>();
        AtomicInteger cancels = new AtomicInteger();
        /* A Mono that ignores cancellation and may signal whenever it likes, as a broken source would. */
        Mono<String> rogue = new Mono<String>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                actual.onSubscribe(new Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                        cancels.incrementAndGet();
                    }
                });
                stuck.set(actual);
            }
        };
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("rogue")
                .state(Object::new)
                .handler((s, m) -> m.equals("hang") ? rogue : Mono.just("reply to " + m))
                .healthCheck(FAST)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> hung = ref.ask("hang").cache();
        hung.subscribe(v -> { }, e -> { });
        assertThat(ref.ask("a").block(WAIT)).isEqualTo("reply to a");
        assertThat(catchError(hung)).isInstanceOf(MessageCrashedException.class)
                .hasCauseInstanceOf(HealthCheckFailedException.class);
        assertThat(cancels).hasValue(1);

        stuck.get().onNext("late");
        stuck.get().onComplete();
        stuck.get().onError(new IllegalStateException("later still"));

        assertThat(ref.ask("b").block(WAIT)).isEqualTo("reply to b");
        // a reply reaches its caller just before the count is updated: shut down, then count
        root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("rogue");
        assertThat(snapshot.handled()).isEqualTo(2);
        assertThat(snapshot.deadLetters()).isEqualTo(1);
        assertThat(snapshot.restarts()).isEqualTo(1);
        assertThat(events(SupervisionEvent.Crashed.class)).hasSize(1);
    }

    /**
     * The kill comes while the asynchronous handler is still building its Mono: the handler is
     * hung on that message as a synchronous one would be, so the kill takes the message from
     * it: the crash is on it (a dead letter, its ask failing with the cause), its thread is
     * abandoned, and the Mono it builds at last is never subscribed. Nothing is lost.
     */
    @Test
    void anAsyncHandlerKilledWhileItBuildsItsMonoCrashesOnThatMessageAndLosesNothing() throws Exception {
        CountDownLatch killed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger subscribed = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("slow-to-build")
                .state(Object::new)
                .handler((s, m) -> {
                    if (calls.incrementAndGet() == 1) {
                        // stuck before the Mono exists, until the health check has killed this incarnation
                        try {
                            killed.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Mono.<String>never().doOnSubscribe(x -> subscribed.incrementAndGet());
                    }
                    return Mono.just("reply to " + m);
                })
                .healthCheck(FAST)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        subscriptions.add(root.events().ofType(SupervisionEvent.Crashed.class).subscribe(e -> killed.countDown()));
        ComponentRef<String, String> ref = root.ref(spec);

        assertThatThrownBy(() -> ref.ask("m").block(WAIT)).isInstanceOf(MessageCrashedException.class)
                .hasCauseInstanceOf(HealthCheckFailedException.class);
        assertThat(ref.ask("next").block(WAIT)).isEqualTo("reply to next");
        assertThat(calls).hasValue(2);
        root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("slow-to-build");
        assertThat(snapshot.handled()).isEqualTo(1);
        assertThat(snapshot.deadLetters()).isEqualTo(1);
        assertThat(subscribed).hasValue(0);
        assertThat(events(SupervisionEvent.Crashed.class)).singleElement()
                .satisfies(c -> assertThat(c.message()).isEqualTo("m"));
    }

    @Test
    void aHungMessageWithRedeliveryIsHandledOnceByTheNextIncarnation() {
        AtomicInteger deliveries = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("retry")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("hang once") && deliveries.incrementAndGet() == 1) {
                        return hangInterruptibly(m);
                    }
                    return "reply to " + m;
                })
                .blocking()
                .redeliveries(1)
                .healthCheck(FAST)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> first = ref.ask("hang once");
        Mono<String> second = ref.ask("behind it");
        assertThat(first.block(WAIT)).isEqualTo("reply to hang once");
        assertThat(second.block(WAIT)).isEqualTo("reply to behind it");
        assertThat(deliveries).hasValue(2);
        // a reply reaches its caller just before the count is updated: shut down, then count
        root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("retry");
        assertThat(snapshot.handled()).isEqualTo(2);
        assertThat(snapshot.deadLetters()).isZero();
        assertThat(events(SupervisionEvent.Crashed.class)).singleElement()
                .satisfies(c -> assertThat(c.cause()).isInstanceOf(HealthCheckFailedException.class));
    }

    private <T extends SupervisionEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    private static Throwable catchError(Mono<?> mono) {
        try {
            mono.block(WAIT);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected an error, got a reply");
    }
}
