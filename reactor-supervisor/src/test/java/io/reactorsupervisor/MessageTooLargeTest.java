package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A message refused as too large is a dead letter of its own reason, and the component carries on. */
class MessageTooLargeTest {

    @Test
    void aTooLargeMessageRejectedByResumeIsATooLargeDeadLetterAndTheStateIsKept() {
        ComponentSpec<String, Integer> counter = ComponentSpec.<String, Integer, int[]>named("counter")
                .state(() -> new int[1])
                .syncHandler((count, line) -> {
                    if (line.length() > 4) {
                        throw new MessageTooLargeException("line of " + line.length() + " chars, more than 4");
                    }
                    if (line.equals("bad")) {
                        throw new IllegalStateException("bad line");
                    }
                    return ++count[0];
                })
                .onFailure(MessageTooLargeException.class, Directive.RESUME)
                .onFailure(IllegalStateException.class, Directive.RESUME)
                .build();
        Supervisor root = Supervisor.named("root").child(counter).start();
        List<SupervisionEvent.DeadLetter> dead = new CopyOnWriteArrayList<>();
        root.deadLetters().subscribe(dead::add);
        try {
            ComponentRef<String, Integer> ref = root.ref("counter");
            assertThat(ref.ask("a").block(Duration.ofSeconds(5))).isEqualTo(1);
            StepVerifier.create(ref.ask("toolong"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageTooLargeException.class)
                            .hasMessage("line of 7 chars, more than 4"))
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(ref.ask("bad")).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
            assertThat(ref.ask("b").block(Duration.ofSeconds(5))).as("same state, no restart").isEqualTo(2);

            // events reach subscribers on the tree's event hub, after the asks have ended
            Eventually.until("two dead letters", () -> dead.size() >= 2);
            assertThat(dead).extracting(SupervisionEvent.DeadLetter::reason)
                    .containsExactly(DeadLetterReason.TOO_LARGE, DeadLetterReason.REJECTED);
            assertThat(root.snapshot().child("counter").restarts()).isZero();
        } finally {
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
