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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The promises of the rebuilt core that only real threads can break: event subscribers that
 * call back into the tree or throw, user code kept off the timer thread, group restarts under
 * concurrent crashes, and races between requests. Bounded in time; they assert counts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyPromisesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A component that crashes on "!..." and counts what it handles. */
    private static ComponentSpec<String, String> counting(String name, AtomicInteger handled) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.startsWith("!")) {
                        throw new IllegalStateException(m);
                    }
                    handled.incrementAndGet();
                    return m;
                })
                .limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded())
                .build();
    }

    @Test
    void anEventSubscriberThatCallsBackIntoTheTreeCannotDeadlockIt() {
        AtomicInteger handled = new AtomicInteger();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(counting("a", handled)).child(counting("b", handled)).start();
        AtomicInteger seen = new AtomicInteger();
        Disposable d = root.events().subscribe(e -> {
            // everything of the tree, from inside the delivery of its events
            root.snapshot().render();
            root.ref("a").mailboxDepth();
            if (e instanceof SupervisionEvent.Crashed && e.path().equals("root/a")) {
                root.restartChild("b");
            }
            seen.incrementAndGet();
        });
        for (int i = 0; i < 2_000; i++) {
            root.<String, String>ref("a").tell(i % 10 == 0 ? "!" + i : "m" + i);
            root.<String, String>ref("b").tell("m" + i);
        }
        assertThat(root.<String, String>ref("a").ask("last").block(WAIT)).isEqualTo("last");
        Eventually.until("the subscriber saw the crashes", () -> seen.get() > 200 * 3);
        assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
        d.dispose();
        assertThat(handled).hasValueGreaterThanOrEqualTo(1_800 + 1);
    }

    @Test
    void aSubscriberThatThrowsAnyErrorIsDroppedAndNeitherTheComponentNorTheOtherSubscribersNotice() {
        AtomicInteger handled = new AtomicInteger();
        Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(counting("a", handled)).start();
        List<Disposable> subscribers = new ArrayList<>();
        subscribers.add(root.events().subscribe(e -> {
            throw new NoClassDefFoundError("a LinkageError from a subscriber");
        }));
        subscribers.add(root.events().subscribe(e -> {
            throw new StackOverflowError("from a subscriber");
        }));
        subscribers.add(root.events().subscribe(e -> {
            throw new IllegalStateException("from a subscriber");
        }));
        AtomicInteger crashesSeen = new AtomicInteger();
        subscribers.add(root.deadLetters().subscribe(e -> crashesSeen.incrementAndGet()));

        for (int i = 0; i < 100; i++) {
            root.<String, String>ref("a").tell("!" + i);
            root.<String, String>ref("a").tell("m" + i);
        }
        assertThat(root.<String, String>ref("a").ask("last").block(WAIT)).isEqualTo("last");
        assertThat(handled).hasValue(101);
        Eventually.until("the healthy subscriber saw every dead letter", () -> crashesSeen.get() == 100);
        assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
        subscribers.forEach(Disposable::dispose);
    }

    @Test
    void noUserCodeRunsOnTheTimerScheduler() {
        Scheduler timer = Schedulers.newSingle("the-timer");
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Runnable record = () -> threads.add(Thread.currentThread().getName());
        AtomicInteger n = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, AutoCloseable>named("c")
                .state(() -> {
                    record.run();
                    if (n.incrementAndGet() % 3 == 0) {
                        throw new IllegalStateException("every third state factory call fails");
                    }
                    return record::run; // close()
                })
                .syncHandler((s, m) -> {
                    record.run();
                    if (m.equals("crash")) {
                        throw new IllegalStateException("crash");
                    }
                    return m;
                })
                .healthCheck(HealthCheck.every(Duration.ofMillis(10)))
                .healthProbe(s -> {
                    record.run();
                    return Mono.just(true);
                })
                .processingTimeout(Duration.ofSeconds(5))
                .restart(RestartStrategy.delayed(Duration.ofMillis(5)).withScheduler(timer))
                .limit(RestartLimit.unlimited())
                .build();
        try {
            Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec).start();
            Disposable d = root.events().subscribe(e -> record.run());
            for (int i = 0; i < 20; i++) {
                root.<String, String>ref("c").tell("crash");
                assertThat(root.<String, String>ref("c").ask("after " + i).block(WAIT)).isEqualTo("after " + i);
            }
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
            d.dispose();
            assertThat(threads).isNotEmpty().noneMatch(t -> t.startsWith("the-timer"));
        } finally {
            timer.dispose();
        }
    }

    @Test
    void startReturnsAndTheCrashLoopRunsOnTheComponentsWorkerWhenEveryLaterStateFactoryThrows() throws Exception {
        Scheduler worker = Schedulers.newSingle("the-component");
        Set<String> factoryThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> {
                    factoryThreads.add(Thread.currentThread().getName());
                    if (calls.incrementAndGet() > 1) {
                        throw new IllegalStateException("no state after the first");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> {
                    throw new IllegalStateException("crash");
                })
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.unlimited())
                .scheduler(worker)
                .build();
        try {
            Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec).start();
            root.started().block(WAIT);
            root.<String, String>ref("c").tell("crash"); // from now on it crash-loops in its state factory
            Eventually.until("the crash loop runs", () -> calls.get() > 1_000);
            assertThat(factoryThreads).allMatch(t -> t.startsWith("the-component"));
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
        } finally {
            worker.dispose();
        }
    }

    /** Concurrent crashes in ONE_FOR_ALL and REST_FOR_ONE groups: every message is handled or dead-lettered. */
    @Test
    void groupRestartsUnderConcurrentCrashesStrandNoMessage() throws Exception {
        for (SupervisionStrategy strategy : List.of(SupervisionStrategy.ONE_FOR_ALL, SupervisionStrategy.REST_FOR_ONE)) {
            AtomicInteger outcomes = new AtomicInteger();
            SupervisorSpec.Builder group = Supervisor.named("g").strategy(strategy).intensity(RestartLimit.unlimited());
            for (int i = 0; i < 5; i++) {
                RestartStrategy restart = i % 3 == 0
                        ? RestartStrategy.exponentialBackoff(Duration.ofMillis(1), Duration.ofMillis(20), 2.0)
                                .withJitter(0.5)
                        : i % 3 == 1 ? RestartStrategy.delayed(Duration.ofMillis(1)) : RestartStrategy.immediate();
                ComponentSpec.Builder<String, String, Object> c = ComponentSpec.<String, String, Object>named("c" + i)
                        .state(Object::new).restart(restart).limit(RestartLimit.unlimited())
                        .mailbox(Mailbox.unbounded());
                if (i % 2 == 0) {
                    c.syncHandler((s, m) -> {
                        if (m.startsWith("!")) {
                            throw new IllegalStateException(m);
                        }
                        outcomes.incrementAndGet();
                        return m;
                    });
                } else {
                    c.handler((s, m) -> m.startsWith("!") ? Mono.error(new IllegalStateException(m))
                            : Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextInt(100_000))).thenReturn(m)
                                    .doOnNext(x -> outcomes.incrementAndGet()));
                }
                group.child(c.build());
            }
            Supervisor root = Supervisor.named("root").intensity(RestartLimit.unlimited()).child(group).start();
            AtomicInteger dead = new AtomicInteger();
            Disposable d = root.deadLetters().subscribe(x -> dead.incrementAndGet());
            ExecutorService senders = Executors.newFixedThreadPool(4);
            AtomicInteger accepted = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sends = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sends.add(senders.submit(() -> {
                    go.await();
                    for (int n = 0; n < 5_000; n++) {
                        String m = ThreadLocalRandom.current().nextInt(100) == 0 ? "!" + n : "m" + n;
                        if (root.ref("g/c" + ThreadLocalRandom.current().nextInt(5)).tell(m)) {
                            accepted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
            senders.shutdown();
            Eventually.until(strategy + ": every message handled or dead-lettered, before any shutdown", WAIT,
                    () -> outcomes.get() + dead.get() == accepted.get());
            assertThat(accepted).hasValue(20_000);
            // the last crash's group restart may still be under way: it ends with every member running
            Eventually.until(strategy + ": every member running again", WAIT,
                    () -> root.supervisor("g").snapshot().countByState().getOrDefault(ComponentState.RUNNING, 0) == 5);
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
            d.dispose();
            assertThat(outcomes.get() + dead.get()).isEqualTo(accepted.get());
        }
    }

    /**
     * A restart storm on four threads: crashes of one supervisor's children are posted from all
     * of them at once, so most verdicts are decided by whichever thread holds the supervisor's
     * drain, for a component of another thread, which then takes the restart on its own drain.
     * Every crash is followed by exactly one new incarnation, every message is handled, none is
     * lost, and the events count every restart: whether the crashed component's thread waits for
     * the verdict (the default) or lets go of its drain at once (a wait of 0), so that the
     * verdict schedules the drain again.
     */
    @ParameterizedTest(name = "verdict wait {0} ns")
    @ValueSource(longs = {Signals.Crashed.VERDICT_WAIT_NANOS, 0})
    void verdictsDecidedOnAnotherThreadRestartEachCrashedComponentExactlyOnce(long verdictWait) {
        Scheduler threads = Schedulers.newParallel("storm", 4);
        Signals.Crashed.verdictWaitNanos = verdictWait;
        try {
            int components = 400;
            int rounds = 25;
            AtomicInteger incarnations = new AtomicInteger();
            AtomicInteger handled = new AtomicInteger();
            Set<String> factoryThreads = ConcurrentHashMap.newKeySet();
            SupervisorSpec.Builder tree = Supervisor.named("root").intensity(RestartLimit.unlimited());
            for (int i = 0; i < components; i++) {
                tree.child(ComponentSpec.<String, String, Object>named("c" + i)
                        .state(() -> {
                            incarnations.incrementAndGet();
                            factoryThreads.add(Thread.currentThread().getName().replaceAll("-\\d+$", ""));
                            return new Object();
                        })
                        .syncHandler((s, m) -> {
                            if (m.equals("!")) {
                                throw new IllegalStateException("storm");
                            }
                            handled.incrementAndGet();
                            return m;
                        })
                        .limit(RestartLimit.unlimited())
                        .mailbox(Mailbox.unbounded())
                        .scheduler(threads)
                        .build());
            }
            Supervisor root = tree.start();
            AtomicInteger restarted = new AtomicInteger();
            AtomicInteger dead = new AtomicInteger();
            Disposable events = root.events().subscribe(e -> {
                if (e instanceof SupervisionEvent.Restarted) {
                    restarted.incrementAndGet();
                }
            });
            Disposable deadLetters = root.deadLetters().subscribe(x -> dead.incrementAndGet());
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < components; i++) {
                    assertThat(root.<String, String>ref("c" + i).tell("!")).isTrue();
                }
                for (int i = 0; i < components; i++) {
                    assertThat(root.<String, String>ref("c" + i).tell("m")).isTrue();
                }
                int expected = round * components;
                Eventually.until("round " + round + ": every component handled its message after its restart", WAIT,
                        () -> handled.get() == expected);
            }
            assertThat(incarnations).hasValue(components * (rounds + 1));
            Eventually.until("a Restarted event for every crash", WAIT,
                    () -> restarted.get() == components * rounds);
            assertThat(root.snapshot().countByState()).containsExactly(java.util.Map.entry(ComponentState.RUNNING,
                    components));
            // the crashed messages were the crashes themselves; nothing else became a dead letter
            assertThat(dead.get()).isEqualTo(components * rounds);
            assertThat(factoryThreads).containsExactly("storm");
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
            events.dispose();
            deadLetters.dispose();
            assertThat(incarnations).hasValue(components * (rounds + 1));
        } finally {
            Signals.Crashed.verdictWaitNanos = Signals.Crashed.VERDICT_WAIT_NANOS;
            threads.dispose();
        }
    }

    /**
     * A crash queued behind a supervisor drain that another thread holds: the crashed
     * component's thread waits for the verdict and begins the next incarnation on the same drain
     * task. With no wait, the verdict needs a second task. The test thread holds the drain
     * (package access) and runs it once the crash is queued.
     */
    @ParameterizedTest(name = "verdict wait {0} ns")
    @ValueSource(longs = {60_000_000_000L, 0})
    void aCrashedComponentWaitsOnItsDrainForAVerdictDecidedOnAnotherThread(long verdictWait) throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Scheduler counting = Schedulers.fromExecutor(command -> {
            tasks.incrementAndGet();
            thread.execute(command);
        });
        Signals.Crashed.verdictWaitNanos = verdictWait;
        try {
            AtomicInteger incarnations = new AtomicInteger();
            CountDownLatch restarted = new CountDownLatch(2);
            Supervisor root = Supervisor.named("root")
                    .child(ComponentSpec.<String, String, Object>named("c")
                            .state(() -> {
                                incarnations.incrementAndGet();
                                restarted.countDown();
                                return new Object();
                            })
                            .syncHandler((s, m) -> {
                                throw new IllegalStateException("crash");
                            })
                            .scheduler(counting)
                            .build())
                    .start();
            Eventually.until("the first incarnation began", WAIT, () -> incarnations.get() == 1);
            SupervisorCell cell = ((RunningSupervisor) root).cell;
            Eventually.until("the supervisor's drain is free, and now held by the test thread", WAIT, cell::tryClaim);
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS); // the component's first drain task has ended
            int before = tasks.get();
            assertThat(root.<String, String>ref("c").tell("boom")).isTrue();
            Eventually.until("the crash is queued", WAIT, cell::hasWork);
            cell.runClaimed(); // decides the restart here, on the test thread
            assertThat(restarted.await(10, TimeUnit.SECONDS)).isTrue();
            Eventually.until("the component is running again", WAIT,
                    () -> root.snapshot().countByState().getOrDefault(ComponentState.RUNNING, 0) == 1);
            // the tell's task; with no wait, one more for the verdict
            assertThat(tasks.get() - before).isEqualTo(verdictWait > 0 ? 1 : 2);
            assertThat(incarnations).hasValue(2);
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
        } finally {
            Signals.Crashed.verdictWaitNanos = Signals.Crashed.VERDICT_WAIT_NANOS;
            thread.shutdownNow();
        }
    }

    /**
     * The wait for a verdict is bounded: while another thread holds the supervisor's drain, the
     * crashed component's thread lets go after the wait, so a sibling on that same thread handles
     * its message before the verdict comes; then the verdict restarts the crashed one.
     */
    @Test
    void theWaitForAVerdictIsBoundedSoASiblingOnTheSameThreadRunsMeanwhile() throws Exception {
        Scheduler shared = Schedulers.newSingle("shared");
        try {
            AtomicInteger crashingIncarnations = new AtomicInteger();
            AtomicInteger siblingHandled = new AtomicInteger();
            Supervisor root = Supervisor.named("root")
                    .child(ComponentSpec.<String, String, Object>named("crashing")
                            .state(() -> {
                                crashingIncarnations.incrementAndGet();
                                return new Object();
                            })
                            .syncHandler((st, m) -> {
                                throw new IllegalStateException("crash");
                            })
                            .scheduler(shared)
                            .build())
                    .child(ComponentSpec.<String, String, Object>named("sibling")
                            .state(Object::new)
                            .syncHandler((st, m) -> {
                                siblingHandled.incrementAndGet();
                                return m;
                            })
                            .scheduler(shared)
                            .build())
                    .start();
            Eventually.until("the first incarnation", WAIT, () -> crashingIncarnations.get() == 1);
            SupervisorCell cell = ((RunningSupervisor) root).cell;
            Eventually.until("the supervisor's drain is free, and now held by the test thread", WAIT, cell::tryClaim);
            assertThat(root.<String, String>ref("crashing").tell("boom")).isTrue();
            Eventually.until("the crash is queued", WAIT, cell::hasWork);
            assertThat(root.<String, String>ref("sibling").tell("hello")).isTrue();
            Eventually.until("the sibling handled its message on the shared thread, the verdict still pending", WAIT,
                    () -> siblingHandled.get() == 1);
            assertThat(crashingIncarnations).hasValue(1);
            cell.runClaimed();
            Eventually.until("the verdict restarted the crashed component", WAIT,
                    () -> crashingIncarnations.get() == 2);
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
        } finally {
            shared.dispose();
        }
    }

    /**
     * A one-for-all crash queued behind another thread's supervisor drain, every member on the
     * crashed component's one thread: the group restart completes, every member begins a second
     * incarnation, and the crashed message is the one dead letter.
     */
    @Test
    void aOneForAllCrashQueuedBehindAnotherThreadsDrainRestartsTheGroupOnItsSharedThread() throws Exception {
        Scheduler shared = Schedulers.newSingle("shared");
        try {
            AtomicInteger incarnations = new AtomicInteger();
            SupervisorSpec.Builder tree = Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL);
            for (int i = 0; i < 3; i++) {
                tree.child(ComponentSpec.<String, String, Object>named("c" + i)
                        .state(() -> {
                            incarnations.incrementAndGet();
                            return new Object();
                        })
                        .syncHandler((st, m) -> {
                            throw new IllegalStateException("crash");
                        })
                        .scheduler(shared)
                        .build());
            }
            Supervisor root = tree.start();
            Eventually.until("three first incarnations", WAIT, () -> incarnations.get() == 3);
            AtomicInteger dead = new AtomicInteger();
            Disposable deadLetters = root.deadLetters().subscribe(d -> dead.incrementAndGet());
            SupervisorCell cell = ((RunningSupervisor) root).cell;
            Eventually.until("the supervisor's drain is free, and now held by the test thread", WAIT, cell::tryClaim);
            assertThat(root.<String, String>ref("c1").tell("boom")).isTrue();
            Eventually.until("the crash is queued", WAIT, cell::hasWork);
            cell.runClaimed();
            Eventually.until("every member restarted with the group", WAIT, () -> incarnations.get() == 6
                    && root.snapshot().countByState().getOrDefault(ComponentState.RUNNING, 0) == 3);
            // dead letters reach subscribers on the tree's event hub, after the restart may be seen
            Eventually.until("the crashed message's dead letter", WAIT, () -> dead.get() >= 1);
            assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
            assertThat(dead).hasValue(1);
            deadLetters.dispose();
        } finally {
            shared.dispose();
        }
    }

    /** removeChild and restartChild race from two threads: the removed child never runs on outside the tree. */
    @Test
    void removeChildCannotRaceRestartChildIntoAChildThatRunsOnOutsideTheTree() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                AtomicInteger handled = new AtomicInteger();
                Supervisor root = Supervisor.named("root").child(counting("c", handled)).start();
                ComponentRef<String, String> ref = root.ref("c");
                CountDownLatch go = new CountDownLatch(1);
                Future<?> restart = threads.submit(() -> {
                    go.await();
                    try {
                        return root.restartChild("c").onErrorResume(e -> Mono.empty()).block(WAIT);
                    } catch (IllegalArgumentException removedAlready) {
                        return null;
                    }
                });
                Future<?> remove = threads.submit(() -> {
                    go.await();
                    return root.removeChild("c", Duration.ofSeconds(1)).block(WAIT);
                });
                go.countDown();
                restart.get(30, TimeUnit.SECONDS);
                remove.get(30, TimeUnit.SECONDS);
                assertThat(root.snapshot().children()).isEmpty();
                assertThat(ref.state()).as("round %d", round).isEqualTo(ComponentState.STOPPED);
                assertThat(ref.tell("after")).isFalse();
                assertThat(root.shutdown(Duration.ofSeconds(1)).block(WAIT)).isNull();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Promise 1 for a synchronous handler on a component without a health check or a processing
     * timeout: at the stop's deadline its thread is interrupted and the message it was handling
     * is a dead letter, its ask failing, although the handler returns a reply after the interrupt.
     */
    @Test
    void aSynchronousHandlerRunningAtTheDeadlineIsInterruptedAndItsMessageDeadLettered() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    handling.countDown();
                    try {
                        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                    return "a reply that comes too late";
                })
                .scheduler(Schedulers.boundedElastic())
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        List<SupervisionEvent.DeadLetter> dead = new java.util.concurrent.CopyOnWriteArrayList<>();
        Disposable d = root.deadLetters().subscribe(dead::add);
        Mono<String> ask = root.<String, String>ref("c").ask("in progress").cache();
        ask.subscribe(v -> { }, e -> { });
        assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(root.shutdown(Duration.ofMillis(100)).block(WAIT)).isNull();

        assertThat(interrupted).hasValue(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ask.block(WAIT))
                .isInstanceOf(ComponentUnavailableException.class);
        assertThat(dead).extracting(e -> e.message() + "/" + e.reason()).containsExactly("in progress/SHUT_DOWN");
        d.dispose();
    }

    /**
     * A handler that ignores interrupts and started after the stop began (the stop arms the
     * kill protocol): at the deadline its thread is abandoned, the stop completes on time, and
     * its message is a dead letter; the thread leaves without touching anything when it returns.
     */
    @Test
    void aHandlerThatIgnoresInterruptsIsAbandonedAtTheDeadlineAndTheStopCompletes() throws Exception {
        CountDownLatch firstRuns = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch stubbornRuns = new CountDownLatch(1);
        CountDownLatch releaseStubborn = new CountDownLatch(1);
        AtomicInteger returned = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("first")) {
                        firstRuns.countDown();
                        awaitIgnoringInterrupts(releaseFirst);
                    } else {
                        stubbornRuns.countDown();
                        awaitIgnoringInterrupts(releaseStubborn);
                    }
                    returned.incrementAndGet();
                    return m;
                })
                .scheduler(Schedulers.boundedElastic())
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> first = ref.ask("first").cache();
        first.subscribe(v -> { }, e -> { });
        assertThat(firstRuns.await(10, TimeUnit.SECONDS)).isTrue();
        Mono<String> stubborn = ref.ask("stubborn").cache();
        stubborn.subscribe(v -> { }, e -> { });

        Mono<Void> stop = root.stopChild("c", Duration.ofMillis(300)); // armed while "first" runs
        releaseFirst.countDown();
        assertThat(stubbornRuns.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.block(WAIT)).isNull(); // on time, although "stubborn" never returns by itself

        assertThat(first.block(WAIT)).isEqualTo("first");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stubborn.block(WAIT))
                .isInstanceOf(ComponentUnavailableException.class);
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        releaseStubborn.countDown();
        Eventually.until("the abandoned handler returned", () -> returned.get() == 2);
        ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("c");
        assertThat(snapshot.handled()).as("what the abandoned handler returned does not count").isEqualTo(1);
        assertThat(snapshot.deadLetters()).isEqualTo(1);
        assertThat(root.shutdown(Duration.ofSeconds(1)).block(WAIT)).isNull();
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean done = false;
        while (!done) {
            try {
                done = latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // ignores it, on purpose
            }
        }
    }

    @Test
    void rejectionsFromManySendersAreCountedOnceAndKeepTheState() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, int[]>named("c")
                .state(() -> new int[1])
                .syncHandler((count, m) -> {
                    if (m.startsWith("!")) {
                        throw new IllegalArgumentException(m);
                    }
                    count[0]++; // the state survives every rejection: it counts all valid messages
                    handled.incrementAndGet();
                    return Integer.toString(count[0]);
                })
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .limit(RestartLimit.of(0, Duration.ofMinutes(1)))
                .mailbox(Mailbox.unbounded())
                .build();
        Supervisor root = Supervisor.named("root").child(spec).start();
        AtomicInteger rejected = new AtomicInteger();
        Disposable d = root.deadLetters().subscribe(dl -> {
            if (dl.reason() == DeadLetterReason.REJECTED) {
                rejected.incrementAndGet();
            }
        });
        int senders = 4;
        int each = 5_000;
        Thread[] threads = new Thread[senders];
        for (int t = 0; t < senders; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    assertThat(root.<String, String>ref("c").tell(i % 4 == 0 ? "!" + id + ":" + i : "m")).isTrue();
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
        }
        int valid = senders * each * 3 / 4;
        assertThat(root.<String, String>ref("c").ask("m").block(WAIT)).isEqualTo(Integer.toString(valid + 1));
        Eventually.until("every rejection is published", () -> rejected.get() == senders * each / 4);
        assertThat(handled).hasValue(valid + 1);
        assertThat(root.ref(spec).state()).isEqualTo(ComponentState.RUNNING);
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).restarts()).isZero();
        d.dispose();
        assertThat(root.shutdown(Duration.ofSeconds(5)).block(WAIT)).isNull();
    }
}
