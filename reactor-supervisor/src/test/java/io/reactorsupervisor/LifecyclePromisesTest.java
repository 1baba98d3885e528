package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The lifecycle promises of the rebuilt core, on virtual time: deadlines lose nothing, the
 * event stream completes last, errors from state factories and {@code close()} are crashes,
 * group restarts stop and start in order without stranding anyone, and OTP's child semantics.
 */
class LifecyclePromisesTest extends VirtualTimeTest {

    /** A component whose async handler takes {@code busy} of virtual time per message. */
    private static ComponentSpec<String, String> slow(String name, Duration busy) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> Mono.delay(busy).thenReturn(name + ":" + m))
                .build();
    }

    /** A state that records when it is closed. */
    final class Closing implements AutoCloseable {
        final String name;

        Closing(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            closes.add(name + "@" + vts.now(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    final List<String> closes = new CopyOnWriteArrayList<>();
    final List<String> starts = new CopyOnWriteArrayList<>();

    /** Records its starts as "name#n" and its closes; "boom" crashes it; "slow" takes 5 s. */
    private ComponentSpec.Builder<String, String, Closing> recorded(String name) {
        int[] n = new int[1];
        return ComponentSpec.<String, String, Closing>named(name)
                .state(() -> {
                    starts.add(name + "#" + ++n[0]);
                    return new Closing(name);
                })
                .handler((s, m) -> m.equals("boom") ? Mono.error(new IllegalStateException(name + " boom"))
                        : m.equals("slow") ? Mono.delay(Duration.ofSeconds(5)).thenReturn(m) : Mono.just(name + ":" + m));
    }

    // ------------------------------------------------------------------ 1, 2: deadlines and the last event

    @Test
    void theMessageInProgressAtAStopDeadlineIsDeadLetteredAndItsAskFails() {
        Supervisor root = start(Supervisor.named("root").child(slow("a", Duration.ofHours(1))));
        Mono<String> inProgress = root.<String, String>ref("a").ask("long").cache();
        inProgress.subscribe(v -> { }, e -> { });
        Mono<String> queued = root.<String, String>ref("a").ask("queued").cache();
        queued.subscribe(v -> { }, e -> { });

        StepVerifier.create(root.stopChild("a", Duration.ofSeconds(1)))
                .then(() -> advance(1000))
                .verifyComplete();

        StepVerifier.create(inProgress).expectError(ComponentUnavailableException.class).verify();
        StepVerifier.create(queued).expectError(ComponentUnavailableException.class).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("long/COMPONENT_STOPPED", "queued/COMPONENT_STOPPED");
        assertThat(events(SupervisionEvent.Stopped.class, "root/a").get(0).reason()).isEqualTo("stop deadline passed");
    }

    @Test
    void atTheShutdownDeadlineTheMessageInProgressIsAShutDownDeadLetter() {
        Supervisor root = start(Supervisor.named("root").child(slow("a", Duration.ofHours(1))));
        Mono<String> inProgress = root.<String, String>ref("a").ask("long").cache();
        inProgress.subscribe(v -> { }, e -> { });

        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).then(() -> advance(1000)).verifyComplete();

        StepVerifier.create(inProgress).expectError(ComponentUnavailableException.class).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("long/SHUT_DOWN");
    }

    @Test
    void everyDeadLetterIsPublishedBeforeTheEventStreamCompletesAndTheSnapshotAgrees() {
        Supervisor root = start(Supervisor.named("root").child(slow("a", Duration.ofSeconds(10))));
        List<Object> stream = new ArrayList<>();
        root.events().subscribe(stream::add, stream::add, () -> stream.add("complete"));
        for (int i = 0; i < 5; i++) {
            root.<String, String>ref("a").tell("m" + i);
        }

        root.shutdown(Duration.ofSeconds(1)).subscribe();
        advance(1000);

        assertThat(stream).last().isEqualTo("complete");
        long deadInStream = stream.stream().filter(SupervisionEvent.DeadLetter.class::isInstance).count();
        assertThat(deadInStream).isEqualTo(5);
        assertThat(((ComponentSnapshot) root.snapshot().child("a")).deadLetters()).isEqualTo(deadInStream);
        // a subscriber after the end gets the history, then the completion
        StepVerifier.create(root.deadLetters()).expectNextCount(5).verifyComplete();
    }

    // ------------------------------------------------------------------ 3: errors from close() and factories

    @Test
    void anErrorFromCloseIsACrashAndTheComponentCarriesOnWithItsMessages() {
        int[] incarnation = new int[1];
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, AutoCloseable>named("c")
                .state(() -> {
                    int n = ++incarnation[0];
                    return () -> {
                        if (n == 1) {
                            throw new LinkageError("close of incarnation 1");
                        }
                    };
                })
                .syncHandler((s, m) -> "re:" + m)
                .limit(RestartLimit.unlimited())
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        Mono<String> pending = root.ref(spec).ask("after").cache();

        StepVerifier.create(root.restartChild("c")).verifyComplete(); // ends incarnation 1: its close throws
        StepVerifier.create(root.ref(spec).ask("x")).expectNext("re:x").verifyComplete();

        StepVerifier.create(pending).expectNext("re:after").verifyComplete();
        assertThat(incarnation[0]).isEqualTo(2);
        assertThat(events(SupervisionEvent.Crashed.class)).singleElement()
                .satisfies(c -> assertThat(c.cause()).isInstanceOf(LinkageError.class));
        assertThat(root.ref(spec).state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void anErrorFromTheStateFactoryOfARestartIsACrashAndNothingIsStranded() {
        int[] incarnation = new int[1];
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> {
                    if (++incarnation[0] == 2) {
                        throw new StackOverflowError("factory of incarnation 2");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return "re:" + m;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.ref(spec).tell("boom");
        StepVerifier.create(root.ref(spec).ask("queued")).expectNext("re:queued").verifyComplete();
        assertThat(incarnation[0]).isEqualTo(3);
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(c -> c.cause().getClass().getSimpleName())
                .containsExactly("IllegalStateException", "StackOverflowError");
    }

    // ------------------------------------------------------------------ 4: group restarts

    @Test
    void aGroupRestartStopsTheSiblingsInReverseOrderEachAwaitedThenStartsThemInOrder() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(recorded("a").build()).child(recorded("b").build()).child(recorded("c").build()));
        starts.clear();
        root.<String, String>ref("c").tell("slow"); // busy for 5 s
        root.<String, String>ref("a").tell("boom");
        assertThat(closes).as("b waits until c, started after it, has stopped").containsExactly("a@0");

        advance(5000);

        assertThat(closes).containsExactly("a@0", "c@5000", "b@5000");
        assertThat(starts).containsExactly("a#2", "b#2", "c#2");
        assertThat(root.snapshot().countByState()).containsEntry(ComponentState.RUNNING, 3);
    }

    @Test
    void aStartThatFailsInAGroupRestartCountsAsACrashAndTheGroupIsTriedAgain() {
        int[] bStates = new int[1];
        ComponentSpec<String, String> b = ComponentSpec.<String, String, Object>named("b")
                .state(() -> {
                    if (++bStates[0] == 2) {
                        throw new IllegalStateException("b cannot start this time");
                    }
                    starts.add("b#" + bStates[0]);
                    return new Object();
                })
                .syncHandler((s, m) -> m)
                .build();
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(recorded("a").build()).child(b).child(recorded("c").build()));
        starts.clear();

        root.<String, String>ref("c").tell("boom");

        assertThat(starts).containsExactly("a#2", "a#3", "b#3", "c#2");
        assertThat(root.snapshot().countByState()).containsEntry(ComponentState.RUNNING, 3);
        assertThat(root.snapshot().child("b").restarts()).isEqualTo(1);
        assertThat(events(SupervisionEvent.Crashed.class, "root/b")).singleElement()
                .satisfies(e -> assertThat(e.cause()).hasMessage("b cannot start this time"));
    }

    @Test
    void aChildStoppedByHandRestartsWithItsGroupAsInOtp() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(recorded("a").build()).child(recorded("b").build()));
        StepVerifier.create(root.stopChild("b", Duration.ofSeconds(1))).verifyComplete();
        starts.clear();

        root.<String, String>ref("a").tell("boom");

        assertThat(starts).containsExactly("a#2", "b#2");
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void removingOrStoppingAMemberDuringAGroupRestartDoesNotStrandTheOthers() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(recorded("a").restart(RestartStrategy.delayed(Duration.ofSeconds(10))).build())
                .child(recorded("b").build()).child(recorded("c").build()).child(recorded("d").build()));
        starts.clear();
        root.<String, String>ref("a").tell("boom"); // the group waits 10 s for a's delay

        StepVerifier.create(root.removeChild("b", Duration.ofSeconds(1))).verifyComplete();
        StepVerifier.create(root.stopChild("c", Duration.ofSeconds(1))).verifyComplete();
        advance(10_000);

        assertThat(starts).containsExactly("a#2", "d#2");
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("a", "c", "d");
        assertThat(root.ref("c").state()).isEqualTo(ComponentState.STOPPED);
        StepVerifier.create(root.<String, String>ref("d").ask("x")).expectNext("d:x").verifyComplete();
    }

    // ------------------------------------------------------------------ 5: OTP's child semantics

    @Test
    void aTemporaryChildThatEndsIsRemovedAndItsNameCanBeUsedAgain() {
        Supervisor root = start(Supervisor.named("root")
                .child(ComponentTest.memo("crashes").policy(RestartPolicy.TEMPORARY).build())
                .child(ComponentTest.memo("exits").policy(RestartPolicy.TEMPORARY).build()));
        root.<String, String>ref("crashes").tell("boom");
        root.<String, String>ref("exits").tell("exit");

        assertThat(root.snapshot().children()).isEmpty();
        assertThat(events(SupervisionEvent.Failed.class, "root/crashes")).hasSize(1);
        assertThat(events(SupervisionEvent.Stopped.class, "root/exits")).hasSize(1);
        ComponentSpec<String, String> again = ComponentTest.memo("crashes").build();
        StepVerifier.create(root.startChild(again)).verifyComplete();
        StepVerifier.create(root.ref(again).ask("x")).expectNext("1:x").verifyComplete();
        assertThat(events(SupervisionEvent.Escalated.class)).isEmpty();
    }

    private static ComponentSpec<String, String> cannotStart(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(() -> {
                    throw new IllegalStateException(name + " has no state");
                })
                .syncHandler((s, m) -> m)
                .build();
    }

    @Test
    void startChildFailsWithTheCauseWhenTheChildCannotStartAndTheChildIsNotKept() {
        Supervisor root = start(Supervisor.named("root"));
        ComponentSpec<String, String> bad = cannotStart("bad");

        Mono<Void> started = root.startChild(bad);

        StepVerifier.create(started)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ChildStartException.class)
                        .hasMessage("'root/bad' could not start: java.lang.IllegalStateException: bad has no state")
                        .hasCauseInstanceOf(IllegalStateException.class))
                .verify();
        assertThat(root.snapshot().children()).isEmpty();
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
        StepVerifier.create(root.startChild(ComponentTest.memo("bad").build())).verifyComplete();
    }

    @Test
    void aDeclaredChildThatCannotStartFailsTheStartAfterStoppingTheChildrenStartedBefore() {
        Supervisor root = start(Supervisor.named("root")
                .child(recorded("a").build()).child(recorded("b").build()).child(cannotStart("c"))
                .child(recorded("d").build()));

        StepVerifier.create(root.started())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ChildStartException.class)
                        .hasMessageStartingWith("'root/c' could not start"))
                .verify();
        assertThat(starts).containsExactly("a#1", "b#1");
        assertThat(closes).containsExactly("b@0", "a@0");
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.FAILED);
        StepVerifier.create(root.termination()).expectError(ChildStartException.class).verify();
    }

    @Test
    void restartChildFailsWithTheCauseWhenTheNewIncarnationCannotStart() {
        int[] n = new int[1];
        ComponentSpec<String, String> flaky = ComponentSpec.<String, String, Object>named("flaky")
                .state(() -> {
                    if (++n[0] == 2) {
                        throw new IllegalStateException("not now");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> m)
                .build();
        Supervisor root = start(Supervisor.named("root").child(flaky));

        StepVerifier.create(root.restartChild("flaky")).expectError(ChildStartException.class).verify();
        assertThat(root.ref(flaky).state()).isEqualTo(ComponentState.FAILED);
        StepVerifier.create(root.restartChild("flaky")).verifyComplete();
        assertThat(root.ref(flaky).state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aRestartedSupervisorStartsAfreshWithItsDeclaredChildrenAndANewRestartHistory() {
        Supervisor root = start(Supervisor.named("root")
                .child(Supervisor.named("mid").child(ComponentTest.memo("declared")
                        .limit(RestartLimit.of(1, Duration.ofMinutes(1))).build())));
        Supervisor mid = root.supervisor("mid");
        StepVerifier.create(mid.startChild(ComponentTest.memo("dynamic").build())).verifyComplete();
        mid.<String, String>ref("declared").tell("boom"); // its one restart in the window is used

        StepVerifier.create(root.restartChild("mid")).verifyComplete();

        assertThat(mid.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("declared");
        mid.<String, String>ref("declared").tell("boom"); // a new history: allowed again
        assertThat(mid.ref("declared").state()).isEqualTo(ComponentState.RUNNING);
        mid.<String, String>ref("declared").tell("boom");
        assertThat(mid.ref("declared").state()).isEqualTo(ComponentState.FAILED);
    }

    @Test
    void aRestartExactlyOneWindowAfterAnEarlierOneStillCounts() {
        Supervisor root = start(Supervisor.named("root")
                .child(ComponentTest.memo("c").limit(RestartLimit.of(1, Duration.ofSeconds(10))).build()));
        root.<String, String>ref("c").tell("boom");
        advance(10_000); // the window is inclusive, as OTP's: the first restart is still inside it
        root.<String, String>ref("c").tell("boom");
        assertThat(root.ref("c").state()).isEqualTo(ComponentState.FAILED);
    }

    @Test
    void aLimitOfZeroRestartsMeansNoRestartAtAll() {
        Supervisor root = start(Supervisor.named("root")
                .child(ComponentTest.memo("c").limit(RestartLimit.of(0, Duration.ofSeconds(10))).build()));
        root.<String, String>ref("c").tell("boom");
        assertThat(root.ref("c").state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
    }

    @Test
    void stopChildStopsACrashLoopingChildAtOnce() {
        Supervisor root = start(Supervisor.named("root").child(ComponentTest.memo("c")
                .restart(RestartStrategy.delayed(Duration.ofMinutes(1))).limit(RestartLimit.unlimited()).build()));
        root.<String, String>ref("c").tell("boom");
        root.<String, String>ref("c").tell("queued");
        assertThat(root.ref("c").state()).isEqualTo(ComponentState.RESTARTING);

        StepVerifier.create(root.stopChild("c", Duration.ofSeconds(30))).verifyComplete(); // no time passes

        assertThat(root.ref("c").state()).isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("boom/CRASHED", "queued/COMPONENT_STOPPED");
        advance(Duration.ofMinutes(2));
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
    }

    // ------------------------------------------------------------------ restart strategies as Reactor specs

    @Test
    void aUsersRetryBackoffSpecCarriesOutTheDelaysWhileTheLimitStaysInCharge() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c")
                .restart(RestartStrategy.of(reactor.util.retry.Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(4)).jitter(0.0)))
                .limit(RestartLimit.of(3, Duration.ofMinutes(10)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(2000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(4000);
        ref.tell("boom"); // the fourth in ten minutes: the library's limit, not the spec, says no
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class).get(0).cause())
                .isInstanceOf(RestartLimitExceededException.class);
    }

    @Test
    void anErrorTheUsersSpecDoesNotRetryMakesTheChildGiveUpWithThatError() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c")
                .restart(RestartStrategy.of(reactor.util.retry.Retry.fixedDelay(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .filter(e -> !e.getMessage().contains("fatal"))))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(crashAndMeasureRestart(ref, "boom, retry me")).isEqualTo(1000);
        ref.tell("boom, fatal");
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class).get(0).cause()).hasMessage("boom, fatal");
    }

    // ------------------------------------------------------------------ 6, 7, 8, 9, 10

    @Test
    void startReturnsWhenTheStateFactoryAlwaysThrowsAndRestartsAreUnlimited() {
        AtomicInteger attempts = new AtomicInteger();
        Supplier<Object> always = () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("never");
        };
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(ComponentSpec.<String, String, Object>named("c").state(always).syncHandler((s, m) -> m)
                        .restart(RestartStrategy.immediate()).limit(RestartLimit.unlimited()).build()));
        StepVerifier.create(root.started()).expectError(ChildStartException.class).verify();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void durationsBeyondWhatTheTreeCanScheduleAreRefusedNamingTheParameter() {
        Duration huge = Duration.ofDays(365L * 300);
        Supervisor root = start(Supervisor.named("root").child(ComponentTest.memo("c").build()));
        String tail = " must be positive and at most 36500 days (100 years), but was " + huge;
        assertThatThrownBy(() -> root.shutdown(huge)).hasMessage("deadline" + tail);
        assertThatThrownBy(() -> root.stopChild("c", huge)).hasMessage("deadline" + tail);
        assertThatThrownBy(() -> root.removeChild("c", huge)).hasMessage("deadline" + tail);
        assertThatThrownBy(() -> RestartStrategy.delayed(huge)).hasMessage("delay" + tail);
        assertThatThrownBy(() -> RestartStrategy.exponentialBackoff(Duration.ofSeconds(1), huge, 2))
                .hasMessage("max" + tail);
        assertThatThrownBy(() -> RestartLimit.of(3, huge)).hasMessage("within" + tail);
        assertThatThrownBy(() -> HealthCheck.every(Duration.ofSeconds(1)).withTimeout(huge)).hasMessage("timeout" + tail);
        assertThatThrownBy(() -> ComponentTest.memo("x").processingTimeout(huge))
                .hasMessage("processingTimeout" + tail);
        assertThatThrownBy(() -> HealthCheck.every(Duration.ofMillis(1)))
                .hasMessage("interval must be at least PT0.01S and at most 36500 days (100 years), but was PT0.001S");
        // the longest accepted duration is handled: a shutdown with it completes
        StepVerifier.create(root.shutdown(Checks.MAX_DURATION)).verifyComplete();
    }

    @Test
    void aTreeTenThousandLevelsDeepStartsAndShutsDown() {
        ComponentSpec<String, String> leaf = ComponentTest.memo("leaf").build();
        SupervisorSpec.Builder level = Supervisor.named("s0").child(leaf);
        for (int i = 1; i < 10_000; i++) {
            level = Supervisor.named("s" + i).child(level);
        }
        Supervisor root = level.start();
        StepVerifier.create(root.started()).verifyComplete();
        StepVerifier.create(root.ref(leaf).ask("x")).expectNext("1:x").verifyComplete();
        // a generous deadline: the promise is no StackOverflowError, and a loaded build machine is slow
        StepVerifier.create(root.shutdown(Duration.ofSeconds(60))).verifyComplete();
        assertThat(root.ref(leaf).state()).isEqualTo(ComponentState.STOPPED);
    }

    @Test
    void aTreeOfAnyDepthIsSnapshottedRenderedAndReadOnASmallStack() throws Exception {
        ComponentSpec<String, String> leaf = ComponentTest.memo("leaf").build();
        SupervisorSpec.Builder level = Supervisor.named("s0").child(leaf);
        for (int i = 1; i < 2_000; i++) {
            level = Supervisor.named("s" + i).child(level);
        }
        Supervisor root = start(level);
        StepVerifier.create(root.started()).verifyComplete();
        String[] rendered = new String[1];
        Readiness[] readiness = new Readiness[1];
        Thread small = new Thread(null, () -> {
            SupervisorSnapshot snapshot = root.snapshot();
            rendered[0] = snapshot.render();
            readiness[0] = snapshot.readiness();
        }, "small-stack", 64 * 1024); // a recursive walk of 2,000 levels does not fit in 64 KiB
        Throwable[] failed = new Throwable[1];
        small.setUncaughtExceptionHandler((t, e) -> failed[0] = e);
        small.start();
        small.join(10_000);
        assertThat(failed[0]).isNull(); // a recursive walk: StackOverflowError
        assertThat(rendered[0].lines().count()).isEqualTo(2_001);
        assertThat(rendered[0]).endsWith("└─ leaf [component] RUNNING restarts=0 mailbox=0 handled=0 dead=0 "
                + "uptime=0 s\n");
        assertThat(readiness[0]).isEqualTo(new Readiness(true, java.util.Map.of()));
    }

    @Test
    void anInterruptLeftOverFromOneMessageDoesNotCrashTheNext() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("interrupt myself")) {
                        Thread.currentThread().interrupt();
                        return m;
                    }
                    try {
                        new CountDownLatch(0).await(); // throws at once if the thread is interrupted
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted", e);
                    }
                    return "clean " + m;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.ref(spec).tell("interrupt myself");
        StepVerifier.create(root.ref(spec).ask("next")).expectNext("clean next").verifyComplete();
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
        Thread.interrupted();
    }

    @Test
    void aHandlerThatAsksItsOwnComponentFailsFast() {
        List<ComponentRef<String, String>> self = new ArrayList<>();
        ComponentSpec<String, String> sync = ComponentSpec.<String, String, Object>named("sync")
                .state(Object::new)
                .syncHandler((s, m) -> m.equals("ask myself") ? self.get(0).ask("inner").block() : m)
                .build();
        ComponentSpec<String, String> async = ComponentSpec.<String, String, Object>named("async")
                .state(Object::new)
                .handler((s, m) -> m.equals("ask myself") ? self.get(1).ask("inner") : Mono.just(m))
                .build();
        Supervisor root = start(Supervisor.named("root").child(sync).child(async));
        self.add(root.ref(sync));
        self.add(root.ref(async));
        for (ComponentRef<String, String> ref : self) {
            StepVerifier.create(ref.ask("ask myself"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                            .cause().isInstanceOf(IllegalStateException.class)
                            .hasMessage("'" + ref.path() + "' asked itself from its own handler: a component handles "
                                    + "one message at a time, so the reply could never come (tell instead)"))
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(ref.ask("then")).expectNext("then").verifyComplete();
        }
    }
}
