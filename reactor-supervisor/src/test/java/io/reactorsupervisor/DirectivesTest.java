package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Failure directives per type of failure, and for a message past its processing timeout, on virtual time. */
class DirectivesTest extends VirtualTimeTest {

    static final class InvalidOrder extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidOrder(String message) {
            super(message);
        }
    }

    /** Counts what it handled in its state; "invalid" throws InvalidOrder, "broken" IllegalStateException, "assert" an AssertionError. */
    private static ComponentSpec.Builder<String, String, int[]> counter(String name) {
        return ComponentSpec.<String, String, int[]>named(name)
                .state(() -> new int[1])
                .syncHandler((count, m) -> {
                    switch (m) {
                        case "invalid":
                            throw new InvalidOrder("cannot parse '" + m + "'");
                        case "broken":
                            throw new IllegalStateException("broken");
                        case "assert":
                            throw new AssertionError("asserted");
                        default:
                            return ++count[0] + ":" + m;
                    }
                });
    }

    private static ComponentSnapshot snapshot(Supervisor root, String name) {
        return (ComponentSnapshot) root.snapshot().child(name);
    }

    @Test
    void resumeRejectsTheMessageAndKeepsTheState() {
        ComponentSpec<String, String> spec = counter("c")
                .onFailure(InvalidOrder.class, Directive.RESUME)
                .limit(RestartLimit.of(0, Duration.ofMinutes(1))) // any restart would make it FAILED
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        for (int i = 0; i < 100; i++) {
            StepVerifier.create(ref.ask("invalid"))
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(InvalidOrder.class)
                            .hasMessage("cannot parse 'invalid'"))
                    .verify();
        }
        StepVerifier.create(ref.ask("b")).expectNext("2:b").verifyComplete(); // the same state

        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        ComponentSnapshot c = snapshot(root, "c");
        assertThat(c.restarts()).isZero();
        assertThat(c.lastDirective()).isEqualTo(Directive.RESUME);
        assertThat(c.deadLetters()).isEqualTo(100);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
        SupervisionEvent.DeadLetter dead = events(SupervisionEvent.DeadLetter.class).get(0);
        assertThat(dead.reason()).isEqualTo(DeadLetterReason.REJECTED);
        assertThat(dead.message()).isEqualTo("invalid");
        assertThat(dead.cause()).isInstanceOf(InvalidOrder.class);
        SupervisionEvent.Crashed crashed = events(SupervisionEvent.Crashed.class).get(0);
        assertThat(crashed.directive()).isEqualTo(Directive.RESUME);
        assertThat(crashed.message()).isEqualTo("invalid");
        assertThat(kinds("root/c").subList(0, 3)).containsExactly("Started", "Crashed", "DeadLetter");
    }

    @Test
    void resumeAppliesToAnAsynchronousHandlersError() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, int[]>named("c")
                .state(() -> new int[1])
                .handler((count, m) -> m.equals("invalid")
                        ? Mono.delay(Duration.ofSeconds(1)).then(Mono.error(new InvalidOrder("late")))
                        : Mono.just(++count[0] + ":" + m))
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("a");
        Mono<String> rejected = ref.ask("invalid").cache();
        rejected.subscribe(v -> { }, e -> { });
        advance(Duration.ofSeconds(1));
        StepVerifier.create(rejected).expectErrorMessage("late").verify();
        StepVerifier.create(ref.ask("b")).expectNext("2:b").verifyComplete();
        assertThat(snapshot(root, "c").restarts()).isZero();
    }

    @Test
    void rulesMatchInDeclarationOrderAndTheDefaultRestarts() {
        ComponentSpec<String, String> spec = counter("c")
                .onFailure(InvalidOrder.class, Directive.RESUME)
                .onFailure(RuntimeException.class, Directive.STOP)
                .onFailure(AssertionError.class, Directive.RESUME)
                .build();
        assertThat(spec.directiveFor(new InvalidOrder("x"))).isEqualTo(Directive.RESUME);
        assertThat(spec.directiveFor(new IllegalArgumentException("x"))).isEqualTo(Directive.STOP);
        assertThat(spec.directiveFor(new IllegalStateException("x"))).isEqualTo(Directive.STOP);
        assertThat(spec.directiveFor(new AssertionError("x"))).isEqualTo(Directive.RESUME);
        assertThat(spec.directiveFor(new Exception("checked"))).isEqualTo(Directive.RESTART);
        assertThat(spec.directiveFor(new OutOfMemoryError("x"))).isEqualTo(Directive.RESTART);
        assertThat(counter("d").build().directiveFor(new InvalidOrder("x"))).isEqualTo(Directive.RESTART);

        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("a");
        StepVerifier.create(ref.ask("assert")).expectError(AssertionError.class).verify(); // an Error, resumed
        StepVerifier.create(ref.ask("b")).expectNext("2:b").verifyComplete();
    }

    @Test
    void aRuleThatCouldNeverApplyIsRefusedWhenGiven() {
        assertThatThrownBy(() -> counter("c").onFailure(RuntimeException.class, Directive.STOP)
                .onFailure(InvalidOrder.class, Directive.RESUME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("onFailure(" + InvalidOrder.class.getName() + ") would never apply: the earlier "
                        + "onFailure(java.lang.RuntimeException) matches it first; declare the most specific type first");
        assertThatThrownBy(() -> counter("c").onFailure(InvalidOrder.class, Directive.STOP)
                .onFailure(InvalidOrder.class, Directive.RESUME))
                .hasMessage("onFailure(" + InvalidOrder.class.getName() + ") would never apply: it is declared twice; "
                        + "declare the most specific type first");
        assertThatThrownBy(() -> counter("c").onFailure(null, Directive.STOP)).isInstanceOf(NullPointerException.class)
                .hasMessage("type");
        assertThatThrownBy(() -> counter("c").onFailure(InvalidOrder.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("directive");
        assertThatThrownBy(() -> counter("c").processingTimeout(Duration.ofSeconds(1), null))
                .isInstanceOf(NullPointerException.class).hasMessage("directive");
        assertThatThrownBy(() -> counter("c").processingTimeout(Duration.ofSeconds(1), Directive.RESUME).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("processingTimeout with Directive.RESUME needs an asynchronous handler");
    }

    @Test
    void stopEndsTheComponentWhateverItsPolicy() {
        ComponentSpec<String, String> spec = counter("c")
                .onFailure(IllegalStateException.class, Directive.STOP)
                .policy(RestartPolicy.PERMANENT)
                .redeliveries(3) // a stop does not redeliver
                .build();
        ComponentSpec<String, String> sibling = counter("sibling").build();
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(spec).child(sibling));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> broken = ref.ask("broken").cache();
        Mono<String> queued = ref.ask("queued").cache();
        broken.subscribe(v -> { }, e -> { });
        queued.subscribe(v -> { }, e -> { });
        advance(1);

        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        StepVerifier.create(broken).expectError(MessageCrashedException.class).verify();
        StepVerifier.create(queued).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(ComponentUnavailableException.class)).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(SupervisionEvent.DeadLetter::reason)
                .containsExactly(DeadLetterReason.CRASHED, DeadLetterReason.COMPONENT_STOPPED);
        assertThat(events(SupervisionEvent.Crashed.class).get(0).directive()).isEqualTo(Directive.STOP);
        assertThat(kinds("root/c")).containsExactly("Started", "Crashed", "DeadLetter", "Stopped", "DeadLetter");
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty(); // nor its group, under one-for-all
        assertThat(root.ref(sibling).state()).isEqualTo(ComponentState.RUNNING);
        assertThat(snapshot(root, "c").lastDirective()).isEqualTo(Directive.STOP);
    }

    @Test
    void aComponentStoppedByItsDirectiveCanBeRestartedByHand() {
        ComponentSpec<String, String> spec = counter("c").onFailure(IllegalStateException.class, Directive.STOP).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("a");
        ref.tell("broken");
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        StepVerifier.create(root.restartChild("c")).verifyComplete();
        StepVerifier.create(ref.ask("b")).expectNext("1:b").verifyComplete(); // a fresh state
    }

    @Test
    void aRejectionWhileStoppingLetsTheStopDrainTheRest() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, int[]>named("c")
                .state(() -> new int[1])
                .handler((count, m) -> Mono.delay(Duration.ofSeconds(1)).then(m.equals("invalid")
                        ? Mono.error(new InvalidOrder(m)) : Mono.just(++count[0] + ":" + m)))
                .onFailure(InvalidOrder.class, Directive.RESUME)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("a");
        ref.tell("invalid");
        ref.tell("b");
        Mono<Void> stop = root.stopChild("c", Duration.ofSeconds(10)).cache();
        stop.subscribe(v -> { }, e -> { });
        advance(Duration.ofSeconds(3));
        StepVerifier.create(stop).verifyComplete();
        assertThat(snapshot(root, "c").handled()).isEqualTo(2);
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(SupervisionEvent.DeadLetter::reason)
                .containsExactly(DeadLetterReason.REJECTED);
        assertThat(events(SupervisionEvent.Restarting.class)).isEmpty();
    }

    @Test
    void aTemporaryChildStoppedByItsDirectiveIsRemoved() {
        ComponentSpec<String, String> spec = counter("c").onFailure(IllegalStateException.class, Directive.STOP)
                .policy(RestartPolicy.TEMPORARY).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.ref(spec).tell("broken");
        advance(1);
        assertThat(root.snapshot().children()).isEmpty();
    }

    @Test
    void escalateGivesUpAtOnceAndTheSupervisorAppliesItsRules() {
        ComponentSpec<String, String> spec = counter("c")
                .onFailure(IllegalStateException.class, Directive.ESCALATE)
                .limit(RestartLimit.of(1_000, Duration.ofMinutes(1)))
                .build();
        // a supervisor that escalates: its parent restarts it, and c with it, fresh
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("mid").escalateOnFailure().child(spec)));
        ComponentRef<String, String> ref = root.ref("mid/c");
        ref.tell("a");
        ref.tell("broken");
        advance(1);
        assertThat(events(SupervisionEvent.Failed.class, "root/mid/c")).hasSize(1);
        assertThat(events(SupervisionEvent.Failed.class, "root/mid/c").get(0).cause())
                .isInstanceOf(IllegalStateException.class).hasMessage("broken");
        assertThat(events(SupervisionEvent.Restarting.class, "root/mid/c")).isEmpty(); // no restart of its own
        assertThat(events(SupervisionEvent.Escalated.class, "root/mid")).hasSize(1);
        assertThat(events(SupervisionEvent.Restarted.class, "root/mid")).hasSize(1);
        StepVerifier.create(root.<String, String>ref("mid/c").ask("b")).expectNext("1:b").verifyComplete();

        // a supervisor that does not escalate carries on without it
        ComponentSpec<String, String> other = counter("other").onFailure(IllegalStateException.class,
                Directive.ESCALATE).build();
        Supervisor degraded = start(Supervisor.named("degraded").child(other).child(counter("peer").build()));
        degraded.ref(other).tell("broken");
        advance(1);
        assertThat(degraded.ref(other).state()).isEqualTo(ComponentState.FAILED);
        assertThat(snapshot(degraded, "other").lastDirective()).isEqualTo(Directive.ESCALATE);
        assertThat(degraded.<String, String>ref("peer").state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aMessagePastItsProcessingTimeoutFollowsItsDirective() {
        ComponentSpec<String, String> resumed = ComponentSpec.<String, String, int[]>named("resumed")
                .state(() -> new int[1])
                .handler((count, m) -> m.equals("hang") ? Mono.never() : Mono.just(++count[0] + ":" + m))
                .processingTimeout(Duration.ofSeconds(2), Directive.RESUME)
                .build();
        ComponentSpec<String, String> stopped = ComponentSpec.<String, String, int[]>named("stopped")
                .state(() -> new int[1])
                .handler((count, m) -> m.equals("hang") ? Mono.never() : Mono.just(++count[0] + ":" + m))
                .processingTimeout(Duration.ofSeconds(2), Directive.STOP)
                .build();
        assertThat(resumed.processingTimeoutDirective()).isEqualTo(Directive.RESUME);
        Supervisor root = start(Supervisor.named("root").child(resumed).child(stopped));
        ComponentRef<String, String> ref = root.ref(resumed);
        ref.tell("a");
        for (int i = 0; i < 3; i++) { // killable again after each
            Mono<String> hung = ref.ask("hang").cache();
            hung.subscribe(v -> { }, e -> { });
            advance(Duration.ofSeconds(2));
            StepVerifier.create(hung).expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                    .hasMessage("handler of 'root/resumed' took longer than its processing timeout 2 s")).verify();
        }
        StepVerifier.create(ref.ask("b")).expectNext("2:b").verifyComplete(); // the same state
        assertThat(snapshot(root, "resumed").restarts()).isZero();
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/resumed")).extracting(
                SupervisionEvent.DeadLetter::reason).containsOnly(DeadLetterReason.REJECTED).hasSize(3);

        root.ref(stopped).tell("hang");
        advance(Duration.ofSeconds(2));
        assertThat(root.ref(stopped).state()).isEqualTo(ComponentState.STOPPED);
    }
}
