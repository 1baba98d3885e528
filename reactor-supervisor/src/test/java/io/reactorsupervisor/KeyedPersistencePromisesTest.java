package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The promises of the README's "Keyed components" and "State that survives restarts" sections, and
 * of the javadoc of the classes they use, that no other test checks; with hostile inputs: nulls,
 * odd keys, stores and codecs that throw errors or never answer. On virtual time.
 */
class KeyedPersistencePromisesTest extends VirtualTimeTest {

    private final StateStore memory = StateStore.inMemory();

    private static EntitiesSpec.Builder<String, String, String> orders() {
        return EntitiesSpec.named("orders", String.class, ComponentTest.memo("order").build());
    }

    private static void expect(ComponentRef<String, Integer> ref, String message, int reply) {
        StepVerifier.create(ref.ask(message)).expectNext(reply).verifyComplete();
    }

    private ComponentRef<String, Integer> run(ComponentSpec<String, Integer> spec) {
        return start(Supervisor.named("root").child(spec)).ref(spec);
    }

    private Entities<String, String, Integer> counters(Persistence<PersistentStateTest.Counter> persistence) {
        ComponentSpec<String, Integer> counter = PersistentStateTest.counter("counter")
                .restart(RestartStrategy.immediate()).persistent(persistence).build();
        EntitiesSpec<String, String, Integer> spec = EntitiesSpec.named("counters", String.class, counter).build();
        return start(Supervisor.named("root").entities(spec)).entities(spec);
    }

    // ------------------------------------------------------------------ specs

    /**
     * EntitiesSpec.Builder: "each method checks its argument when it is given"; STYLE: a bad argument is
     * an IllegalArgumentException naming the parameter, the allowed range and the value, a null an
     * NPE naming the parameter.
     */
    @Test
    void entitiesSpecOptionsRefuseNullsAndOutOfRangeValuesNamingTheParameter() {
        assertThatThrownBy(() -> orders().idleTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("idleTimeout");
        assertThatThrownBy(() -> orders().passivationTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("passivationTimeout");
        assertThatThrownBy(() -> orders().intensity(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("intensity");
        assertThatThrownBy(() -> orders().maxWaiting(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWaiting must be >= 1, but was 0");
        assertThatThrownBy(() -> orders().maxActive(Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxActive must be >= 1, but was -2147483648");
        assertThatThrownBy(() -> orders().idleTimeout(Duration.ofDays(36_501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout must be at least PT0.001S and at most 36500 days (100 years), but was PT876024H");
        assertThatThrownBy(() -> orders().passivationTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passivationTimeout must be positive and at most 36500 days (100 years), but was PT-0.001S");
        assertThatThrownBy(() -> EntitiesSpec.named(null, String.class, ComponentTest.memo("t").build()))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> EntitiesSpec.named("orders", null, ComponentTest.memo("t").build()))
                .isInstanceOf(NullPointerException.class).hasMessage("keyType");
        assertThatThrownBy(() -> EntitiesSpec.named(" ", String.class, ComponentTest.memo("t").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be non-blank and must not contain '/', but was ' '");
    }

    /**
     * "idleTimeout ... Default: never"; "maxActive ... Default: unbounded"; "maxWaiting ... Default:
     * unbounded"; "intensity ... default RestartLimit.DEFAULT" (README: "default 10 a minute"); the
     * template is "shared, not copied per key".
     */
    @Test
    void entitiesSpecDefaultsAreTheDocumentedOnes() {
        ComponentSpec<String, String> template = ComponentTest.memo("order").build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template).build();
        assertThat(spec.idleTimeout()).isNull();
        assertThat(spec.maxActive()).isEqualTo(EntitiesSpec.UNBOUNDED).isEqualTo(Integer.MAX_VALUE);
        assertThat(spec.maxWaiting()).isEqualTo(EntitiesSpec.UNBOUNDED);
        assertThat(spec.intensity()).isEqualTo(RestartLimit.DEFAULT).isEqualTo(RestartLimit.of(10, Duration.ofMinutes(1)));
        assertThat(spec.template()).isSameAs(template);
        assertThat(spec.keyType()).isEqualTo(String.class);
        assertThat(spec).hasToString("EntitiesSpec[orders, template order, idleTimeout none, maxActive unbounded]");
    }

    /**
     * Persistence, CheckpointRule, StoredState, StateCodec: "@throws IllegalArgumentException if
     * crashes is not within 1 to 1000", "prefix at most 200 characters", "interval positive, at most
     * 36500 days", "messages at least 1", "version positive"; nulls name their parameter.
     */
    @Test
    void persistenceSpecsRefuseNullsAndOutOfRangeValuesNamingTheParameter() {
        StateCodec<PersistentStateTest.Counter> codec = PersistentStateTest.CODEC;
        assertThatThrownBy(() -> Persistence.of(memory, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("codec");
        assertThatThrownBy(() -> Persistence.of(memory, codec).checkpoint(null))
                .isInstanceOf(NullPointerException.class).hasMessage("rule");
        assertThatThrownBy(() -> Persistence.of(memory, codec).keyPrefix(null))
                .isInstanceOf(NullPointerException.class).hasMessage("prefix");
        assertThatThrownBy(() -> Persistence.of(memory, codec).discardAfter(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("discardAfter must be between 1 and 1000, but was 1001");
        assertThat(Persistence.of(memory, codec).discardAfter(1000).discardAfter()).isEqualTo(1000);
        assertThat(Persistence.of(memory, codec).keyPrefix("p".repeat(200)).keyPrefix()).hasSize(200);
        assertThatThrownBy(() -> CheckpointRule.every(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("interval");
        assertThatThrownBy(() -> CheckpointRule.every(Duration.ofDays(36_501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be positive and at most 36500 days (100 years), but was PT876024H");
        assertThatThrownBy(() -> CheckpointRule.everyMessages(5).orEvery(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be positive and at most 36500 days (100 years), but was PT0S");
        assertThatThrownBy(() -> CheckpointRule.every(Duration.ofSeconds(1)).orEveryMessages(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("messages must be >= 1, but was -1");
        assertThatThrownBy(() -> StoredState.of(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("bytes");
        assertThatThrownBy(() -> StoredState.of(Long.MIN_VALUE, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version must be at least 1, but was -9223372036854775808");
        assertThatThrownBy(() -> StateCodec.of(null, b -> b)).isInstanceOf(NullPointerException.class)
                .hasMessage("encoder");
        assertThatThrownBy(() -> StateCodec.<byte[]>of(b -> b, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("decoder");
        assertThatThrownBy(() -> PersistentStateTest.counter("c").persistent(null))
                .isInstanceOf(NullPointerException.class).hasMessage("persistence");
    }

    /**
     * CheckpointRule: "messages(): the number of messages between checkpoints, or 0 when only the
     * duration counts"; "interval(): ... null when only the number of messages counts"; EVERY_MESSAGE
     * is "a checkpoint after every handled message"; immutable (orEvery returns a new rule).
     */
    @Test
    void checkpointRulesSayWhatTheyCount() {
        assertThat(CheckpointRule.everyMessages(5).messages()).isEqualTo(5);
        assertThat(CheckpointRule.everyMessages(5).interval()).isNull();
        assertThat(CheckpointRule.every(Duration.ofSeconds(5)).messages()).isZero();
        assertThat(CheckpointRule.every(Duration.ofSeconds(5)).interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(CheckpointRule.EVERY_MESSAGE).isEqualTo(CheckpointRule.everyMessages(1))
                .hasToString("CheckpointRule[every message]");
        CheckpointRule n = CheckpointRule.everyMessages(100);
        CheckpointRule both = n.orEvery(Duration.ofSeconds(5));
        assertThat(n.interval()).isNull();
        assertThat(both).isEqualTo(CheckpointRule.every(Duration.ofSeconds(5)).orEveryMessages(100))
                .hasToString("CheckpointRule[every 100 messages or every 5 s]");
        assertThat(Persistence.of(memory, PersistentStateTest.CODEC).checkpoint(both).rule()).isSameAs(both);
    }

    // ------------------------------------------------------------------ keys

    /**
     * Entities.ref: "@throws IllegalArgumentException if ... its name is blank"; EntitiesSpec: "a key is
     * named by its toString()": a key whose toString() is null is refused by name, as a null key is.
     */
    @Test
    void anEmptyKeyAndAKeyWithoutANameAreRefusedSaying() {
        EntitiesSpec<Object, String, String> spec = EntitiesSpec.named("orders", Object.class,
                ComponentTest.memo("order").build()).build();
        Entities<Object, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThatThrownBy(() -> orders.ref("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must be non-blank and at most 256 characters, but was '' (0 characters)");
        Object nameless = new Object() {
            @Override
            public String toString() {
                return null;
            }
        };
        assertThatThrownBy(() -> orders.ref(nameless)).isInstanceOf(NullPointerException.class)
                .hasMessage("key.toString()");
        assertThatThrownBy(() -> orders.ref("\u0000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not contain '/' or control characters (it names a path segment), but was '?'");
        assertThat(orders.snapshot().activations()).isZero();
    }

    /**
     * Entities.passivate and snapshot(key): "@throws NullPointerException if key is null",
     * "@throws IllegalArgumentException as ref(Object)".
     */
    @Test
    void passivateAndSnapshotCheckTheirKeyAsRefDoes() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThatThrownBy(() -> orders.passivate(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> orders.snapshot((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> orders.passivate("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not contain '/' or control characters (it names a path segment), but was 'a/b'");
        assertThatThrownBy(() -> orders.snapshot("x".repeat(257))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("...' (257 characters)");
    }

    /**
     * Entities.passivate: "a Mono of true once the component has stopped, or of false at once if the
     * key has no running component"; Entities.ref: "Its state() is ... STARTING when it is not [active]".
     */
    @Test
    void passivateIsFalseAtOnceForAKeyWithoutAComponentAndARefOfAnInactiveKeyIsStarting() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThat(orders.passivate("never").block(Duration.ofSeconds(1))).isFalse();
        ComponentRef<String, String> ref = orders.ref("42");
        assertThat(ref.state()).isEqualTo(ComponentState.STARTING);
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(orders.passivate("42").block(Duration.ofSeconds(1))).isTrue();
        assertThat(ref.state()).isEqualTo(ComponentState.STARTING);
        assertThat(orders.passivate("42").block(Duration.ofSeconds(1))).isFalse();
        assertThat(orders.snapshot().passivations()).isEqualTo(1);
        assertThat(events(SupervisionEvent.Started.class, "root/orders/never")).isEmpty();
    }

    /** README: "the Stopped event says why (passivated: idle for 30 min, ...)". */
    @Test
    void anIdlePassivationSaysSoInTheWordsOfTheReadme() {
        EntitiesSpec<String, String, String> spec = orders().idleTimeout(Duration.ofMinutes(30)).build();
        Entities<String, String, String> orders = start(Supervisor.named("shop").entities(spec)).entities(spec);
        StepVerifier.create(orders.ref("c-42").ask("a")).expectNext("1:a").verifyComplete();
        advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(orders.snapshot().active()).isEqualTo(1);
        advance(Duration.ofMinutes(8)); // 1.25 * 30 min = 37.5 min
        assertThat(orders.snapshot().active()).isZero();
        assertThat(events(SupervisionEvent.Stopped.class, "shop/orders/c-42")).extracting(SupervisionEvent.Stopped::reason)
                .containsExactly("passivated: idle for 30 min");
    }

    // ------------------------------------------------------------------ persistence, keyed

    /**
     * README: "A graceful stop (..., a passivation) ... saves what was handled since the last
     * checkpoint"; Persistence: "A component that ends for good (a stop, a passivation, a shutdown)
     * tells its supervisor once its last save has ended"; "What a restart starts from. The key's last
     * checkpoint, once the saves of that key still under way in this process have ended, so a
     * component always reads its own last write"; a message sent while its key is being passivated is
     * "delivered to the next activation". With a slow store: the passivation ends after its save, and
     * the next activation reads it.
     */
    @Test
    void aPassivationSavesWhatTheRuleHadNotAndTheNextActivationReadsItEvenFromASlowStore() {
        AtomicInteger saves = new AtomicInteger();
        StateStore slow = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                saves.incrementAndGet();
                return Mono.delay(Duration.ofSeconds(3)).then(super.save(key, state));
            }
        };
        Entities<String, String, Integer> counters = counters(Persistence.of(slow, PersistentStateTest.CODEC)
                .checkpoint(CheckpointRule.everyMessages(1000)).keyPrefix("app:"));
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "add", 2);
        assertThat(saves).hasValue(0);
        AtomicBoolean passivated = new AtomicBoolean();
        counters.passivate("a").subscribe(passivated::set);
        advance(10);
        assertThat(saves).hasValue(1);
        assertThat(passivated).as("passivated before its last save ended").isFalse();
        Mono<Integer> next = counters.ref("a").ask("add"); // while it passivates
        AtomicInteger reply = new AtomicInteger();
        next.subscribe(reply::set, e -> { });
        advance(Duration.ofSeconds(3));
        assertThat(passivated).isTrue();
        assertThat(memory.load("app:root/counters/a").block()).isEqualTo(StoredState.of(1, new byte[] {'2'}));
        advance(10);
        assertThat(reply).hasValue(3);
        assertThat(events(SupervisionEvent.StateRestored.class, "root/counters/a")).singleElement()
                .satisfies(r -> {
                    assertThat(r.key()).isEqualTo("app:root/counters/a");
                    assertThat(r.version()).isEqualTo(1L);
                });
    }

    // ------------------------------------------------------------------ hostile codecs and stores

    /**
     * StateCodec: "An encode that throws skips that checkpoint (a CheckpointFailed event; the component
     * keeps running)": an Error too, and the next checkpoint replaces it.
     */
    @Test
    void anEncoderThatThrowsAnErrorSkipsThatCheckpointAndTheComponentRunsOn() {
        AtomicBoolean broken = new AtomicBoolean(true);
        StateCodec<PersistentStateTest.Counter> codec = StateCodec.of(c -> {
            if (broken.get()) {
                throw new AssertionError("encoder bug");
            }
            return PersistentStateTest.CODEC.encode(c);
        }, PersistentStateTest.CODEC::decode);
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .persistent(Persistence.of(memory, codec)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/c")).singleElement().satisfies(f -> {
            assertThat(f.version()).isEqualTo(1L);
            assertThat(f.cause()).hasMessage("encoding the state of 'root/c' failed")
                    .hasRootCauseInstanceOf(AssertionError.class).hasRootCauseMessage("encoder bug");
        });
        assertThat(memory.load("root/c").block()).isNull();
        broken.set(false);
        expect(ref, "add", 2);
        assertThat(memory.load("root/c").block()).isEqualTo(StoredState.of(1, new byte[] {'2'}));
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
    }

    /**
     * README: "a save ... logged, event CheckpointFailed; the component keeps running"; "a load: the
     * incarnation's start fails: a crash under the component's restart strategy and limit"; the
     * library's rule: a failing callback fails that one component, not the tree. A store whose methods
     * throw an Error, not even in their Mono.
     */
    @Test
    void aStoreThatThrowsErrorsFailsItsCallsAndNothingElse() {
        AtomicBoolean broken = new AtomicBoolean();
        StateStore throwing = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                if (broken.get()) {
                    throw new AssertionError("load bug");
                }
                return super.load(key);
            }

            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                if (broken.get()) {
                    throw new AssertionError("save bug");
                }
                return super.save(key, state);
            }
        };
        ComponentSpec<String, Integer> c = PersistentStateTest.counter("c")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(100, Duration.ofMinutes(1)))
                .persistent(Persistence.of(throwing, PersistentStateTest.CODEC)).build();
        ComponentSpec<String, Integer> other = PersistentStateTest.counter("other").build();
        Supervisor root = start(Supervisor.named("root").child(c).child(other));
        ComponentRef<String, Integer> ref = root.ref(c);
        expect(ref, "add", 1);
        broken.set(true);
        expect(ref, "add", 2); // its save throws: the component runs on
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/c")).singleElement()
                .satisfies(f -> assertThat(f.cause()).isInstanceOf(AssertionError.class).hasMessage("save bug"));
        ref.tell("boom"); // the restart's load throws: a crash, restarted under its strategy
        advance(Duration.ofSeconds(3));
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).hasSizeGreaterThanOrEqualTo(3).last()
                .satisfies(e -> assertThat(e.cause()).hasMessageStartingWith("loading the state of 'root/c'")
                        .hasRootCauseInstanceOf(AssertionError.class).hasRootCauseMessage("load bug"));
        expect(root.ref(other), "add", 1);
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        broken.set(false);
        advance(Duration.ofSeconds(1));
        expect(ref, "add", 2); // from its last checkpoint, version 1
        assertThat(events(SupervisionEvent.StateDiscarded.class)).isEmpty();
    }

    /**
     * StateCodec: "A decode that throws crashes the incarnation that was restoring the state, which
     * counts towards discarding that checkpoint": a StackOverflowError too, of one key, the other
     * keys untouched.
     */
    @Test
    void aDecoderThatThrowsAnErrorCrashesThatKeyAndItsCheckpointIsDiscarded() {
        StateCodec<PersistentStateTest.Counter> codec = StateCodec.of(PersistentStateTest.CODEC::encode, b -> {
            if (b[0] == '2') {
                throw new StackOverflowError("decoder recursion");
            }
            return PersistentStateTest.CODEC.decode(b);
        });
        Entities<String, String, Integer> counters = counters(Persistence.of(memory, codec).discardAfter(2));
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "add", 2); // "2" cannot be decoded
        expect(counters.ref("b"), "add", 1);
        counters.ref("a").tell("boom");
        StepVerifier.create(counters.ref("a").ask("add")).then(() -> advance(10)).expectNext(1).verifyComplete();
        assertThat(events(SupervisionEvent.StateDiscarded.class, "root/counters/a")).singleElement()
                .satisfies(d -> {
                    assertThat(d.version()).isEqualTo(2L);
                    assertThat(d.crashes()).isEqualTo(2);
                });
        assertThat(events(SupervisionEvent.Crashed.class, "root/counters/a")).hasSize(3).last()
                .satisfies(e -> assertThat(e.cause()).hasMessage("decoding the checkpoint of 'root/counters/a' "
                        + "(key 'root/counters/a', version 2) failed").hasRootCauseInstanceOf(StackOverflowError.class));
        expect(counters.ref("b"), "add", 2);
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(SupervisionEvent::path)
                .containsOnly("root/counters/a");
    }

    /**
     * README: "a load: the incarnation's start fails: a crash under the component's restart strategy
     * and limit (back off, then give up)"; Persistence: "a save that has not ended within 10 seconds
     * counts as failed, so that a store that never answers cannot hold the key's later saves" ... A load
     * that never answers is bounded the same way: it counts as failed after 10 s, and the component
     * is restarted under its strategy rather than held STARTING forever.
     */
    @Test
    void aLoadThatNeverAnswersFailsAfterItsBoundAndTheComponentRestartsUnderItsStrategy() {
        AtomicBoolean hung = new AtomicBoolean();
        StateStore stuck = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                return hung.get() ? Mono.never() : super.load(key);
            }
        };
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(100, Duration.ofMinutes(10)))
                .persistent(Persistence.of(stuck, PersistentStateTest.CODEC)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        hung.set(true);
        ref.tell("boom");
        advance(Duration.ofSeconds(1).plusMillis(10)); // restarting: its load hangs
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).hasSize(1);
        advance(Duration.ofSeconds(10));
        assertThat(events(SupervisionEvent.Crashed.class, "root/c")).hasSize(2).last()
                .satisfies(e -> assertThat(e.cause()).hasMessageStartingWith("loading the state of 'root/c'")
                        .hasRootCauseInstanceOf(TimeoutException.class));
        hung.set(false);
        advance(Duration.ofSeconds(12));
        expect(ref, "add", 2); // from its checkpoint, kept
        assertThat(events(SupervisionEvent.StateDiscarded.class)).isEmpty();
    }

    /**
     * README: "the checkpoint is poisoned: deleted from the store, event StateDiscarded, the next
     * incarnation starts fresh" (Checkpoints: "deleting its discarded checkpoint failed; it starts fresh
     * anyway"). A delete that never answers must not hold the next incarnation forever: it is bounded
     * as a save is.
     */
    @Test
    void aDeleteThatNeverAnswersDoesNotHoldTheFreshStartForever() {
        StateStore stuck = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<Void> delete(String key) {
                return Mono.never();
            }
        };
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .limit(RestartLimit.of(100, Duration.ofMinutes(10)))
                .persistent(Persistence.of(stuck, PersistentStateTest.CODEC).discardAfter(1)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        expect(ref, "poison", -1);
        ref.tell("boom");
        ref.tell("add"); // restored -1: crashes on it, and the checkpoint is discarded
        Mono<Integer> reply = ref.ask("add");
        AtomicInteger got = new AtomicInteger();
        reply.subscribe(got::set, e -> { });
        advance(10);
        assertThat(events(SupervisionEvent.StateDiscarded.class, "root/c")).hasSize(1);
        advance(Duration.ofSeconds(11));
        assertThat(got).as("the fresh incarnation's first reply").hasValue(1);
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    /**
     * README: "maxActive(n): when a message comes for a key that is not active and n components are
     * alive, the least recently used idle one is passivated ... and the new key starts once it has
     * stopped"; EntitiesTest's "a state factory that throws dead-letters the key's messages". A key whose
     * start fails (its state factory throws an Error) must give its place back: the next key of a full set
     * starts, and so does the failed key on its next message.
     */
    @Test
    void aKeyWhoseStartFailsGivesItsPlaceBackInAFullSet() {
        AtomicInteger attempts = new AtomicInteger();
        ComponentSpec<String, String> flaky = ComponentSpec.<String, String, Object>named("flaky")
                .state(() -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new AssertionError("no state");
                    }
                    return new Object();
                })
                .syncHandler((st, m) -> "ok:" + m)
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("keys", String.class, flaky).maxActive(1)
                .build();
        Entities<String, String, String> keys = start(Supervisor.named("root").entities(spec)).entities(spec);
        StepVerifier.create(keys.ref("a").ask("1")).then(() -> advance(10)).expectError().verify(Duration.ofSeconds(5));
        StepVerifier.create(keys.ref("b").ask("1")).then(() -> advance(10)).expectNext("ok:1").expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(keys.ref("a").ask("2")).then(() -> advance(10)).expectNext("ok:2").expectComplete()
                .verify(Duration.ofSeconds(5));
        EntitiesSnapshot snap = keys.snapshot();
        assertThat(snap.active()).isEqualTo(1);
        assertThat(snap.waiting()).isZero();
        assertThat(snap.passivations()).isEqualTo(1); // b, to make room for a
    }

    /**
     * Entities.passivate: "A component that is starting or restarting is not passivated ... a Mono ... of
     * false at once"; README: "a key starting for its first message or being passivated does not [make
     * the tree not ready]". A key whose checkpoint loads slowly is starting meanwhile.
     */
    @Test
    void aKeyStartingOnASlowLoadIsNotPassivatedNorNotReady() {
        StateStore slow = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<StoredState> load(String key) {
                return Mono.delay(Duration.ofSeconds(2)).then(super.load(key));
            }
        };
        ComponentSpec<String, Integer> counter = PersistentStateTest.counter("counter")
                .persistent(Persistence.of(slow, PersistentStateTest.CODEC)).build();
        EntitiesSpec<String, String, Integer> spec = EntitiesSpec.named("counters", String.class, counter).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, Integer> counters = root.entities(spec);
        AtomicInteger reply = new AtomicInteger();
        counters.ref("a").ask("add").subscribe(reply::set, e -> { });
        advance(10);
        assertThat(counters.ref("a").state()).isEqualTo(ComponentState.STARTING);
        assertThat(root.readiness().ready()).isTrue();
        assertThat(counters.passivate("a").block(Duration.ofSeconds(1))).isFalse();
        advance(Duration.ofSeconds(2));
        assertThat(reply).hasValue(1);
        assertThat(counters.snapshot().passivations()).isZero();
    }

    /**
     * StateCodec.encode: "its encoding, never null"; README: "a save, or encode: logged, event
     * CheckpointFailed; the component keeps running": an encoder that answers null, a store whose save
     * answers null, and one whose save signals an Error each fail that checkpoint, saying which.
     */
    @Test
    void aCheckpointThatCannotBeSavedForAnyReasonIsSkippedSaying() {
        AtomicInteger mode = new AtomicInteger();
        StateCodec<PersistentStateTest.Counter> codec = StateCodec.of(
                c -> mode.get() == 0 ? null : PersistentStateTest.CODEC.encode(c), PersistentStateTest.CODEC::decode);
        StateStore store = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                switch (mode.get()) {
                    case 1:
                        return null;
                    case 2:
                        return Mono.error(new OutOfMemoryError("store heap"));
                    default:
                        return super.save(key, state);
                }
            }
        };
        ComponentSpec<String, Integer> spec = PersistentStateTest.counter("c")
                .persistent(Persistence.of(store, codec)).build();
        ComponentRef<String, Integer> ref = run(spec);
        expect(ref, "add", 1);
        mode.set(1);
        expect(ref, "add", 2);
        mode.set(2);
        expect(ref, "add", 3);
        mode.set(3);
        expect(ref, "add", 4);
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/c")).hasSize(3).satisfiesExactly(
                f -> assertThat(f.cause()).hasMessage("encoding the state of 'root/c' failed")
                        .hasRootCauseMessage("codec encoded null"),
                f -> assertThat(f.cause()).isInstanceOf(NullPointerException.class)
                        .hasMessage("StateStore.save returned null"),
                f -> assertThat(f.cause()).isInstanceOf(OutOfMemoryError.class).hasMessage("store heap"));
        assertThat(memory.load("root/c").block()).isEqualTo(StoredState.of(3, new byte[] {'4'}));
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
    }

    /**
     * Supervisor.entities: "a direct child first, otherwise the first match in the subtree, depth first in
     * start order"; "the spec the set was started from (compared by identity)"; "@throws
     * IllegalArgumentException if no set in this subtree was started from it".
     */
    @Test
    void aSetIsFoundByItsSpecDirectChildFirstThenDepthFirstByIdentity() {
        EntitiesSpec<String, String, String> spec = orders().build();
        EntitiesSpec<String, String, String> lookalike = orders().build();
        Supervisor root = start(Supervisor.named("root")
                .child(Supervisor.named("a").child(Supervisor.named("deep").entities(spec)))
                .child(Supervisor.named("b").entities(spec))
                .entities(spec));
        assertThat(root.entities(spec).path()).isEqualTo("root/orders");
        assertThat(root.supervisor("b").entities(spec).path()).isEqualTo("root/b/orders");
        assertThat(root.supervisor("a").entities(spec).path()).isEqualTo("root/a/deep/orders");
        Supervisor nested = start(Supervisor.named("top")
                .child(Supervisor.named("a").child(Supervisor.named("deep").entities(spec)))
                .child(Supervisor.named("b").entities(spec)));
        assertThat(nested.entities(spec).path()).isEqualTo("top/a/deep/orders");
        assertThatThrownBy(() -> root.entities(lookalike)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no entities started from spec 'orders' under 'root'");
        StepVerifier.create(root.entities(spec).ref("k").ask("x")).expectNext("1:x").verifyComplete();
        assertThat(root.supervisor("b").entities(spec).snapshot().activations()).isZero();
    }

    /** EntitiesSnapshot: "Copies the map, so that a snapshot never changes". */
    @Test
    void anEntitiesSnapshotNeverChanges() {
        Map<String, String> notReady = new LinkedHashMap<>();
        notReady.put("shop/carts/b", "RESTARTING");
        notReady.put("shop/carts/a", "RESTARTING");
        EntitiesSnapshot snap = new EntitiesSnapshot("carts", "shop/carts", ComponentState.RUNNING, 0,
                Duration.ofSeconds(1), 2, 0, 2, 0, 10, 2, 0, notReady, 2);
        notReady.clear();
        assertThat(snap.notReady()).containsExactly(Map.entry("shop/carts/b", "RESTARTING"),
                Map.entry("shop/carts/a", "RESTARTING"));
        assertThatThrownBy(() -> snap.notReady().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(snap.kind()).isEqualTo("entities");
        assertThatThrownBy(() -> new EntitiesSnapshot("carts", "shop/carts", ComponentState.RUNNING, 0,
                Duration.ZERO, 0, 0, 0, 0, 1, 0, 0, null, 0)).isInstanceOf(NullPointerException.class)
                .hasMessage("notReady");
        assertThat(new EntitiesSnapshot("carts", "shop/carts", ComponentState.RUNNING, 0, Duration.ZERO, 0, 0, 0, 0,
                1, 0, 0).notReady()).isEmpty();
    }

    /**
     * README: "A save not ended within 10 s counts as failed, and a component that stops waits at most
     * that long for its last save"; "What a restart starts from ... once the saves of that key still
     * under way in this process have ended". A passivation whose save never answers ends within the
     * bound, and a message sent meanwhile reaches the next activation, which starts from what the store
     * has (nothing here: the unsaved state is lost, as a failed save's is).
     */
    @Test
    void aPassivationWhoseSaveNeverAnswersEndsWithinItsBoundAndTheNextActivationRuns() {
        StateStore stuck = new PersistentStateTest.Delegating(memory) {
            @Override
            public Mono<Boolean> save(String key, StoredState state) {
                return Mono.never();
            }
        };
        Entities<String, String, Integer> counters = counters(Persistence.of(stuck, PersistentStateTest.CODEC)
                .checkpoint(CheckpointRule.everyMessages(1000)));
        expect(counters.ref("a"), "add", 1);
        AtomicBoolean passivated = new AtomicBoolean();
        counters.passivate("a").subscribe(passivated::set);
        AtomicInteger reply = new AtomicInteger();
        counters.ref("a").ask("add").subscribe(reply::set, e -> { });
        advance(Duration.ofSeconds(9));
        assertThat(passivated).isFalse();
        assertThat(reply).hasValue(0);
        advance(Duration.ofSeconds(1).plusMillis(10));
        assertThat(passivated).isTrue();
        assertThat(reply).hasValue(1);
        assertThat(events(SupervisionEvent.CheckpointFailed.class, "root/counters/a")).singleElement()
                .satisfies(f -> assertThat(f.cause()).isInstanceOf(TimeoutException.class));
        assertThat(events(SupervisionEvent.Started.class, "root/counters/a")).hasSize(2);
    }

    /**
     * README: "Passivating is a graceful stop: the component finishes its message in progress and its
     * mailbox"; "A message sent while its key's component is being passivated ... is held and delivered
     * to the next activation"; DESIGN: "every message accepted by a mailbox is either handled or published
     * as a dead letter with a reason". A message of its mailbox that crashes it while it passivates.
     */
    @Test
    void aCrashWhilePassivatingLosesNothingAndTheNextActivationRuns() {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicInteger incarnations = new AtomicInteger();
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Integer>named("slow")
                .state(incarnations::incrementAndGet)
                .handler((n, m) -> Mono.delay(Duration.ofSeconds(1)).map(x -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    log.add(n + ":" + m);
                    return m;
                }))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("keys", String.class, slow).build();
        Entities<String, String, String> keys = start(Supervisor.named("root").entities(spec)).entities(spec);
        ComponentRef<String, String> ref = keys.ref("k");
        ref.tell("1");
        advance(10);
        ref.tell("2");
        ref.tell("boom");
        ref.tell("3");
        AtomicBoolean passivated = new AtomicBoolean();
        AtomicReference<Throwable> passivateError = new AtomicReference<>();
        keys.passivate("k").subscribe(passivated::set, passivateError::set);
        ref.tell("4"); // while it passivates: held for the next activation
        advance(Duration.ofSeconds(10));
        List<Object> deadLetters = events(SupervisionEvent.DeadLetter.class).stream()
                .map(SupervisionEvent.DeadLetter::message).collect(Collectors.toList());
        assertThat(passivateError).hasValue(null);
        assertThat(passivated).isTrue();
        assertThat(deadLetters).containsExactly("boom"); // the message it crashed on, as any crash
        // the crash restarts it to finish its mailbox (incarnation 2); the held message goes to the next one
        assertThat(log).containsExactly("1:1", "1:2", "2:3", "3:4");
        StepVerifier.create(ref.ask("5")).then(() -> advance(Duration.ofSeconds(2))).expectNext("5").expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(log).containsExactly("1:1", "1:2", "2:3", "3:4", "3:5");
        assertThat(kinds("root/keys/k")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting",
                "Restarted", "Stopped", "Started");
    }

    /**
     * README: "each incarnation, a restart or a keyed component's re-activation, starts from the last
     * one"; "A graceful stop (..., a passivation) ... saves what was handled since the last checkpoint":
     * a passivation to make room (maxActive) too, so keys evicted in turn keep their state.
     */
    @Test
    void keysEvictedToMakeRoomKeepTheirStateAcrossActivations() {
        ComponentSpec<String, Integer> counter = PersistentStateTest.counter("counter")
                .persistent(Persistence.of(memory, PersistentStateTest.CODEC)
                        .checkpoint(CheckpointRule.everyMessages(1000))).build();
        EntitiesSpec<String, String, Integer> spec = EntitiesSpec.named("counters", String.class, counter)
                .maxActive(1).build();
        Entities<String, String, Integer> counters = start(Supervisor.named("root").entities(spec)).entities(spec);
        expect(counters.ref("a"), "add", 1);
        expect(counters.ref("a"), "add", 2);
        StepVerifier.create(counters.ref("b").ask("add")).then(() -> advance(10)).expectNext(1).expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(counters.ref("a").ask("add")).then(() -> advance(10)).expectNext(3).expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(counters.ref("b").ask("add")).then(() -> advance(10)).expectNext(2).expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(counters.snapshot().passivations()).isEqualTo(3);
        assertThat(memory.load("root/counters/a").block()).isEqualTo(StoredState.of(2, new byte[] {'3'}));
        assertThat(memory.load("root/counters/b").block()).isEqualTo(StoredState.of(1, new byte[] {'1'}));
        assertThat(events(SupervisionEvent.Stopped.class)).extracting(SupervisionEvent.Stopped::reason)
                .containsOnly("passivated: least recently used of 1 active");
    }

    /**
     * Entities.ref: "Its state() is the component's while it is active, and STARTING when it is not: its
     * next message starts it", and STOPPED once the set is stopping or stopped (its next message is
     * refused); ComponentRef.stats(): "@throws UnsupportedOperationException ... from a keyed component's
     * ref while the key is not active".
     */
    @Test
    void aKeyRefWithoutAComponentIsStartingThenStoppedWithTheSetAndHasNoStats() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        ComponentRef<String, String> ref = orders.ref("k");
        assertThat(ref.state()).isEqualTo(ComponentState.STARTING);
        assertThat(ref.mailboxDepth()).isZero();
        assertThatThrownBy(ref::stats).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("'root/orders/k' is not active: a keyed component has stats while it is active "
                        + "(Entities.snapshot(key))");
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        assertThat(ref.stats().handled()).isEqualTo(1);
        root.shutdown(Duration.ofSeconds(1)).subscribe();
        advance(Duration.ofSeconds(2));
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(ref.tell("b")).isFalse();
    }

    /**
     * Entities.passivate: "a Mono of false at once if the key has no running component (not active,
     * starting, restarting, or being passivated already)": a key waiting for a place, and a key already
     * being passivated; the first passivation's Mono is true once the component has stopped.
     */
    @Test
    void passivateIsFalseAtOnceForAWaitingKeyAndForAKeyAlreadyPassivating() {
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow")
                .state(Object::new)
                .handler((st, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn(m))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("keys", String.class, slow).maxActive(1)
                .build();
        Entities<String, String, String> keys = start(Supervisor.named("root").entities(spec)).entities(spec);
        keys.ref("a").tell("1"); // busy for 1 s
        advance(10);
        keys.ref("b").tell("1"); // waits for a place
        assertThat(keys.snapshot().waiting()).isEqualTo(1);
        assertThat(keys.passivate("b").block(Duration.ofSeconds(1))).isFalse();
        AtomicBoolean first = new AtomicBoolean();
        keys.passivate("a").subscribe(first::set);
        assertThat(keys.passivate("a").block(Duration.ofSeconds(1))).isFalse();
        assertThat(first).isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(first).isTrue();
        advance(Duration.ofSeconds(1));
        EntitiesSnapshot snap = keys.snapshot();
        assertThat(snap.passivations()).isEqualTo(1);
        assertThat(snap.activations()).isEqualTo(2);
        assertThat(snap.waiting()).isZero();
        assertThat(keys.snapshot("b")).get().extracting(ComponentSnapshot::handled).isEqualTo(1L);
    }

    /**
     * ComponentRef.mailboxDepth: "how many messages wait in the mailbox; for a keyed component's ref,
     * also those held for its key while it waits for a place in its set or while its component
     * passivates". It answered 0 for a key whose messages were held.
     */
    @Test
    void aKeyRefCountsTheMessagesHeldForItsKey() {
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow")
                .state(Object::new)
                .handler((st, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn(m))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("keys", String.class, slow).maxActive(1)
                .build();
        Entities<String, String, String> keys = start(Supervisor.named("root").entities(spec)).entities(spec);
        keys.ref("a").tell("1"); // busy for 1 s
        keys.ref("a").tell("2");
        advance(10);
        assertThat(keys.ref("a").mailboxDepth()).isEqualTo(1); // "1" is being handled, "2" waits
        keys.ref("b").tell("1"); // the set is full: b waits for a place, its messages held
        keys.ref("b").tell("2");
        keys.ref("b").tell("3");
        assertThat(keys.snapshot().waiting()).isEqualTo(1);
        assertThat(keys.ref("b").mailboxDepth()).isEqualTo(3);
        advance(Duration.ofSeconds(10)); // a ends both messages, is passivated; b handles its three
        assertThat(keys.ref("b").mailboxDepth()).isZero();
        assertThat(keys.snapshot("b")).get().extracting(ComponentSnapshot::handled).isEqualTo(3L);
    }
}
