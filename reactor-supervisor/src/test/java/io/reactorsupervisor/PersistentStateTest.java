package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** State restored across restarts: checkpoints, restores, poisoned checkpoints, failing stores and codecs. */
class PersistentStateTest extends VirtualTimeTest {

    static final class Counter {
        int n;
    }

    static final StateCodec<Counter> CODEC = StateCodec.of(c -> Integer.toString(c.n).getBytes(StandardCharsets.UTF_8),
            b -> {
                Counter c = new Counter();
                c.n = Integer.parseInt(new String(b, StandardCharsets.UTF_8));
                return c;
            });

    private final StateStore memory = StateStore.inMemory();

    /** add: +1 and the count; boom: crash; poison: the state becomes -1, on which every message crashes. */
    static ComponentSpec.Builder<String, Integer, Counter> counter(String name) {
        return ComponentSpec.<String, Integer, Counter>named(name)
                .state(Counter::new)
                .syncHandler((c, m) -> {
                    if (c.n < 0) {
                        throw new IllegalStateException("poisoned state " + c.n);
                    }
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    if (m.equals("poison")) {
                        c.n = -1;
                        return c.n;
                    }
                    return ++c.n;
                });
    }

    private ComponentRef<String, Integer> run(ComponentSpec<String, Integer> spec) {
        return start(Supervisor.named("root").child(spec)).ref(spec);
    }

    private static void expect(ComponentRef<String, Integer> ref, String message, int reply) {
        StepVerifier.create(ref.ask(message)).expectNext(reply).verifyComplete();
    }

    @Test
    void aCrashedComponentRestartsFromItsLastCheckpoint() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(memory, CODEC, CheckpointRule.EVERY_MESSAGE).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        expect(ref, "add", 3);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 4);
        assertThat(events(SupervisionEvent.StateRestored.class, "root/c"))
                .extracting(SupervisionEvent.StateRestored::version).containsExactly(3L);
        assertThat(memory.load("root/c").block()).isEqualTo(StoredState.of(4, "4".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withoutPersistenceARestartStartsFresh() {
        ComponentSpec<String, Integer> spec = counter("c").build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 1);
    }

    @Test
    void everyNMessagesRestoresTheLastMultiple() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(memory, CODEC, CheckpointRule.everyMessages(2)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        expect(ref, "add", 3);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 3); // restored 2
    }

    @Test
    void theDurationRuleTakesACheckpointOnceTheIntervalHasPassedOnVirtualTime() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(memory, CODEC, CheckpointRule.every(Duration.ofSeconds(10))).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1); // 0 s since the start: not yet
        assertThat(memory.load("root/c").block()).isNull();
        advance(Duration.ofSeconds(9));
        expect(ref, "add", 2);
        assertThat(memory.load("root/c").block()).isNull();
        advance(Duration.ofSeconds(1));
        expect(ref, "add", 3); // 10 s: saved
        expect(ref, "add", 4); // 0 s since: not saved
        assertThat(memory.load("root/c").block().version()).isEqualTo(1);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 4); // from 3
    }

    @Test
    void aPoisonedCheckpointIsDiscardedAfterTheConfiguredCrashesAndTheComponentStartsFresh() {
        ComponentSpec<String, Integer> spec = counter("c")
                .redeliveries(10)
                .persistent(Persistence.of(memory, CODEC).discardAfter(2)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "poison", -1); // checkpoint -1: every incarnation restored from it crashes
        Mono<Integer> reply = ref.ask("add");
        advance(10);
        StepVerifier.create(reply).expectNext(1).verifyComplete(); // the third incarnation starts fresh
        assertThat(events(SupervisionEvent.StateRestored.class, "root/c")).hasSize(2);
        assertThat(events(SupervisionEvent.StateDiscarded.class, "root/c")).singleElement()
                .satisfies(d -> {
                    assertThat(d.version()).isEqualTo(2);
                    assertThat(d.crashes()).isEqualTo(2);
                    assertThat(d.key()).isEqualTo("root/c");
                });
        assertThat(kinds("root/c")).containsSubsequence("StateRestored", "Crashed", "StateRestored", "Crashed",
                "StateDiscarded", "Restarting");
        assertThat(memory.load("root/c").block().version()).isEqualTo(3); // the fresh state's first checkpoint
    }

    @Test
    void aNewerCheckpointResetsTheCrashCount() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(Persistence.of(memory, CODEC).discardAfter(2)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 2); // a checkpoint of its own: the one it restored is not blamed
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 3);
        assertThat(events(SupervisionEvent.StateDiscarded.class)).isEmpty();
    }

    @Test
    void aCodecThatCannotDecodeCrashesTheStartAndItsCheckpointIsDiscarded() {
        StateCodec<Counter> picky = StateCodec.of(CODEC::encode, b -> {
            Counter c = CODEC.decode(b);
            if (c.n == 2) {
                throw new IllegalArgumentException("cannot read 2");
            }
            return c;
        });
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(Persistence.of(memory, picky).discardAfter(3)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        ref.tell("boom");
        advance(10);
        expect(ref, "add", 1);
        List<SupervisionEvent.Crashed> crashes = events(SupervisionEvent.Crashed.class, "root/c");
        assertThat(crashes).hasSize(4);
        assertThat(crashes.get(1).cause()).hasMessage("decoding the checkpoint of 'root/c' (key 'root/c', version 2) "
                + "failed").hasRootCauseMessage("cannot read 2");
        assertThat(events(SupervisionEvent.StateDiscarded.class)).singleElement()
                .extracting(SupervisionEvent.StateDiscarded::crashes).isEqualTo(3);
    }

    @Test
    void aFailedLoadCrashesTheStartUnderTheRestartStrategyAndKeepsTheCheckpoint() {
        AtomicBoolean down = new AtomicBoolean();
        StateStore flaky = new Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                return down.get() ? Mono.error(new IllegalStateException("database down")) : super.load(key);
            }
        };
        ComponentSpec<String, Integer> spec = counter("c")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(100, Duration.ofMinutes(1)))
                .persistent(Persistence.of(flaky, CODEC).discardAfter(1)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        down.set(true);
        ref.tell("boom");
        advance(Duration.ofSeconds(5));
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).hasSizeGreaterThan(3)
                .last().satisfies(c -> assertThat(c.cause())
                        .hasMessage("loading the state of 'root/c' (key 'root/c') from StateStore.inMemory[1 keys] "
                                + "failed").hasRootCauseMessage("database down"));
        down.set(false);
        advance(Duration.ofSeconds(1));
        expect(ref, "add", 2);
        assertThat(events(SupervisionEvent.StateDiscarded.class)).isEmpty();
    }

    @Test
    void aFailedSaveIsPublishedAndTheComponentKeepsRunning() {
        AtomicBoolean down = new AtomicBoolean();
        StateStore flaky = new Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                if (down.get()) {
                    throw new IllegalStateException("disk full"); // thrown, not even signalled
                }
                return super.save(key, state);
            }
        };
        ComponentSpec<String, Integer> spec = counter("c").persistent(flaky, CODEC, CheckpointRule.EVERY_MESSAGE)
                .build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        down.set(true);
        expect(ref, "add", 2);
        advance(10);
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/c")).singleElement()
                .satisfies(f -> {
                    assertThat(f.version()).isEqualTo(2);
                    assertThat(f.cause()).hasMessage("disk full");
                });
        down.set(false);
        expect(ref, "add", 3);
        assertThat(memory.load("root/c").block().version()).isEqualTo(3);
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void anEncoderThatThrowsSkipsTheCheckpoint() {
        StateCodec<Counter> picky = StateCodec.of(c -> {
            if (c.n == 2) {
                throw new OutOfMemoryError("simulated");
            }
            return CODEC.encode(c);
        }, CODEC::decode);
        ComponentSpec<String, Integer> spec = counter("c").persistent(memory, picky, CheckpointRule.EVERY_MESSAGE)
                .build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        advance(10);
        assertThat(events(SupervisionEvent.CheckpointFailed.class)).singleElement()
                .satisfies(f -> assertThat(f.cause()).hasMessage("encoding the state of 'root/c' failed")
                        .hasRootCauseInstanceOf(OutOfMemoryError.class));
        expect(ref, "add", 3);
        assertThat(memory.load("root/c").block().version()).isEqualTo(2); // versions of failed ones are not reused
    }

    @Test
    void savesOfOneKeyRunOneAtATimeAndOnlyTheLatestWaitingOneIsWritten() {
        List<Long> saved = new CopyOnWriteArrayList<>();
        List<Sinks.Empty<Void>> inFlight = new CopyOnWriteArrayList<>();
        StateStore slow = new Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                Sinks.Empty<Void> done = Sinks.empty();
                inFlight.add(done);
                return done.asMono().then(Mono.defer(() -> {
                    saved.add(state.version());
                    return super.save(key, state);
                }));
            }
        };
        ComponentSpec<String, Integer> spec = counter("c").persistent(slow, CODEC, CheckpointRule.EVERY_MESSAGE)
                .build();
        ComponentRef<String, Integer> ref = run(spec);
        for (int i = 1; i <= 5; i++) {
            expect(ref, "add", i);
        }
        assertThat(inFlight).hasSize(1); // version 1 in flight; 2 to 5 coalesced into 5
        inFlight.get(0).tryEmitEmpty();
        assertThat(inFlight).hasSize(2);
        // a crash now: the next incarnation waits for the save in flight before it loads
        ref.tell("boom");
        advance(10);
        assertThat(ref.state()).isNotEqualTo(ComponentState.RUNNING);
        inFlight.get(1).tryEmitEmpty();
        advance(10);
        expect(ref, "add", 6);
        assertThat(saved).containsExactly(1L, 5L);
    }

    @Test
    void aGracefulStopSavesWhatWasNotSavedAndASecondTreeStartsFromIt() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(memory, CODEC, CheckpointRule.everyMessages(100)).build();
        Supervisor first = start(Supervisor.named("root").child(spec));
        ComponentRef<String, Integer> ref = first.ref(spec);
        expect(ref, "add", 1);
        expect(ref, "add", 2);
        StepVerifier.create(first.shutdown(Duration.ofSeconds(1))).then(() -> advance(10)).verifyComplete();
        ComponentRef<String, Integer> again = start(Supervisor.named("root").child(spec)).ref(spec);
        expect(again, "add", 3);
    }

    /**
     * The count of messages since the last checkpoint saturates: with {@code every(1 day)} alone, a
     * component handling 25,000 messages a second passes 2^31 within the interval, and a count that
     * wrapped negative made the graceful stop skip its save.
     */
    @Test
    void theCountSinceTheLastCheckpointSaturatesAndAGracefulStopStillSaves() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(memory, CODEC, CheckpointRule.every(Duration.ofDays(1))).build();
        Supervisor first = start(Supervisor.named("root").child(spec));
        ComponentRef<String, Integer> ref = first.ref(spec);
        expect(ref, "add", 1);
        Incarnation inc = ((LocalRef) (Object) ref).cell.current;
        assertThat(inc).isNotNull();
        inc.restore.sinceCheckpoint = Integer.MAX_VALUE; // as after 2^31 - 1 messages; the next ask publishes it
        expect(ref, "add", 2);
        StepVerifier.create(first.shutdown(Duration.ofSeconds(1))).then(() -> advance(10)).verifyComplete();
        assertThat(memory.load("root/c").block()).isEqualTo(StoredState.of(1, "2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStoppedTreeCompletesItsShutdownOnlyOnceTheLastSaveHasEnded() {
        List<Sinks.Empty<Void>> inFlight = new CopyOnWriteArrayList<>();
        StateStore slow = new Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                Sinks.Empty<Void> done = Sinks.empty();
                inFlight.add(done);
                return done.asMono().then(super.save(key, state));
            }
        };
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(slow, CODEC, CheckpointRule.everyMessages(100)).build();
        Supervisor tree = start(Supervisor.named("root").child(spec));
        expect(tree.ref(spec), "add", 1);
        AtomicBoolean down = new AtomicBoolean();
        tree.shutdown(Duration.ofSeconds(30)).subscribe(null, null, () -> down.set(true));
        advance(10);
        assertThat(inFlight).hasSize(1); // the stop's checkpoint
        assertThat(down).isFalse();
        inFlight.get(0).tryEmitEmpty();
        advance(10);
        assertThat(down).isTrue();
        assertThat(memory.load("root/c").block().version()).isEqualTo(1);
    }

    @Test
    void aStoreThatNeverAnswersDelaysTheEndBoundedly() {
        StateStore stuck = new Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                return Mono.never();
            }
        };
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(stuck, CODEC, CheckpointRule.EVERY_MESSAGE).build();
        Supervisor tree = start(Supervisor.named("root").child(spec));
        expect(tree.ref(spec), "add", 1);
        AtomicBoolean down = new AtomicBoolean();
        tree.shutdown(Duration.ofSeconds(30)).subscribe(null, null, () -> down.set(true));
        advance(Duration.ofSeconds(9));
        assertThat(down).isFalse();
        advance(Duration.ofSeconds(2));
        assertThat(down).isTrue();
    }

    @Test
    void anAsynchronousHandlersStateIsCheckpointedWhenItsMonoHasEnded() {
        ComponentSpec<String, Integer> spec = ComponentSpec.<String, Integer, Counter>named("c")
                .state(Counter::new)
                .handler((c, m) -> m.equals("boom") ? Mono.error(new IllegalStateException("boom"))
                        : Mono.delay(Duration.ofSeconds(1)).map(x -> ++c.n))
                .persistent(memory, CODEC, CheckpointRule.EVERY_MESSAGE)
                .build();
        ComponentRef<String, Integer> ref = run(spec);
        StepVerifier.create(ref.ask("add")).then(() -> advance(Duration.ofSeconds(1))).expectNext(1)
                .verifyComplete();
        assertThat(memory.load("root/c").block().version()).isEqualTo(1);
        ref.tell("boom");
        StepVerifier.create(ref.ask("add")).then(() -> advance(Duration.ofSeconds(2))).expectNext(2)
                .verifyComplete();
    }

    @Test
    void aGroupRestartSavesTheStateOfTheSiblingsItStops() {
        ComponentSpec<String, Integer> keeper = counter("keeper")
                .persistent(memory, CODEC, CheckpointRule.everyMessages(100)).build();
        ComponentSpec<String, Integer> crasher = counter("crasher").build();
        Supervisor tree = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(keeper).child(crasher));
        expect(tree.ref(keeper), "add", 1);
        expect(tree.ref(keeper), "add", 2);
        tree.ref(crasher).tell("boom");
        advance(10);
        expect(tree.ref(keeper), "add", 3);
        assertThat(events(SupervisionEvent.StateRestored.class, "root/keeper")).hasSize(1);
    }

    @Test
    void aStoreOrCodecThatAnswersNullCrashesTheStartWithASayingMessage() {
        StateStore nulls = new Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                return null;
            }
        };
        ComponentSpec<String, Integer> spec = counter("c")
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .persistent(nulls, CODEC, CheckpointRule.EVERY_MESSAGE).build();
        start(Supervisor.named("root").child(spec));
        advance(10);
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).first()
                .satisfies(c -> assertThat(c.cause()).hasMessageStartingWith("loading the state of 'root/c' (key "
                        + "'root/c')").hasRootCauseInstanceOf(NullPointerException.class));

        memory.save("other/d", StoredState.of(1, new byte[] {'1'})).block();
        StateCodec<Counter> nullCodec = StateCodec.of(CODEC::encode, b -> null);
        ComponentSpec<String, Integer> d = counter("d").persistent(Persistence.of(memory, nullCodec).discardAfter(1))
                .build();
        Supervisor first = start(Supervisor.named("other").child(d));
        advance(10);
        // a first start that fails fails the child, as in OTP; the crash still counts against the checkpoint
        assertThat(first.ref(d).state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.StateDiscarded.class, "other/d")).hasSize(1);
        // so the next start of that key, by another cell or tree, starts fresh
        ComponentRef<String, Integer> ref = start(Supervisor.named("other").child(d)).ref(d);
        advance(10);
        expect(ref, "add", 1);
        assertThat(events(SupervisionEvent.Crashed.class, "other/d")).first()
                .satisfies(c -> assertThat(c.cause()).hasRootCauseMessage("codec decoded null"));
    }

    @Test
    void aShutdownWhileTheCheckpointLoadsEndsAtItsDeadline() {
        AtomicBoolean cancelled = new AtomicBoolean();
        StateStore hanging = new Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                return Mono.<StoredState>never().doOnCancel(() -> cancelled.set(true));
            }
        };
        ComponentSpec<String, Integer> spec = counter("c").persistent(hanging, CODEC, CheckpointRule.EVERY_MESSAGE)
                .build();
        Supervisor tree = start(Supervisor.named("root").child(spec));
        Mono<Integer> reply = tree.ref(spec).ask("add");
        AtomicBoolean down = new AtomicBoolean();
        StepVerifier.create(reply)
                .then(() -> tree.shutdown(Duration.ofSeconds(1)).subscribe(null, null, () -> down.set(true)))
                .then(() -> advance(Duration.ofSeconds(2)))
                .expectError(ComponentUnavailableException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(down).isTrue();
        assertThat(cancelled).isTrue();
    }

    @Test
    void aSaveThatNeverEndsFailsAfterItsBoundAndTheNextOneIsWritten() {
        AtomicBoolean hung = new AtomicBoolean(true);
        StateStore stuck = new Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                return hung.get() ? Mono.never() : super.save(key, state);
            }
        };
        ComponentSpec<String, Integer> spec = counter("c").persistent(stuck, CODEC, CheckpointRule.EVERY_MESSAGE)
                .build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1); // its save hangs
        hung.set(false);
        expect(ref, "add", 2); // waits behind it
        advance(Duration.ofSeconds(10));
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/c")).singleElement()
                .satisfies(f -> assertThat(f.cause()).isInstanceOf(java.util.concurrent.TimeoutException.class));
        assertThat(memory.load("root/c").block().version()).isEqualTo(2);
    }

    @Test
    void theKeyIsThePathWithTheSpecsPrefix() {
        ComponentSpec<String, Integer> spec = counter("c")
                .persistent(Persistence.of(memory, CODEC).keyPrefix("app1:")).build();
        expect(run(spec), "add", 1);
        assertThat(memory.load("app1:root/c").block().version()).isEqualTo(1);
    }

    @Test
    void specsValidateTheirArguments() {
        assertThatThrownBy(() -> CheckpointRule.everyMessages(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("messages must be >= 1, but was 0");
        assertThatThrownBy(() -> CheckpointRule.every(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Persistence.of(memory, CODEC).discardAfter(0))
                .hasMessage("discardAfter must be between 1 and 1000, but was 0");
        assertThatThrownBy(() -> Persistence.of(memory, CODEC).keyPrefix("x".repeat(201)))
                .hasMessage("keyPrefix must be at most 200 characters, but was 201");
        assertThatThrownBy(() -> StoredState.of(0, new byte[0])).hasMessage("version must be at least 1, but was 0");
        assertThatThrownBy(() -> Persistence.of(null, CODEC)).isInstanceOf(NullPointerException.class)
                .hasMessage("store");
        assertThat(CheckpointRule.everyMessages(10).orEvery(Duration.ofSeconds(5)).toString())
                .isEqualTo("CheckpointRule[every 10 messages or every 5 s]");
    }

    /** A store that passes everything to another, for tests to override one method. */
    static class Delegating implements StateStore {
        private final StateStore inner;

        Delegating(StateStore inner) {
            this.inner = inner;
        }

        @Override
        public Mono<StoredState> load(String key) {
            return inner.load(key);
        }

        @Override
        public Mono<Boolean> save(String key, StoredState state) {
            return inner.save(key, state);
        }

        @Override
        public Mono<Void> delete(String key) {
            return inner.delete(key);
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }
}
