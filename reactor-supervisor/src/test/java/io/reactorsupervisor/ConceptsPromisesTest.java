package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The promises of the README's "Concepts" section that no other test held to, each proved as a
 * user would rely on it, on virtual time.
 */
class ConceptsPromisesTest extends VirtualTimeTest {

    private final List<String> handled = new CopyOnWriteArrayList<>();

    /** Records each message as it starts and as it ends; "boom" crashes, "slow" takes 1 s, "hang" never ends. */
    private ComponentSpec.Builder<String, String, Object> recording(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> {
                    handled.add(name + ":" + m);
                    switch (m) {
                        case "boom":
                            return Mono.error(new IllegalStateException(name + " boom"));
                        case "slow":
                            return Mono.delay(Duration.ofSeconds(1)).thenReturn(m).doOnNext(r -> handled.add(name + ":done " + m));
                        case "hang":
                            return Mono.never();
                        default:
                            return Mono.just(m).doOnNext(r -> handled.add(name + ":done " + m));
                    }
                });
    }

    private static ComponentSnapshot snapshot(Supervisor root, String path) {
        return (ComponentSnapshot) root.snapshot().child(path);
    }

    // ------------------------------------------------------------------ Mailbox

    /**
     * "Bounded by default (10,000); a message that does not fit is refused: {@code tell} returns
     * false, {@code ask} fails with {@code MailboxFullException}, and the message is published as a
     * dead letter."
     */
    @Test
    void aMailboxHoldsTenThousandMessagesByDefaultAndRefusesTheNextOne() {
        ComponentSpec<String, String> spec = recording("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        assertThat(ref.tell("hang")).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(ref.tell("m" + i)).as("message %d of a default mailbox is accepted", i).isTrue();
        }
        assertThat(ref.mailboxDepth()).isEqualTo(10_000);

        assertThat(ref.tell("refused")).as("the 10,001st queued message is refused").isFalse();
        StepVerifier.create(ref.ask("refused-ask")).expectError(MailboxFullException.class).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("refused/MAILBOX_FULL", "refused-ask/MAILBOX_FULL");
    }

    /** "{@code ask} sends the message when the returned Mono is subscribed." */
    @Test
    void anAskSendsItsMessageOnlyWhenItsMonoIsSubscribed() {
        ComponentSpec<String, String> spec = recording("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);

        Mono<String> notYet = ref.ask("later");
        advance(1000);
        assertThat(handled).as("an ask nobody subscribed to sends nothing").isEmpty();

        StepVerifier.create(notYet).expectNext("later").verifyComplete();
        assertThat(handled).containsExactly("c:later", "c:done later");
    }

    /**
     * "Cancelling that subscription (a {@code timeout}, for example) does not take the message
     * back: it is still handled, and its reply dropped."
     */
    @Test
    void aCancelledAskIsStillHandledAndItsReplyDropped() {
        ComponentSpec<String, String> spec = recording("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        List<String> replies = new CopyOnWriteArrayList<>();

        Disposable inProgress = ref.ask("slow").subscribe(replies::add);
        StepVerifier.create(ref.ask("queued").timeout(Duration.ofMillis(100), vts))
                .then(() -> advance(100))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify();
        inProgress.dispose();
        advance(2000);

        assertThat(handled).as("both cancelled asks are handled to the end")
                .containsExactly("c:slow", "c:done slow", "c:queued", "c:done queued");
        assertThat(replies).as("a cancelled ask gets no reply").isEmpty();
        assertThat(snapshot(root, "c").handled()).isEqualTo(2);
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    // ------------------------------------------------------------------ Restart limit and intensity

    /** "{@code RestartLimit.of(n, within)}: at most n restarts in a sliding window (default 10 a minute)." */
    @Test
    void aComponentsDefaultLimitIsTenRestartsAMinute() {
        ComponentSpec<String, String> spec = recording("c").build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 1; i <= 10; i++) {
            ref.tell("boom");
            advance(1000);
            assertThat(ref.state()).as("after crash %d in a minute", i).isEqualTo(ComponentState.RUNNING);
        }
        ref.tell("boom");
        assertThat(ref.state()).as("the 11th crash within a minute").isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(10);
        assertThat(events(SupervisionEvent.Failed.class, "root/c")).hasSize(1);
    }

    /**
     * "A restart counts against the crashed child's limit and the supervisor's intensity: the
     * restarts allowed across all of a supervisor's children within a window (default 10 a minute)."
     */
    @Test
    void aSupervisorsDefaultIntensityIsTenRestartsAMinuteAcrossItsChildren() {
        ComponentSpec<String, String> a = recording("a").limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> b = recording("b").limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").child(a).child(b));
        for (int i = 1; i <= 10; i++) {
            root.ref(i % 2 == 0 ? a : b).tell("boom");
            advance(1000);
        }
        assertThat(root.snapshot().countByState()).as("ten restarts across the children are allowed")
                .containsEntry(ComponentState.RUNNING, 2);

        root.ref(a).tell("boom");
        assertThat(root.ref(a).state()).as("the 11th restart in a minute, across the children")
                .isEqualTo(ComponentState.FAILED);
        assertThat(root.ref(b).state()).as("degraded mode: the sibling carries on").isEqualTo(ComponentState.RUNNING);
    }

    // ------------------------------------------------------------------ Restart strategy

    /** "{@code Restarting} (attempt and delay)": the event gives the attempt and the delay waited. */
    @Test
    void aRestartingEventGivesTheAttemptAndTheDelay() {
        ComponentSpec<String, String> spec = recording("c")
                .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2))
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        for (int i = 0; i < 3; i++) {
            crashAndMeasureRestart(ref, "boom");
        }
        assertThat(events(SupervisionEvent.Restarting.class))
                .extracting(r -> r.attempt() + "@" + r.delay().toMillis())
                .containsExactly("1@100", "2@200", "3@400");
    }

    /**
     * "By default the sequence starts over once an incarnation has run {@code max} without
     * crashing."
     */
    @Test
    void aBackoffStartsOverByDefaultOnceAnIncarnationHasRunItsMaxWithoutCrashing() {
        ComponentSpec<String, String> spec = recording("c")
                .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2))
                .limit(RestartLimit.unlimited())
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").intensity(RestartLimit.unlimited())
                .child(spec)).ref(spec);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(100);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(200);
        advance(Duration.ofSeconds(10).minusMillis(1));
        assertThat(crashAndMeasureRestart(ref, "boom")).as("after running just under max").isEqualTo(400);
        advance(Duration.ofSeconds(10));
        assertThat(crashAndMeasureRestart(ref, "boom")).as("after running max without crashing").isEqualTo(100);
    }

    // ------------------------------------------------------------------ Directives

    /**
     * "Directives apply to a message's failures: a state factory or {@code close()} that throws,
     * and a failed health check, always restart."
     */
    @Test
    void aStateFactoryThatThrowsRestartsWhateverTheDirectives() {
        AtomicInteger incarnations = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> {
                    if (incarnations.incrementAndGet() == 2) {
                        throw new IllegalArgumentException("factory failed");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return m;
                })
                .onFailure(IllegalArgumentException.class, Directive.STOP)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("boom");
        advance(1);

        assertThat(incarnations).hasValue(3);
        assertThat(ref.state()).as("a throwing state factory is restarted, not stopped by the STOP rule")
                .isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(SupervisionEvent.Crashed::directive)
                .containsExactly(Directive.RESTART, Directive.RESTART);
        StepVerifier.create(ref.ask("after")).expectNext("after").verifyComplete();
    }

    /**
     * "A state that is {@code AutoCloseable} is closed when its incarnation ends, whatever the
     * reason ...; anything [it throws] is a crash of that incarnation", and "a state factory or
     * {@code close()} that throws ... always restart": a transient child that exits normally but
     * whose {@code close()} throws has crashed, and is restarted, whatever its directives say.
     */
    @Test
    void aCloseThatThrowsAtANormalExitIsACrashAndRestartsWhateverTheDirectives() {
        AtomicInteger incarnations = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, AutoCloseable>named("c")
                .state(() -> {
                    int n = incarnations.incrementAndGet();
                    return () -> {
                        if (n == 1) {
                            throw new IllegalArgumentException("close failed");
                        }
                    };
                })
                .syncHandler((s, m) -> {
                    if (m.equals("exit")) {
                        throw new NormalExit();
                    }
                    return m;
                })
                .onFailure(IllegalArgumentException.class, Directive.STOP)
                .policy(RestartPolicy.TRANSIENT)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("exit");
        advance(1);

        assertThat(ref.state()).as("a throwing close() is restarted, not stopped by the STOP rule")
                .isEqualTo(ComponentState.RUNNING);
        assertThat(incarnations).hasValue(2);
        assertThat(events(SupervisionEvent.Crashed.class)).singleElement().satisfies(c -> {
            assertThat(c.cause()).hasMessage("close failed");
            assertThat(c.directive()).isEqualTo(Directive.RESTART);
        });
        StepVerifier.create(ref.ask("after")).expectNext("after").verifyComplete();
    }

    /** As above, for a failed health check: "and a failed health check, always restart." */
    @Test
    void aFailedHealthCheckRestartsWhateverTheDirectives() {
        ComponentSpec<String, String> spec = recording("c")
                .healthCheck(HealthCheck.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(1))
                        .withUnhealthyAfter(1))
                .onFailure(Throwable.class, Directive.STOP)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("hang");
        advance(2000);

        assertThat(events(SupervisionEvent.Crashed.class)).hasSize(1);
        assertThat(events(SupervisionEvent.Crashed.class).get(0).cause()).isInstanceOf(HealthCheckFailedException.class);
        assertThat(events(SupervisionEvent.Crashed.class).get(0).directive()).isEqualTo(Directive.RESTART);
        assertThat(ref.state()).as("a hung component is restarted, not stopped by the STOP rule")
                .isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(1);
    }

    // ------------------------------------------------------------------ Readiness

    /**
     * "It is ready when {@code RUNNING} with its mailbox at or below
     * {@code readinessThreshold(share)} of its capacity (default 0.8)."
     */
    @Test
    void aComponentIsReadyUpToEightyPercentOfItsMailboxByDefault() {
        ComponentSpec<String, String> spec = recording("c").mailbox(Mailbox.bounded(10)).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("hang");
        for (int i = 0; i < 8; i++) {
            ref.tell("m" + i);
        }
        assertThat(snapshot(root, "c").ready()).as("8 of 10 waiting").isTrue();
        assertThat(root.readiness().ready()).isTrue();

        ref.tell("m8");
        assertThat(snapshot(root, "c").ready()).as("9 of 10 waiting").isFalse();
        assertThat(root.readiness().ready()).isFalse();
    }

    // ------------------------------------------------------------------ Dead letters

    /**
     * "A refused one is published too ({@code MAILBOX_FULL}, or the reason the component does not
     * take messages)", and "A FAILED component refuses messages until {@code restartChild} revives it."
     */
    @Test
    void aMessageRefusedByAFailedComponentIsPublishedAsADeadLetter() {
        ComponentSpec<String, String> spec = recording("c").limit(RestartLimit.of(0, Duration.ofMinutes(1))).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("boom");
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);

        assertThat(ref.tell("refused")).isFalse();
        StepVerifier.create(ref.ask("refused-ask")).expectError(ComponentUnavailableException.class).verify();

        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .contains("refused/COMPONENT_FAILED", "refused-ask/COMPONENT_FAILED");
    }

    // ------------------------------------------------------------------ Events

    /**
     * "A new subscriber first receives the most recent events, up to 256 ..., then every event as
     * it happens, with no gap or duplicate between the two."
     */
    @Test
    void aNewEventSubscriberReceivesTheMostRecent256EventsThenTheLiveOnes() {
        ComponentSpec<String, String> spec = recording("c").limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 100; i++) {
            ref.tell("boom");
        }
        advance(1);
        assertThat(events).as("events published so far").hasSizeGreaterThan(300);

        List<SupervisionEvent> late = new CopyOnWriteArrayList<>();
        Disposable subscription = root.events().subscribe(late::add);
        advance(1);
        assertThat(late).as("the replay is the most recent 256 events")
                .containsExactlyElementsOf(events.subList(events.size() - 256, events.size()));

        ref.tell("boom");
        advance(1);
        subscription.dispose();
        assertThat(late).as("then every event as it happens, no gap, no duplicate")
                .containsExactlyElementsOf(events.subList(events.size() - 256 - 4, events.size()));
    }

    /** "Event timestamps are on {@code Schedulers.parallel()}'s clock, virtual in tests on virtual time." */
    @Test
    void eventTimestampsAreOnTheVirtualClock() {
        ComponentSpec<String, String> spec = recording("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        advance(Duration.ofHours(5));
        ref.tell("boom");
        SupervisionEvent.Crashed crashed = events(SupervisionEvent.Crashed.class).get(0);
        assertThat(crashed.timestamp()).isEqualTo(Instant.ofEpochMilli(vts.now(TimeUnit.MILLISECONDS)));
        assertThat(events(SupervisionEvent.Started.class).get(0).timestamp()).isEqualTo(Instant.EPOCH);
    }

    // ------------------------------------------------------------------ Logs

    /**
     * "Crashes at WARN, restarts and rejections at INFO, give-ups and escalations at ERROR, dead
     * letters at DEBUG."
     */
    @Test
    void theLibraryLogsCrashesAtWarnRestartsAndRejectionsAtInfoGiveUpsAndEscalationsAtErrorAndDeadLettersAtDebug() {
        Logger log = (Logger) LoggerFactory.getLogger("io.reactorsupervisor.Supervisor");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = log.getLevel();
        log.setLevel(Level.DEBUG);
        log.addAppender(appender);
        try {
            ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                    .state(Object::new)
                    .syncHandler((st, m) -> {
                        if (m.equals("invalid")) {
                            throw new IllegalArgumentException("invalid");
                        }
                        throw new IllegalStateException("boom");
                    })
                    .onFailure(IllegalArgumentException.class, Directive.RESUME)
                    .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                    .build();
            Supervisor root = start(Supervisor.named("root").child(Supervisor.named("mid").escalateOnFailure().child(spec)));
            ComponentRef<String, String> ref = root.ref("mid/c");
            ref.tell("invalid");
            ref.tell("boom");
            advance(1);
            ref.tell("boom");
            advance(1);
        } finally {
            log.detachAppender(appender);
            log.setLevel(level);
        }
        List<String> lines = appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).as("log lines").anyMatch(l -> l.startsWith("WARN 'root/mid/c' crashed"))
                .anyMatch(l -> l.startsWith("INFO 'root/mid/c' restart"))
                .anyMatch(l -> l.startsWith("INFO 'root/mid/c' rejected"))
                .anyMatch(l -> l.startsWith("ERROR 'root/mid/c' gave up"))
                .anyMatch(l -> l.startsWith("ERROR 'root/mid' escalates"))
                .anyMatch(l -> l.startsWith("DEBUG dead letter for 'root/mid/c' (CRASHED)"))
                .noneMatch(l -> l.contains("crashed") && !l.startsWith("WARN"));
    }

    // ------------------------------------------------------------------ Jitter and shared strategies

    /**
     * "Jitter is Reactor's: in whole milliseconds and whole percent; on a fixed delay {@code d} it
     * only lengthens it, to {@code [d, d * (1 + factor)]}": a factor of 1.9 % jitters by 1 %, and
     * one of 0.9 % not at all.
     */
    @Test
    void jitterIsInWholePercentOfTheDelay() {
        ComponentSpec<String, String> onePercent = recording("one")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)).withJitter(0.019))
                .limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> none = recording("none")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)).withJitter(0.009))
                .limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(onePercent).child(none));
        for (int i = 0; i < 40; i++) {
            assertThat(crashAndMeasureRestart(root.ref(onePercent), "boom")).as("a delay of 1 s with 1.9 %% jitter")
                    .isBetween(1000L, 1010L);
            assertThat(crashAndMeasureRestart(root.ref(none), "boom")).as("a delay of 1 s with 0.9 %% jitter")
                    .isEqualTo(1000L);
        }
    }

    /** "Strategies are immutable and can be shared": each component that uses one has its own sequence. */
    @Test
    void aStrategySharedByTwoComponentsGivesEachItsOwnSequence() {
        RestartStrategy shared = RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2);
        ComponentSpec<String, String> a = recording("a").restart(shared).build();
        ComponentSpec<String, String> b = recording("b").restart(shared).build();
        Supervisor root = start(Supervisor.named("root").child(a).child(b));
        assertThat(crashAndMeasureRestart(root.ref(a), "boom")).isEqualTo(100);
        assertThat(crashAndMeasureRestart(root.ref(a), "boom")).isEqualTo(200);
        assertThat(crashAndMeasureRestart(root.ref(a), "boom")).isEqualTo(400);
        assertThat(crashAndMeasureRestart(root.ref(b), "boom")).as("b's first restart").isEqualTo(100);
        assertThat(crashAndMeasureRestart(root.ref(a), "boom")).as("a's fourth restart").isEqualTo(800);
        assertThat(shared).as("the strategy itself").hasToString(
                RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2).toString());
    }

    // ------------------------------------------------------------------ Supervisor

    /** "A child that could not start is not restarted in a loop." */
    @Test
    void aDeclaredChildThatCannotStartIsNotRestartedInALoop() {
        AtomicInteger attempts = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("cannot start");
                })
                .syncHandler((s, m) -> m)
                .limit(RestartLimit.unlimited())
                .build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec));
        StepVerifier.create(root.started()).expectError(ChildStartException.class).verify();
        advance(Duration.ofMinutes(10));
        assertThat(attempts).as("state factory calls").hasValue(1);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
    }

    // ------------------------------------------------------------------ Component

    private final List<String> closes = new CopyOnWriteArrayList<>();

    /**
     * A state that records its close; "boom" crashes, "stop" fails with a STOP rule, "exit" exits
     * normally, "hang" never ends.
     */
    private ComponentSpec.Builder<String, String, AutoCloseable> closable(String name) {
        AtomicInteger incarnations = new AtomicInteger();
        return ComponentSpec.<String, String, AutoCloseable>named(name)
                .state(() -> {
                    int n = incarnations.incrementAndGet();
                    return () -> closes.add(name + "#" + n);
                })
                .handler((s, m) -> switch (m) {
                    case "boom" -> Mono.error(new IllegalStateException("boom"));
                    case "stop" -> Mono.error(new IllegalArgumentException("stop"));
                    case "exit" -> Mono.error(new NormalExit());
                    case "hang" -> Mono.never();
                    default -> Mono.just(m);
                })
                .onFailure(IllegalArgumentException.class, Directive.STOP);
    }

    /**
     * "A state that is {@code AutoCloseable} is closed when its incarnation ends, whatever the
     * reason": a crash, a normal exit, a {@code STOP} directive, the limit reached, a failed health
     * check, {@code stopChild}, {@code removeChild} and a shutdown.
     */
    @Test
    void aClosableStateIsClosedWhateverEndsItsIncarnation() {
        Supervisor root = start(Supervisor.named("root")
                .child(closable("crash").build())
                .child(closable("exit").build())
                .child(closable("stop").build())
                .child(closable("limit").limit(RestartLimit.of(0, Duration.ofMinutes(1))).build())
                .child(closable("hung").healthCheck(HealthCheck.every(Duration.ofSeconds(1))
                        .withTimeout(Duration.ofSeconds(1)).withUnhealthyAfter(1)).build())
                .child(closable("stopped").build())
                .child(closable("removed").build())
                .child(closable("shutdown").build()));
        root.<String, String>ref("crash").tell("boom");
        root.<String, String>ref("exit").tell("exit");
        root.<String, String>ref("stop").tell("stop");
        root.<String, String>ref("limit").tell("boom");
        root.<String, String>ref("hung").tell("hang");
        root.stopChild("stopped", Duration.ofSeconds(1)).subscribe();
        root.removeChild("removed", Duration.ofSeconds(1)).subscribe();
        advance(2000);
        assertThat(closes).as("states closed before the shutdown")
                .containsExactlyInAnyOrder("crash#1", "exit#1", "stop#1", "limit#1", "hung#1", "stopped#1", "removed#1");
        closes.clear();

        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).then(() -> advance(1000)).verifyComplete();
        assertThat(closes).as("states closed by the shutdown")
                .containsExactlyInAnyOrder("crash#2", "exit#2", "hung#2", "shutdown#1");
    }

    // ------------------------------------------------------------------ Restart strategy

    /** "{@code RestartStrategy.immediate()} (the default ...)". */
    @Test
    void aComponentRestartsImmediatelyByDefault() {
        ComponentSpec<String, String> spec = recording("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(crashAndMeasureRestart(ref, "boom")).as("virtual ms spent RESTARTING").isZero();
        assertThat(events(SupervisionEvent.Restarting.class)).singleElement()
                .satisfies(r -> assertThat(r.delay()).isEqualTo(Duration.ZERO));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    // ------------------------------------------------------------------ Supervisor

    /** "A {@code Supervisor} runs children ... in declared order, each once the one before has started." */
    @Test
    void eachChildStartsOnlyOnceTheOneDeclaredBeforeItHasStarted() {
        List<String> starts = new CopyOnWriteArrayList<>();
        PausableScheduler held = new PausableScheduler();
        ComponentSpec<String, String> first = ComponentSpec.<String, String, Object>named("first")
                .state(() -> starts.add("first")).syncHandler((s, m) -> m).scheduler(held).build();
        ComponentSpec<String, String> second = ComponentSpec.<String, String, Object>named("second")
                .state(() -> starts.add("second")).syncHandler((s, m) -> m).build();
        Supervisor root = start(Supervisor.named("root").child(first).child(second));
        advance(1000);
        assertThat(starts).as("while the first child's state is not created yet").isEmpty();
        assertThat(root.ref(second).state()).isNotEqualTo(ComponentState.RUNNING);

        held.release();
        advance(1);
        assertThat(starts).containsExactly("first", "second");
        StepVerifier.create(root.started()).verifyComplete();
    }

    /**
     * "Children can be started, stopped, restarted and removed at runtime ...; each is made at
     * once and returns a {@code Mono} of its outcome": nobody needs to subscribe to that Mono.
     */
    @Test
    void runtimeChildOperationsAreMadeAtOnceWithoutSubscribingToTheirOutcome() {
        Supervisor root = start(Supervisor.named("root").child(recording("a").build()));
        root.startChild(recording("b").build());
        root.startChild(recording("c").build());
        root.startChild(recording("d").build());
        assertThat(root.<String, String>ref("b").state()).as("after startChild").isEqualTo(ComponentState.RUNNING);

        root.stopChild("b", Duration.ofSeconds(1));
        root.restartChild("c");
        root.removeChild("d", Duration.ofSeconds(1));
        advance(1);
        assertThat(root.<String, String>ref("b").state()).as("after stopChild").isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.Restarted.class, "root/c")).as("after restartChild").hasSize(1);
        assertThat(events(SupervisionEvent.Removed.class, "root/d")).as("after removeChild").hasSize(1);
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("a", "b", "c");
    }

    // ------------------------------------------------------------------ Escalation

    /**
     * "When a child gives up (its limit or the supervisor's intensity is reached) ... With
     * {@code escalateOnFailure()} it stops its children and fails itself, so that its parent
     * applies its own strategy to the whole subtree."
     */
    @Test
    void reachingTheSupervisorsIntensityEscalatesLikeAChildsLimit() {
        ComponentSpec<String, String> leaf = recording("leaf").limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> peer = recording("peer").limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("mid").escalateOnFailure()
                .intensity(RestartLimit.of(1, Duration.ofMinutes(1))).child(leaf).child(peer)));
        root.<String, String>ref("mid/leaf").tell("boom");
        advance(1);
        assertThat(events(SupervisionEvent.Escalated.class)).as("one restart is within the intensity").isEmpty();

        root.<String, String>ref("mid/peer").tell("boom");
        advance(1);
        assertThat(events(SupervisionEvent.Escalated.class, "root/mid")).hasSize(1);
        assertThat(events(SupervisionEvent.Restarted.class, "root/mid")).as("the parent restarts the subtree").hasSize(1);
        assertThat(root.<String, String>ref("mid/leaf").state()).isEqualTo(ComponentState.RUNNING);
        assertThat(root.<String, String>ref("mid/peer").state()).isEqualTo(ComponentState.RUNNING);
    }

    // ------------------------------------------------------------------ Shutdown

    /**
     * "A component that crashes while it is stopped is restarted alone, to drain its mailbox
     * within the deadline."
     */
    @Test
    void aComponentThatCrashesWhileItIsStoppedIsRestartedAloneAndDrainsItsMailbox() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(recording("a").build()).child(recording("b").build()));
        ComponentRef<String, String> b = root.ref("b");
        b.tell("slow");
        b.tell("boom");
        b.tell("after");

        StepVerifier.create(root.shutdown(Duration.ofSeconds(10))).then(() -> advance(1000)).verifyComplete();

        assertThat(handled).as("b drains its mailbox through the crash").containsSubsequence(
                "b:slow", "b:done slow", "b:boom", "b:after", "b:done after");
        assertThat(events(SupervisionEvent.Restarted.class)).as("restarts during the shutdown")
                .extracting(SupervisionEvent::path).containsExactly("root/b");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("boom/CRASHED");
    }

    /**
     * "The stream completes last, after every dead letter of the shutdown, and {@code shutdown()}
     * and {@code termination()} complete only once it has."
     */
    @Test
    void shutdownAndTerminationCompleteOnlyOnceTheEventStreamHasCompleted() {
        Supervisor root = start(Supervisor.named("root").child(recording("a").build()));
        root.<String, String>ref("a").tell("hang");
        root.<String, String>ref("a").tell("queued");
        java.util.concurrent.atomic.AtomicBoolean streamCompleted = new java.util.concurrent.atomic.AtomicBoolean();
        root.events().subscribe(e -> { }, e -> { }, () -> streamCompleted.set(true));
        List<String> order = new CopyOnWriteArrayList<>();
        root.termination().subscribe(null, e -> order.add("termination failed"),
                () -> order.add("termination, stream completed: " + streamCompleted.get()));

        root.shutdown(Duration.ofSeconds(1)).subscribe(null, e -> order.add("shutdown failed"),
                () -> order.add("shutdown, stream completed: " + streamCompleted.get()));
        advance(1000);

        assertThat(order).containsExactlyInAnyOrder("termination, stream completed: true",
                "shutdown, stream completed: true");
    }

    // ------------------------------------------------------------------ Lifecycle and readiness

    /**
     * "Lifecycle ...: {@code STARTING -> RUNNING -> ... -> STOPPING -> STOPPED}", and readiness:
     * "it is not [ready] while it starts, restarts or stops."
     */
    @Test
    void aComponentIsStartingThenRunningThenStoppingAndReadyOnlyWhileRunning() {
        PausableScheduler held = new PausableScheduler();
        ComponentSpec<String, String> spec = recording("c").scheduler(held).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        assertThat(ref.state()).as("before its state is created").isEqualTo(ComponentState.STARTING);
        assertThat(snapshot(root, "c").ready()).as("ready while STARTING").isFalse();
        assertThat(root.readiness().ready()).isFalse();

        held.release();
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(snapshot(root, "c").ready()).as("ready while RUNNING").isTrue();

        ref.tell("slow");
        root.stopChild("c", Duration.ofSeconds(5)).subscribe();
        assertThat(ref.state()).as("finishing its message").isEqualTo(ComponentState.STOPPING);
        assertThat(snapshot(root, "c").ready()).as("ready while STOPPING").isFalse();
        assertThat(root.readiness().ready()).isFalse();

        advance(1000);
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(root.readiness().ready()).as("a stopped child does not count").isTrue();
    }

    // ------------------------------------------------------------------ Intensity

    /**
     * "A restart counts against the crashed child's limit and the supervisor's intensity": a group
     * restart is one restart, that of the crashed child, not one per member.
     */
    @Test
    void aGroupRestartCountsOnceAgainstTheIntensity() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .intensity(RestartLimit.of(1, Duration.ofMinutes(1)))
                .child(recording("a").build()).child(recording("b").build()).child(recording("c").build()));
        root.<String, String>ref("b").tell("boom");
        advance(1);
        assertThat(root.snapshot().countByState()).as("after one group restart of three children")
                .containsOnly(Map.entry(ComponentState.RUNNING, 3));

        root.<String, String>ref("b").tell("boom");
        advance(1);
        assertThat(root.<String, String>ref("b").state()).as("the second restart in a minute")
                .isEqualTo(ComponentState.FAILED);
    }

    // ------------------------------------------------------------------ Health checks

    /**
     * "A message that runs longer than {@code interval + 2 * timeout} always fails a check", whenever
     * it starts.
     */
    @Test
    void aMessageLongerThanIntervalPlusTwoTimeoutsAlwaysFailsACheck() {
        Duration interval = Duration.ofSeconds(10);
        Duration timeout = Duration.ofSeconds(3);
        Duration longest = interval.plus(timeout.multipliedBy(2)).plusMillis(1);
        for (long phase = 0; phase < 14_000; phase += 500) {
            events.clear();
            ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c" + phase)
                    .state(Object::new)
                    .handler((s, m) -> m.equals("long") ? Mono.delay(longest).thenReturn(m) : Mono.just(m))
                    .healthCheck(HealthCheck.every(interval).withTimeout(timeout).withUnhealthyAfter(5))
                    .build();
            Supervisor root = start(Supervisor.named("root" + phase).child(spec));
            advance(phase);
            root.ref(spec).tell("long");
            advance(longest);
            assertThat(events(SupervisionEvent.HealthCheckFailed.class))
                    .as("a message of %d ms that started %d ms after the component", longest.toMillis(), phase)
                    .isNotEmpty();
            root.shutdown(Duration.ofSeconds(1)).subscribe();
            advance(1000);
        }
    }

    // ------------------------------------------------------------------ Logs

    /**
     * "While a component's handler, state factory or {@code close()} runs ..., its path is in the
     * MDC under {@code component} ({@code Supervisor.MDC_COMPONENT})."
     */
    @Test
    void theComponentsPathIsInTheMdcWhileItsStateFactoryHandlerAndCloseRun() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, AutoCloseable>named("c")
                .state(() -> {
                    seen.add("factory:" + MDC.get(Supervisor.MDC_COMPONENT));
                    return () -> seen.add("close:" + MDC.get(Supervisor.MDC_COMPONENT));
                })
                .syncHandler((s, m) -> {
                    seen.add("handler:" + MDC.get(Supervisor.MDC_COMPONENT));
                    return m;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("api").child(spec)));
        StepVerifier.create(root.<String, String>ref("api/c").ask("m")).expectNext("m").verifyComplete();
        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).verifyComplete();

        assertThat(seen).containsExactly("factory:root/api/c", "handler:root/api/c", "close:root/api/c");
        assertThat(MDC.get(Supervisor.MDC_COMPONENT)).as("left on the thread afterwards").isNull();
    }

    // ------------------------------------------------------------------ Shutdown accepts nothing new

    /**
     * "{@code shutdown(deadline)} stops accepting messages, lets each component finish its current
     * message and drain its mailbox": a message sent while the tree drains is refused.
     */
    @Test
    void aShutdownRefusesNewMessagesAtOnceWhileItDrainsTheQueuedOnes() {
        Supervisor root = start(Supervisor.named("root").child(recording("a").build()));
        ComponentRef<String, String> a = root.ref("a");
        a.tell("slow");
        a.tell("queued");

        root.shutdown(Duration.ofSeconds(10)).subscribe();
        assertThat(a.tell("late")).as("a tell after shutdown() was called").isFalse();
        StepVerifier.create(a.ask("late ask")).expectError(ComponentUnavailableException.class).verify();
        advance(1000);

        assertThat(handled).containsExactly("a:slow", "a:done slow", "a:queued", "a:done queued");
    }

    // ------------------------------------------------------------------ Event delivery, on real threads

    /**
     * "Events are delivered in order by the tree's event hub, on a worker of
     * {@code Schedulers.boundedElastic()}, ... never on the thread that published them ... A
     * subscriber that blocks holds up the others, not the tree." On real schedulers.
     */
    @Test
    void eventsAreDeliveredOnABoundedElasticWorkerAndABlockedSubscriberDoesNotHoldUpTheTree() throws Exception {
        reactor.test.scheduler.VirtualTimeScheduler.reset();
        Supervisor root = Supervisor.named("root").child(recording("a").limit(RestartLimit.unlimited()).build())
                .intensity(RestartLimit.unlimited()).start();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        List<String> deliveryThreads = new CopyOnWriteArrayList<>();
        Disposable blocking = root.events().subscribe(e -> {
            deliveryThreads.add(Thread.currentThread().getName());
            blocked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(blocked.await(10, TimeUnit.SECONDS)).as("the subscriber got its first event").isTrue();
            ComponentRef<String, String> a = root.ref("a");
            for (int i = 0; i < 20; i++) {
                a.tell("boom");
                assertThat(a.ask("m" + i).block(Duration.ofSeconds(10))).as("while a subscriber blocks").isEqualTo("m" + i);
            }
            assertThat(((ComponentSnapshot) root.snapshot().child("a")).restarts()).isEqualTo(20);
        } finally {
            release.countDown();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
            blocking.dispose();
        }
        assertThat(deliveryThreads).isNotEmpty().allMatch(name -> name.startsWith("boundedElastic-"),
                "a boundedElastic worker");
    }

    // ------------------------------------------------------------------ Messages sent while the state is created

    /** Tags each task it runs with a number, over a {@link PausableScheduler}. */
    private static final class TaskTagging implements reactor.core.scheduler.Scheduler {
        static final ThreadLocal<Integer> TASK = new ThreadLocal<>();
        final PausableScheduler held = new PausableScheduler();
        final AtomicInteger tasks = new AtomicInteger();

        Runnable tag(Runnable task) {
            int id = tasks.incrementAndGet();
            return () -> {
                TASK.set(id);
                try {
                    task.run();
                } finally {
                    TASK.remove();
                }
            };
        }

        @Override
        public Disposable schedule(Runnable task) {
            return held.schedule(tag(task));
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            return held.schedule(tag(task), delay, unit);
        }

        @Override
        public Worker createWorker() {
            Worker w = held.createWorker();
            return new Worker() {
                @Override
                public Disposable schedule(Runnable task) {
                    return w.schedule(tag(task));
                }

                @Override
                public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                    return w.schedule(tag(task), delay, unit);
                }

                @Override
                public void dispose() {
                    w.dispose();
                }

                @Override
                public boolean isDisposed() {
                    return w.isDisposed();
                }
            };
        }
    }

    /**
     * "Messages that arrive while its state is being created are handled right after, by the
     * task that created it."
     */
    @Test
    void messagesSentWhileTheStateIsCreatedAreHandledByTheTaskThatCreatedIt() {
        TaskTagging scheduler = new TaskTagging();
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> seen.add("factory in task " + TaskTagging.TASK.get()))
                .syncHandler((st, m) -> {
                    seen.add(m + " in task " + TaskTagging.TASK.get());
                    return m;
                })
                .scheduler(scheduler)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        assertThat(ref.state()).isEqualTo(ComponentState.STARTING);
        ref.tell("a");
        ref.tell("b");
        ref.tell("c");

        scheduler.held.release();
        advance(1);
        assertThat(seen).hasSize(4);
        String task = seen.get(0).replace("factory", "");
        assertThat(seen).as("each line names the task it ran in")
                .containsExactly("factory" + task, "a" + task, "b" + task, "c" + task);
    }

    // ------------------------------------------------------------------ Defaults of policy and strategy

    /**
     * "{@code PERMANENT} (default) restarts after a crash and after a normal exit", and
     * "{@code ONE_FOR_ONE} (the default) the crashed child alone."
     */
    @Test
    void byDefaultAChildIsPermanentAndRestartedAlone() {
        List<String> starts = new CopyOnWriteArrayList<>();
        java.util.function.Function<String, ComponentSpec<String, String>> child = name -> {
            AtomicInteger n = new AtomicInteger();
            return ComponentSpec.<String, String, Object>named(name)
                    .state(() -> starts.add(name + "#" + n.incrementAndGet()))
                    .syncHandler((st, m) -> {
                        if (m.equals("exit")) {
                            throw new NormalExit();
                        }
                        throw new IllegalStateException("boom");
                    })
                    .build();
        };
        Supervisor root = start(Supervisor.named("root").child(child.apply("a")).child(child.apply("b"))
                .child(child.apply("c")));
        assertThat(root.snapshot().strategy()).isEqualTo(SupervisionStrategy.ONE_FOR_ONE);

        root.<String, String>ref("b").tell("exit");
        advance(1);
        root.<String, String>ref("b").tell("boom");
        advance(1);

        assertThat(starts).as("a normal exit and a crash of b").containsExactly("a#1", "b#1", "c#1", "b#2", "b#3");
        assertThat(root.snapshot().countByState()).containsOnly(Map.entry(ComponentState.RUNNING, 3));
    }

    /**
     * "Every interval (unless a check is under way) a check notes the message in progress ...
     * One check runs at a time": with a timeout longer than the interval, checks do not overlap.
     */
    @Test
    void oneHealthCheckRunsAtATimeWhenTheTimeoutIsLongerThanTheInterval() {
        ComponentSpec<String, String> spec = recording("c")
                .healthCheck(HealthCheck.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(5))
                        .withUnhealthyAfter(100))
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("hang");
        advance(Duration.ofSeconds(60));

        List<SupervisionEvent.HealthCheckFailed> failed = events(SupervisionEvent.HealthCheckFailed.class);
        assertThat(failed).as("failed checks in 60 s, each taking its 5 s timeout").hasSizeBetween(9, 12);
        for (int i = 1; i < failed.size(); i++) {
            assertThat(Duration.between(failed.get(i - 1).timestamp(), failed.get(i).timestamp()))
                    .as("between failures %d and %d", i, i + 1).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        }
        assertThat(failed).extracting(SupervisionEvent.HealthCheckFailed::consecutiveFailures)
                .as("counted one at a time").startsWith(1, 2, 3);
    }

    /**
     * "A sibling that crashes before the group starts joins it; one that crashes while the group
     * starts waits for it to be over": the group finishes starting, then restarts again for the
     * new crash, and nobody is stranded.
     */
    @Test
    void aSiblingThatCrashesWhileTheGroupStartsWaitsForTheStartToBeOver() {
        List<String> starts = new CopyOnWriteArrayList<>();
        PausableScheduler bScheduler = new PausableScheduler();
        bScheduler.release();
        java.util.function.BiFunction<String, reactor.core.scheduler.Scheduler, ComponentSpec<String, String>> child =
                (name, scheduler) -> {
                    AtomicInteger n = new AtomicInteger();
                    ComponentSpec.Builder<String, String, Object> b = ComponentSpec.<String, String, Object>named(name)
                            .state(() -> starts.add(name + "#" + n.incrementAndGet()))
                            .handler((st, m) -> m.equals("boom") ? Mono.error(new IllegalStateException(name))
                                    : Mono.just(name + ":" + m))
                            .restart(RestartStrategy.delayed(Duration.ofSeconds(1)));
                    return (scheduler == null ? b : b.scheduler(scheduler)).build();
                };
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(child.apply("a", null)).child(child.apply("b", bScheduler)).child(child.apply("c", null)));
        advance(1);
        assertThat(starts).containsExactly("a#1", "b#1", "c#1");

        root.<String, String>ref("c").tell("boom");
        advance(1);
        bScheduler.pause();
        advance(999); // the group starts: a, then b, whose start is held
        assertThat(starts).containsExactly("a#1", "b#1", "c#1", "a#2");

        root.<String, String>ref("a").tell("boom"); // a crashes while its group starts
        advance(1);
        assertThat(starts).as("the group start goes on").containsExactly("a#1", "b#1", "c#1", "a#2");
        bScheduler.release();
        advance(1);
        assertThat(starts).as("the group finished starting before a's crash restarted it")
                .startsWith("a#1", "b#1", "c#1", "a#2", "b#2", "c#2");
        advance(Duration.ofSeconds(5));

        assertThat(starts.subList(6, starts.size())).as("a's crash restarts its group once the start is over")
                .containsExactly("a#3", "b#3", "c#3");
        assertThat(root.snapshot().countByState()).containsOnly(Map.entry(ComponentState.RUNNING, 3));
        for (String name : List.of("a", "b", "c")) {
            StepVerifier.create(root.<String, String>ref(name).ask("x")).expectNext(name + ":x").verifyComplete();
        }
    }

    /**
     * "A refused one is published too ({@code MAILBOX_FULL}, or the reason the component does not
     * take messages)": a message to a stopped component is a {@code COMPONENT_STOPPED} dead letter.
     */
    @Test
    void aMessageRefusedByAStoppedComponentIsPublishedAsADeadLetter() {
        ComponentSpec<String, String> spec = recording("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.stopChild("c", Duration.ofSeconds(1))).verifyComplete();
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(ref.tell("refused")).isFalse();
        StepVerifier.create(ref.ask("refused-ask")).expectError(ComponentUnavailableException.class).verify();

        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("refused/COMPONENT_STOPPED", "refused-ask/COMPONENT_STOPPED");
        assertThat(snapshot(root, "c").deadLetters()).isEqualTo(2);
    }

    /**
     * "Whatever the spec, the library's limit, intensity and policy stay in charge": a user's
     * {@code RetryBackoffSpec} that would retry forever does not restart a temporary or transient
     * child that should not be, nor one past its supervisor's intensity.
     */
    @Test
    void aUsersRetrySpecLeavesThePolicyAndTheIntensityInCharge() {
        RestartStrategy forever = RestartStrategy.of(reactor.util.retry.Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(10)));
        ComponentSpec<String, String> temporary = ComponentTest.memo("temporary").restart(forever)
                .policy(RestartPolicy.TEMPORARY).build();
        ComponentSpec<String, String> transientChild = ComponentTest.memo("transient").restart(forever)
                .policy(RestartPolicy.TRANSIENT).build();
        ComponentSpec<String, String> permanent = ComponentTest.memo("permanent").restart(forever)
                .limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.of(1, Duration.ofMinutes(1)))
                .child(temporary).child(transientChild).child(permanent));

        root.ref(temporary).tell("boom");
        root.ref(transientChild).tell("exit");
        advance(1000);
        assertThat(events(SupervisionEvent.Removed.class, "root/temporary")).as("the temporary child").hasSize(1);
        assertThat(root.ref(transientChild).state()).as("the transient child after a normal exit")
                .isEqualTo(ComponentState.STOPPED);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();

        root.ref(permanent).tell("boom");
        advance(1000);
        assertThat(root.ref(permanent).state()).isEqualTo(ComponentState.RUNNING);
        root.ref(permanent).tell("boom");
        advance(1000);
        assertThat(root.ref(permanent).state()).as("past the supervisor's intensity").isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class, "root/permanent").get(0).cause())
                .isInstanceOf(RestartLimitExceededException.class);
    }

    /**
     * "Restart policy (per child, as OTP's child spec)" applies to a supervisor child too: a
     * temporary supervisor that escalates is removed from the tree, not restarted, and its name
     * can be used again.
     */
    @Test
    void aTemporarySupervisorThatEscalatesIsRemovedNotRestarted() {
        ComponentSpec<String, String> leaf = recording("leaf").limit(RestartLimit.of(0, Duration.ofMinutes(1))).build();
        Supervisor root = start(Supervisor.named("root")
                .child(Supervisor.named("mid").escalateOnFailure().policy(RestartPolicy.TEMPORARY).child(leaf))
                .child(recording("peer").build()));
        root.<String, String>ref("mid/leaf").tell("boom");
        advance(1);

        assertThat(events(SupervisionEvent.Escalated.class, "root/mid")).hasSize(1);
        assertThat(events(SupervisionEvent.Restarted.class, "root/mid")).isEmpty();
        assertThat(events(SupervisionEvent.Removed.class, "root/mid")).hasSize(1);
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("peer");
        assertThat(root.<String, String>ref("peer").state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(root.startChild(Supervisor.named("mid").child(recording("leaf").build()).build()))
                .verifyComplete();
    }
}
