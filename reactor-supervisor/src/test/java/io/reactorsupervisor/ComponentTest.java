package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** One component under a one-for-one supervisor, on virtual time. */
class ComponentTest extends VirtualTimeTest {

    /** The private state of a test component: what this incarnation saw. */
    static final class Memo {
        static final AtomicInteger CREATED = new AtomicInteger();
        final int incarnation = CREATED.incrementAndGet();
        final List<String> seen = new ArrayList<>();
    }

    /** Replies "incarnation:count:message"; "boom" throws, "exit" exits normally. */
    static ComponentSpec.Builder<String, String, Memo> memo(String name) {
        return ComponentSpec.<String, String, Memo>named(name)
                .state(Memo::new)
                .syncHandler((memo, m) -> {
                    if (m.startsWith("boom")) {
                        throw new IllegalStateException(m);
                    }
                    if (m.equals("exit")) {
                        throw new NormalExit();
                    }
                    memo.seen.add(m);
                    return memo.seen.size() + ":" + m;
                });
    }

    @Test
    void handlesMessagesInMailboxOrderAndReplies() {
        ComponentSpec<String, String> spec = memo("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(ref.tell("a")).isTrue();
        assertThat(ref.tell("b")).isTrue();
        StepVerifier.create(ref.ask("c")).expectNext("3:c").verifyComplete();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(ref.path()).isEqualTo("root/c");
    }

    @Test
    void anAsyncHandlerTakesTheNextMessageOnlyWhenItsMonoHasTerminated() {
        List<String> started = new ArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("slow")
                .state(Object::new)
                .handler((s, m) -> {
                    started.add(m);
                    return Mono.delay(Duration.ofSeconds(1)).thenReturn(m.toUpperCase());
                })
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("a");
        ref.tell("b");
        Mono<String> c = ref.ask("c");
        StepVerifier.create(c)
                .then(() -> assertThat(started).containsExactly("a"))
                .then(() -> advance(1000))
                .then(() -> assertThat(started).containsExactly("a", "b"))
                .then(() -> advance(1000))
                .then(() -> assertThat(started).containsExactly("a", "b", "c"))
                .then(() -> advance(1000))
                .expectNext("C")
                .verifyComplete();
    }

    @Test
    void aRestartGivesFreshStateAndKeepsQueuedMessagesInOrder() {
        ComponentSpec<String, String> spec = memo("c").restart(RestartStrategy.delayed(Duration.ofSeconds(1))).build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        ref.tell("boom");
        ref.tell("b");
        ref.tell("c");
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(ref.mailboxDepth()).isEqualTo(2);
        advance(999);
        assertThat(ref.mailboxDepth()).isEqualTo(2);
        Mono<String> d = ref.ask("d");
        advance(1);
        // fresh state: the count starts over, the queued messages come first and in order
        StepVerifier.create(d).expectNext("3:d").verifyComplete();
        assertThat(kinds("root/c")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting", "Restarted");
        assertThat(ref.mailboxDepth()).isZero();
    }

    @Test
    void theMessageThatCrashedIsADeadLetterWithItsCause() {
        ComponentSpec<String, String> spec = memo("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("boom!");
        SupervisionEvent.DeadLetter dead = events(SupervisionEvent.DeadLetter.class).get(0);
        assertThat(dead.message()).isEqualTo("boom!");
        assertThat(dead.reason()).isEqualTo(DeadLetterReason.CRASHED);
        assertThat(dead.cause()).isInstanceOf(IllegalStateException.class).hasMessage("boom!");
        SupervisionEvent.Crashed crashed = events(SupervisionEvent.Crashed.class).get(0);
        assertThat(crashed.message()).isEqualTo("boom!");
        assertThat(crashed.cause()).hasMessage("boom!");
    }

    @Test
    void anAskWhoseMessageCrashedFailsWithTheCause() {
        ComponentSpec<String, String> spec = memo("c").build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("boom"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .hasMessage("Message crashed component 'root/c': java.lang.IllegalStateException: boom")
                        .cause().isInstanceOf(IllegalStateException.class).hasMessage("boom"))
                .verify();
        StepVerifier.create(ref.ask("after")).expectNext("1:after").verifyComplete();
    }

    @Test
    void theMessageThatCrashedIsRedeliveredUpToTheConfiguredCount() {
        AtomicInteger deliveries = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Memo>named("c")
                .state(Memo::new)
                .syncHandler((memo, m) -> {
                    if (m.equals("poison")) {
                        deliveries.incrementAndGet();
                        throw new IllegalStateException("poison");
                    }
                    return memo.incarnation + ":" + m;
                })
                .redeliveries(2)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("poison")).expectError(MessageCrashedException.class).verify();
        assertThat(deliveries).hasValue(3); // the first delivery and two more
        assertThat(events(SupervisionEvent.Crashed.class)).hasSize(3);
        assertThat(events(SupervisionEvent.DeadLetter.class)).hasSize(1);
    }

    @Test
    void aRedeliveredMessageThatSucceedsIsRepliedTo() {
        AtomicInteger deliveries = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Memo>named("c")
                .state(Memo::new)
                .syncHandler((memo, m) -> {
                    if (deliveries.incrementAndGet() == 1) {
                        throw new IllegalStateException("first time");
                    }
                    return "ok:" + m;
                })
                .redeliveries(1)
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("m")).expectNext("ok:m").verifyComplete();
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    @Test
    void aHandlerThatReturnsAnErrorOrNullCrashes() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> m.equals("null") ? null : Mono.error(new IllegalArgumentException(m)))
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("err"))
                .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class))
                .verify();
        StepVerifier.create(ref.ask("null"))
                .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(NullPointerException.class)
                        .hasMessage("handler of 'root/c' returned null instead of a Mono"))
                .verify();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(2);
    }

    @Test
    void aClosableStateIsClosedWhenItsIncarnationEnds() {
        List<Integer> closed = new ArrayList<>();
        AtomicInteger created = new AtomicInteger();
        final class Resource implements AutoCloseable {
            final int id = created.incrementAndGet();

            @Override
            public void close() {
                closed.add(id);
            }
        }
        ComponentSpec<String, Integer> spec = ComponentSpec.<String, Integer, Resource>named("c")
                .state(Resource::new)
                .syncHandler((r, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return r.id;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, Integer> ref = root.ref(spec);
        ref.tell("boom");
        assertThat(closed).containsExactly(1);
        StepVerifier.create(ref.ask("id")).expectNext(2).verifyComplete();
        StepVerifier.create(root.shutdown(Duration.ofSeconds(1))).verifyComplete();
        assertThat(closed).containsExactly(1, 2);
    }

    @Test
    void aSyncHandlerReturningNullRepliesEmpty() {
        ComponentSpec<String, Void> spec = ComponentSpec.<String, Void, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> null)
                .build();
        ComponentRef<String, Void> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        StepVerifier.create(ref.ask("x")).verifyComplete();
    }

    @Test
    void aStateFactoryThatThrowsIsACrashOfTheNewIncarnation() {
        AtomicInteger calls = new AtomicInteger();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(() -> {
                    if (calls.incrementAndGet() == 2) {
                        throw new IllegalStateException("no state today");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return m;
                })
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        ref.tell("boom"); // restart 1: the factory throws; restart 2 works
        StepVerifier.create(ref.ask("after")).expectNext("after").verifyComplete();
        assertThat(calls).hasValue(3);
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(e -> e.cause().getMessage())
                .containsExactly("boom", "no state today");
    }

    @Test
    void reachingTheLimitFailsTheComponentDeadLettersItsQueueAndSparesItsSibling() {
        ComponentSpec<String, String> flaky = memo("flaky")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .build();
        ComponentSpec<String, String> sibling = memo("sibling").build();
        Supervisor root = start(Supervisor.named("root").child(flaky).child(sibling));
        ComponentRef<String, String> ref = root.ref(flaky);
        ComponentRef<String, String> other = root.ref(sibling);
        other.tell("s1");

        ref.tell("boom1");
        advance(1000);
        ref.tell("boom2");
        advance(1000);
        ref.tell("boom3"); // third crash: a third restart would exceed 2 per minute
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);

        // refused afterwards, with a dead letter
        assertThat(ref.tell("late")).isFalse();
        StepVerifier.create(ref.ask("late-ask"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasMessageStartingWith("Component 'root/flaky' is FAILED and does not accept messages"))
                .verify();
        SupervisionEvent.Failed failed = events(SupervisionEvent.Failed.class, "root/flaky").get(0);
        assertThat(failed.cause()).isInstanceOf(RestartLimitExceededException.class)
                .hasMessage("'root/flaky' reached its restart limit: 2 restarts within 1 min; last crash: "
                        + "java.lang.IllegalStateException: boom3");
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/flaky")).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("boom1/CRASHED", "boom2/CRASHED", "boom3/CRASHED", "late/COMPONENT_FAILED",
                        "late-ask/COMPONENT_FAILED");
        // the sibling goes on with its state
        StepVerifier.create(other.ask("s2")).expectNext("2:s2").verifyComplete();
        assertThat(root.snapshot().countByState()).containsEntry(ComponentState.FAILED, 1)
                .containsEntry(ComponentState.RUNNING, 1);
    }

    @Test
    void messagesQueuedWhenTheLimitIsReachedBecomeDeadLettersAndTheirAsksFail() {
        ComponentSpec<String, String> flaky = memo("flaky")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(flaky)).ref(flaky);
        ref.tell("boom1");
        ref.tell("boom2"); // waits for the restart, then crashes it for good
        ref.tell("queued");
        Mono<String> pending = ref.ask("pending").cache();
        pending.subscribe(v -> { }, e -> { });
        advance(1000);
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        StepVerifier.create(pending)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ComponentUnavailableException.class)
                        .hasCauseInstanceOf(RestartLimitExceededException.class))
                .verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("boom1/CRASHED", "boom2/CRASHED", "queued/COMPONENT_FAILED",
                        "pending/COMPONENT_FAILED");
        assertThat(ref.mailboxDepth()).isZero();
    }

    @Test
    void aFullMailboxRefusesTheMessageAndPublishesItAsADeadLetter() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn(m))
                .mailbox(Mailbox.bounded(2))
                .build();
        ComponentRef<String, String> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        assertThat(ref.tell("in-flight")).isTrue();
        assertThat(ref.tell("q1")).isTrue();
        assertThat(ref.tell("q2")).isTrue();
        assertThat(ref.tell("refused")).isFalse();
        StepVerifier.create(ref.ask("refused-ask"))
                .expectErrorMessage("Mailbox of component 'root/c' is full (capacity 2)")
                .verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("refused/MAILBOX_FULL", "refused-ask/MAILBOX_FULL");
        advance(3000);
        assertThat(root().snapshot().child("c")).isInstanceOfSatisfying(ComponentSnapshot.class,
                c -> assertThat(c.handled()).isEqualTo(3));
    }

    private Supervisor root;

    @Override
    protected Supervisor start(SupervisorSpec.Builder spec) {
        root = super.start(spec);
        return root;
    }

    private Supervisor root() {
        return root;
    }
}
