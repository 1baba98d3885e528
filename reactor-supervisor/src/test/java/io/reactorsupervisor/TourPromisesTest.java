package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The promises of the README's "A tour of the API", "Compared with Erlang/OTP, Pekko and plain
 * Reactor" and "The demo" sections that no other test held to, each proved as a user would rely
 * on it, on virtual time. The examples themselves are compiled and run by the samples'
 * {@code ReadmeExamplesTest}.
 */
class TourPromisesTest extends VirtualTimeTest {

    private final Set<String> crashedOnce = ConcurrentHashMap.newKeySet();

    /**
     * The tour's {@code Ledger}: "crash..." always fails, "once..." fails the first time it is
     * charged, "bad..." is a bad order ({@link IllegalArgumentException}), "hang..." never
     * completes; anything else is charged.
     */
    final class Ledger {
        private int charged;

        Mono<String> charge(String order) {
            if (order.startsWith("crash") || order.startsWith("once") && crashedOnce.add(order)) {
                return Mono.error(new IllegalStateException("ledger down for " + order));
            }
            if (order.startsWith("bad")) {
                return Mono.error(new IllegalArgumentException("bad order " + order));
            }
            if (order.startsWith("hang")) {
                return Mono.never();
            }
            return Mono.just("receipt " + ++charged + " for " + order);
        }
    }

    /** The tour's "every option of a component" spec, as the README shows it. */
    private ComponentSpec<String, String> billing() {
        return ComponentSpec.<String, String, Ledger>named("billing")
                .state(Ledger::new)
                .handler((ledger, order) -> ledger.charge(order))
                .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0)
                        .withJitter(0.2)
                        .withResetAfter(Duration.ofMinutes(1)))
                .limit(RestartLimit.of(5, Duration.ofMinutes(1)))
                .policy(RestartPolicy.PERMANENT)
                .mailbox(Mailbox.bounded(1_000))
                .redeliveries(1)
                .healthCheck(HealthCheck.every(Duration.ofSeconds(10))
                        .withTimeout(Duration.ofSeconds(5))
                        .withUnhealthyAfter(3))
                .processingTimeout(Duration.ofSeconds(30))
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .readinessThreshold(0.8)
                .build();
    }

    private static ComponentSnapshot snapshot(Supervisor root, String path) {
        return (ComponentSnapshot) root.snapshot().child(path);
    }

    /** How long each restart of {@code path} waited: from its Restarting event to its Restarted one. */
    private List<Long> waitsInMillis(String path) {
        List<SupervisionEvent.Restarting> restarting = events(SupervisionEvent.Restarting.class, path);
        List<SupervisionEvent.Restarted> restarted = events(SupervisionEvent.Restarted.class, path);
        assertThat(restarted).hasSameSizeAs(restarting);
        return IntStream.range(0, restarting.size())
                .mapToObj(i -> Duration.between(restarting.get(i).timestamp(), restarted.get(i).timestamp()).toMillis())
                .collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ every option of a component

    /**
     * The tour's billing spec: {@code exponentialBackoff(100 ms, 10 s, 2.0).withJitter(0.2)}
     * ("spread restarts that coincide"), {@code redeliveries(1)} ("the message that crashed it:
     * once more") and {@code limit(RestartLimit.of(5, Duration.ofMinutes(1)))} ("the 6th restart
     * within 1 min: FAILED"), together: each wait is its nominal delay spread by at most 20 %
     * (never below {@code initial}), each crashing message is tried twice and then dead-lettered
     * with its cause, and the crash that would need a sixth restart fails the component.
     */
    @Test
    void theTourBillingSpecBacksOffWithinItsJitterRedeliversOnceAndFailsAtTheSixthRestartWithinAMinute() {
        ComponentSpec<String, String> billing = billing();
        Supervisor root = start(Supervisor.named("root").child(billing));
        ComponentRef<String, String> ref = root.ref(billing);

        for (String poison : List.of("crash1", "crash2", "crash3")) {
            assertThat(ref.tell(poison)).isTrue();
            advance(Duration.ofSeconds(5));
        }

        List<SupervisionEvent.Restarting> restarting = events(SupervisionEvent.Restarting.class, "root/billing");
        assertThat(restarting).extracting(SupervisionEvent.Restarting::attempt).containsExactly(1L, 2L, 3L, 4L, 5L);
        List<Long> waits = waitsInMillis("root/billing");
        assertThat(waits).hasSize(5);
        long[][] bounds = {{100, 120}, {160, 240}, {320, 480}, {640, 960}, {1280, 1920}};
        for (int i = 0; i < 5; i++) {
            assertThat(waits.get(i)).as("restart %d's wait", i + 1).isBetween(bounds[i][0], bounds[i][1]);
        }
        assertThat(events(SupervisionEvent.Crashed.class, "root/billing")).extracting(c -> c.message())
                .containsExactly("crash1", "crash1", "crash2", "crash2", "crash3", "crash3");
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class, "root/billing")).singleElement()
                .satisfies(f -> assertThat(f.cause()).isInstanceOf(RestartLimitExceededException.class)
                        .hasMessageStartingWith("'root/billing' reached its restart limit: 5 restarts within 1 min"));
        assertThat(ref.tell("late")).isFalse();
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/billing"))
                .extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("crash1/CRASHED", "crash2/CRASHED", "crash3/CRASHED", "late/COMPONENT_FAILED");
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/billing").subList(0, 3))
                .extracting(d -> d.cause().getMessage())
                .containsExactly("ledger down for crash1", "ledger down for crash2", "ledger down for crash3");
        assertThat(snapshot(root, "billing").restarts()).isEqualTo(5);
    }

    /**
     * The tour's billing spec: {@code withResetAfter(Duration.ofMinutes(1))}, "start the backoff
     * over after 1 min up": an incarnation that has run longer than the 10 s maximum, but less
     * than a minute, keeps the sequence going; one that has run a minute starts it over. And
     * {@code redeliveries(1)}: a message that crashed it once is handled by the next incarnation,
     * and its ask gets the reply.
     */
    @Test
    void theTourBillingSpecStartsItsBackoffOverAfterOneMinuteUpNotAfterItsTenSecondMaximum() {
        ComponentSpec<String, String> billing = billing();
        Supervisor root = start(Supervisor.named("root").child(billing));
        ComponentRef<String, String> ref = root.ref(billing);

        StepVerifier.create(ref.ask("once1"))
                .then(() -> advance(120))
                .expectNext("receipt 1 for once1")
                .verifyComplete();
        advance(Duration.ofSeconds(30));
        StepVerifier.create(ref.ask("once2"))
                .then(() -> advance(240))
                .expectNext("receipt 1 for once2")
                .verifyComplete();
        advance(Duration.ofSeconds(60));
        StepVerifier.create(ref.ask("once3"))
                .then(() -> advance(120))
                .expectNext("receipt 1 for once3")
                .verifyComplete();

        assertThat(events(SupervisionEvent.Restarting.class, "root/billing"))
                .extracting(SupervisionEvent.Restarting::attempt)
                .as("30 s up, past the 10 s maximum, keeps the sequence; 60 s up starts it over")
                .containsExactly(1L, 2L, 1L);
        List<Long> waits = waitsInMillis("root/billing");
        assertThat(waits.get(0)).isBetween(100L, 120L);
        assertThat(waits.get(1)).isBetween(160L, 240L);
        assertThat(waits.get(2)).isBetween(100L, 120L);
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    /**
     * The tour's billing spec: {@code mailbox(Mailbox.bounded(1_000))} with
     * {@code readinessThreshold(0.8)}, "not ready above 800 waiting": ready with 800 orders
     * waiting behind the one in progress, not ready with 801, and the 1,001st waiting order is
     * refused ("full: refused and dead-lettered").
     */
    @Test
    void theTourBillingSpecIsNotReadyAbove800WaitingAndRefusesThe1001st() {
        ComponentSpec<String, String> billing = billing();
        Supervisor root = start(Supervisor.named("root").child(billing));
        ComponentRef<String, String> ref = root.ref(billing);
        ref.tell("hang");
        for (int i = 1; i <= 800; i++) {
            assertThat(ref.tell("order" + i)).isTrue();
        }
        assertThat(root.readiness().ready()).as("800 waiting").isTrue();

        ref.tell("order801");
        assertThat(root.readiness().notReady())
                .containsExactly(Map.entry("root/billing", "mailbox above its readiness threshold (801 waiting)"));
        for (int i = 802; i <= 1_000; i++) {
            assertThat(ref.tell("order" + i)).isTrue();
        }
        assertThat(ref.tell("order1001")).isFalse();
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/billing"))
                .extracting(d -> d.message() + "/" + d.reason()).containsExactly("order1001/MAILBOX_FULL");
    }

    /**
     * The tour's billing spec: {@code processingTimeout(Duration.ofSeconds(30))}, "one message
     * taking longer: a crash", beside its health check (every 10 s, "one message in progress
     * longer [than 5 s]: a failure", "3 failed checks in a row: restarted as hung"): an order
     * that never completes fails the checks that start while it runs and crashes the component
     * at 30 s, before a third failed check; it is redelivered once, then dead-lettered.
     */
    @Test
    void theTourBillingSpecCrashesAnOrderPastThirtySecondsBeforeItsHealthCheckGivesUp() {
        ComponentSpec<String, String> billing = billing();
        Supervisor root = start(Supervisor.named("root").child(billing));
        ComponentRef<String, String> ref = root.ref(billing);
        Mono<String> hung = ref.ask("hang").cache();
        hung.subscribe(r -> { }, e -> { });

        advance(Duration.ofMillis(29_999));
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
        assertThat(events(SupervisionEvent.HealthCheckFailed.class, "root/billing"))
                .extracting(SupervisionEvent.HealthCheckFailed::consecutiveFailures).containsExactly(1, 2);
        advance(1);
        assertThat(events(SupervisionEvent.Crashed.class, "root/billing")).singleElement()
                .satisfies(c -> assertThat(c.cause()).isInstanceOf(TimeoutException.class)
                        .hasMessage("handler of 'root/billing' took longer than its processing timeout 30 s"));

        advance(Duration.ofSeconds(31));
        assertThat(events(SupervisionEvent.Crashed.class, "root/billing")).hasSize(2)
                .allSatisfy(c -> assertThat(c.cause()).isInstanceOf(TimeoutException.class));
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/billing"))
                .extracting(d -> d.message() + "/" + d.reason()).containsExactly("hang/CRASHED");
        StepVerifier.create(hung).expectError(MessageCrashedException.class).verify();
        StepVerifier.create(ref.ask("order")).expectNext("receipt 1 for order").verifyComplete();
    }

    // ------------------------------------------------------------------ the tree of the tour

    private static ComponentSpec<String, String> memo(String name) {
        return ComponentTest.memo(name).build();
    }

    /** The tour's tree: database, then api (REST_FOR_ONE, escalating) with parser and router. */
    private SupervisorSpec.Builder tourTree(ComponentSpec<String, String> database, ComponentSpec<String, String> parser,
            ComponentSpec<String, String> router) {
        return Supervisor.named("root")
                .strategy(SupervisionStrategy.ONE_FOR_ONE)
                .intensity(RestartLimit.of(10, Duration.ofMinutes(1)))
                .child(database)
                .child(Supervisor.named("api")
                        .strategy(SupervisionStrategy.REST_FOR_ONE)
                        .escalateOnFailure()
                        .child(parser)
                        .child(router));
    }

    /**
     * The tree the tour prints ("which prints, once the children have started ... and before
     * parser's restart"), line for line: the names, kinds, strategies, states and counters, with {@code cache}, "a child added at
     * runtime", last; and its uptimes as {@code render()} writes durations ("4.54 ms", not
     * ISO-8601).
     */
    @Test
    void theTourTreeRendersAsTheReadmePrintsIt() throws IOException {
        Supervisor root = start(tourTree(memo("database"), memo("parser"), memo("router")));
        root.startChild(memo("cache"));
        advance(1);

        List<String> printed = printedTree();
        Pattern uptime = Pattern.compile(" uptime=(.*)$");
        for (String line : printed) {
            Matcher m = uptime.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            assertThat(m.group(1)).as("an uptime as render() writes it, in %s", line)
                    .matches("\\d+(\\.\\d{1,3})? (ns|µs|ms|s)");
        }
        List<String> expected = printed.stream().map(l -> uptime.matcher(l).replaceFirst(" uptime=1 ms"))
                .collect(Collectors.toList());
        assertThat(root.snapshot().render().split("\n")).containsExactlyElementsOf(expected);
    }

    private static List<String> printedTree() throws IOException {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("and before parser's restart:\\n\\n```\\n(.*?)```\\n", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("the README prints the tour's tree").isTrue();
        return List.of(m.group(1).split("\n"));
    }

    /**
     * "{@code root.startChild(cache); // a child added at runtime, started last}", with "children
     * started in order and stopped in reverse" (as OTP): the runtime child starts after the
     * declared ones and is the first to stop at a shutdown.
     */
    @Test
    void aChildAddedAtRuntimeIsStartedLastAndStoppedFirst() {
        Supervisor root = start(tourTree(memo("database"), memo("parser"), memo("router")));
        root.startChild(memo("cache"));
        advance(1);

        StepVerifier.create(root.shutdown(Duration.ofSeconds(5))).then(() -> advance(1)).verifyComplete();

        Set<String> components = Set.of("root/database", "root/api/parser", "root/api/router", "root/cache");
        assertThat(events(SupervisionEvent.Started.class)).extracting(SupervisionEvent::path)
                .filteredOn(components::contains)
                .containsExactly("root/database", "root/api/parser", "root/api/router", "root/cache");
        assertThat(events(SupervisionEvent.Stopped.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/cache", "root/api/router", "root/api/parser", "root/api", "root/database",
                        "root");
    }

    /**
     * "{@code root.supervisor("api").restartChild("parser"); // a fresh incarnation of parser,
     * soon}": parser starts over with a fresh state and one more restart, while router, started
     * after it under REST_FOR_ONE, keeps its incarnation, as the tour's tree shows it afterwards.
     */
    @Test
    void restartChildGivesParserAFreshIncarnationAndLeavesRouterAlone() {
        Supervisor root = start(tourTree(memo("database"), memo("parser"), memo("router")));
        ComponentRef<String, String> parser = root.ref("api/parser");
        ComponentRef<String, String> router = root.ref("api/router");
        StepVerifier.create(parser.ask("p1")).expectNext("1:p1").verifyComplete();
        StepVerifier.create(router.ask("r1")).expectNext("1:r1").verifyComplete();

        root.supervisor("api").restartChild("parser");
        advance(1);

        StepVerifier.create(parser.ask("p2")).expectNext("1:p2").verifyComplete();
        StepVerifier.create(router.ask("r2")).expectNext("2:r2").verifyComplete();
        assertThat(snapshot(root, "api/parser").restarts()).isEqualTo(1);
        assertThat(snapshot(root, "api/router").restarts()).isZero();
    }

    // ------------------------------------------------------------------ the demo's accounting

    /**
     * The demo: "'Sent' counts every {@code tell} and {@code ask}, including a message a mailbox
     * refuses (full, or the component has failed): the library publishes a refused message as a
     * dead letter at once, so the check is {@code sent == handled + dead-lettered} for every
     * component", and the library's snapshot agrees; and "{@code restartChild("pricing")} brings
     * pricing back" after it gave up, as one more restart ("restarted (restart #4), by
     * restartChild").
     */
    @Test
    void everyMessageSentIsHandledOrDeadLetteredAndTheSnapshotCountsRefusalsToo() {
        List<String> sentMessages = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> pricing = ComponentSpec.<String, String, Object>named("pricing")
                .state(Object::new)
                .handler((s, m) -> m.startsWith("boom") ? Mono.error(new IllegalStateException(m))
                        : m.startsWith("bad") ? Mono.error(new IllegalArgumentException(m))
                        : Mono.delay(Duration.ofMillis(100)).thenReturn(m))
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .mailbox(Mailbox.bounded(3))
                .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("shop").child(pricing));
        ComponentRef<String, String> ref = root.ref(pricing);
        Consumer<String> send = m -> {
            sentMessages.add(m);
            if (sentMessages.size() % 2 == 0) {
                ref.ask(m).subscribe(r -> { }, e -> { });
            } else {
                ref.tell(m);
            }
        };

        for (String m : List.of("a", "b", "c", "d", "full1", "full2")) {
            send.accept(m);
        }
        advance(1000);
        send.accept("bad");
        send.accept("boom1");
        advance(1000);
        for (String m : List.of("boom2", "queued1", "queued2")) {
            send.accept(m);
        }
        advance(1000);
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        send.accept("refused1");
        send.accept("refused2");
        root.restartChild("pricing");
        advance(1);
        send.accept("e");
        send.accept("f");
        advance(1000);

        ComponentSnapshot snapshot = snapshot(root, "pricing");
        List<SupervisionEvent.DeadLetter> dead = events(SupervisionEvent.DeadLetter.class, "shop/pricing");
        assertThat(dead).extracting(d -> d.message() + "/" + d.reason()).containsExactlyInAnyOrder(
                "full1/MAILBOX_FULL", "full2/MAILBOX_FULL", "bad/REJECTED", "boom1/CRASHED", "boom2/CRASHED",
                "queued1/COMPONENT_FAILED", "queued2/COMPONENT_FAILED", "refused1/COMPONENT_FAILED",
                "refused2/COMPONENT_FAILED");
        assertThat(snapshot.handled()).isEqualTo(6);
        assertThat(snapshot.deadLetters()).isEqualTo(dead.size());
        assertThat(snapshot.handled() + snapshot.deadLetters()).isEqualTo(sentMessages.size());
        assertThat(snapshot.mailboxDepth()).isZero();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Restarted.class, "shop/pricing"))
                .extracting(SupervisionEvent.Restarted::restarts).as("restartChild counts as a restart")
                .containsExactly(1L, 2L);
        assertThat(snapshot.restarts()).isEqualTo(2);
    }
}
