package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Keyed components with persistent state: per-key checkpoints, through crashes, passivation and poison. */
class PersistentEntitiesTest extends VirtualTimeTest {

    private final StateStore memory = StateStore.inMemory();

    private Entities<String, String, Integer> counters(Persistence<PersistentStateTest.Counter> persistence,
            Duration idle) {
        return counters(persistence, idle, 0);
    }

    private Entities<String, String, Integer> counters(Persistence<PersistentStateTest.Counter> persistence,
            Duration idle, int redeliveries) {
        ComponentSpec<String, Integer> counter = PersistentStateTest.counter("counter").redeliveries(redeliveries)
                .persistent(persistence).build();
        EntitiesSpec<String, String, Integer> spec = EntitiesSpec.named("counters", String.class, counter)
                .idleTimeout(idle).build();
        return start(Supervisor.named("root").entities(spec)).entities(spec);
    }

    private static void expect(ComponentRef<String, Integer> ref, String message, int reply) {
        StepVerifier.create(ref.ask(message)).expectNext(reply).verifyComplete();
    }

    @Test
    void aKeyedComponentCrashesAndComesBackWithItsLastCheckpointAndEachKeyHasItsOwn() {
        Entities<String, String, Integer> counters = counters(Persistence.of(memory, PersistentStateTest.CODEC),
                Duration.ofMinutes(10));
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "add", 2);
        expect(counters.ref("b"), "add", 1);
        counters.ref("a").tell("boom");
        advance(10);
        expect(counters.ref("a"), "add", 3);
        expect(counters.ref("b"), "add", 2);
        assertThat(memory.load("root/counters/a").block().version()).isEqualTo(3);
        assertThat(memory.load("root/counters/b").block().version()).isEqualTo(2);
    }

    @Test
    void anIdlePassivatedKeyIsActivatedAgainWithItsState() {
        Entities<String, String, Integer> counters = counters(Persistence.of(memory, PersistentStateTest.CODEC)
                .checkpoint(CheckpointRule.everyMessages(1000)), Duration.ofSeconds(10));
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "add", 2);
        advance(Duration.ofSeconds(20)); // passivated: the stop saves what the rule had not
        assertThat(counters.snapshot().active()).isZero();
        expect(counters.ref("a"), "add", 3);
        assertThat(events(SupervisionEvent.StateRestored.class, "root/counters/a")).singleElement()
                .extracting(SupervisionEvent.StateRestored::version).isEqualTo(1L);
    }

    @Test
    void aPoisonedCheckpointOfAKeyIsDiscardedAfterTheConfiguredCrashes() {
        Entities<String, String, Integer> counters = counters(Persistence.of(memory, PersistentStateTest.CODEC)
                .discardAfter(2), Duration.ofMinutes(10), 10);
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "poison", -1);
        StepVerifier.create(counters.ref("a").ask("add")).then(() -> advance(10)).expectNext(1).verifyComplete();
        assertThat(events(SupervisionEvent.StateDiscarded.class, "root/counters/a")).singleElement()
                .extracting(SupervisionEvent.StateDiscarded::crashes).isEqualTo(2);
    }
}
