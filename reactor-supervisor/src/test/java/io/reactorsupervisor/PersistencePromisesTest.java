package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The README's promises about state that survives restarts ("State that survives restarts") that
 * {@link PersistentStateTest} and {@link PersistentEntitiesTest} leave out. On virtual time.
 */
class PersistencePromisesTest extends VirtualTimeTest {

    private final StateStore memory = StateStore.inMemory();

    private static void expect(ComponentRef<String, Integer> ref, String message, int reply) {
        StepVerifier.create(ref.ask(message)).expectNext(reply).verifyComplete();
    }

    private @org.jspecify.annotations.Nullable Long savedVersion(String key) {
        StoredState s = memory.load(key).block(Duration.ofSeconds(1));
        return s == null ? null : s.version();
    }

    @Test
    void theDefaultsAreACheckpointAfterEveryMessageAndADiscardAfterThreeCrashes() {
        Persistence<PersistentStateTest.Counter> p = Persistence.of(memory, PersistentStateTest.CODEC);
        assertThat(p.rule()).isEqualTo(CheckpointRule.EVERY_MESSAGE);
        assertThat(p.discardAfter()).isEqualTo(3);
    }

    @Test
    void bothRulesTakeACheckpointWhicheverComesFirst() {
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c").persistent(memory, PersistentStateTest.CODEC,
                CheckpointRule.everyMessages(3).orEvery(Duration.ofSeconds(10))).build();
        ComponentRef<String, Integer> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        assertThat(savedVersion("root/c")).isNull();
        expect(ref, "add", 3); // three messages: saved
        assertThat(savedVersion("root/c")).isEqualTo(1L);
        expect(ref, "add", 4);
        advance(Duration.ofSeconds(10));
        expect(ref, "add", 5); // ten seconds since the last one, two messages: saved
        assertThat(savedVersion("root/c")).isEqualTo(2L);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 6); // from 5
    }

    @Test
    void aKeyedComponentActivatedAgainContinuesTheCrashCountOfItsCheckpoint() {
        ComponentSpec<String, Integer> counter = PersistentStateTest.counter("counter")
                .limit(RestartLimit.of(0, Duration.ofMinutes(1))) // each crash: the key gives up and is dropped
                .persistent(Persistence.of(memory, PersistentStateTest.CODEC).discardAfter(2)).build();
        EntitiesSpec<String, String, Integer> spec = EntitiesSpec.named("counters", String.class, counter).build();
        Entities<String, String, Integer> counters = start(Supervisor.named("root").entities(spec)).entities(spec);
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "poison", -1); // checkpoint -1
        for (int activation = 0; activation < 3; activation++) {
            StepVerifier.create(counters.ref("a").ask("add")).expectError(MessageCrashedException.class).verify();
            advance(10);
            assertThat(counters.snapshot().active()).isZero(); // gave up: dropped
        }
        // the first crash was the poisoning incarnation's own; then two activations restored -1 and crashed
        assertThat(events(SupervisionEvent.StateRestored.class, "root/counters/a")).hasSize(2);
        assertThat(events(SupervisionEvent.StateDiscarded.class, "root/counters/a")).singleElement()
                .extracting(SupervisionEvent.StateDiscarded::crashes).isEqualTo(2);
        expect(counters.ref("a"), "add", 1); // a fresh start
    }

    @Test
    void aVeryFirstStartWhoseCheckpointCannotBeReadFailsThatStart() {
        memory.save("root/c", StoredState.of(1, "not a number".getBytes(StandardCharsets.UTF_8)))
                .block(Duration.ofSeconds(1));
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .persistent(Persistence.of(memory, PersistentStateTest.CODEC)).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.started()).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(ChildStartException.class)
                .hasStackTraceContaining("decoding the checkpoint of 'root/c' (key 'root/c', version 1) failed"))
                .verify(Duration.ofSeconds(1));
        assertThat(events(SupervisionEvent.StateDiscarded.class)).isEmpty(); // not a crash of a restored state
    }

    @Test
    void aRestartReadsItsOwnLastWriteEvenWhenTheStoreIsSlow() {
        StateStore slow = new PersistentStateTest.Delegating(memory) {
            @Override
            public reactor.core.publisher.Mono<Boolean> save(String key, StoredState state) {
                return super.save(key, state).delayElement(Duration.ofSeconds(2));
            }
        };
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .persistent(slow, PersistentStateTest.CODEC, CheckpointRule.EVERY_MESSAGE).build();
        ComponentRef<String, Integer> ref = start(Supervisor.named("root").child(spec)).ref(spec);
        expect(ref, "add", 1); // its save takes 2 s
        ref.tell("boom");
        StepVerifier.create(ref.ask("add")).then(() -> advance(Duration.ofSeconds(3))).expectNext(2).verifyComplete();
        assertThat(events(SupervisionEvent.StateRestored.class, "root/c"))
                .extracting(SupervisionEvent.StateRestored::version).containsExactly(1L);
    }
}
