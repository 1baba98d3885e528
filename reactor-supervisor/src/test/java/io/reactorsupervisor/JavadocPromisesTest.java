package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Promises of the public javadoc that no other test holds to: defaults, boundaries of the
 * accepted ranges, and durations too long for the tree's clock, refused with a message that
 * names the parameter, the range and the value.
 */
class JavadocPromisesTest extends VirtualTimeTest {

    private static final Duration ONE = Duration.ofSeconds(1);
    private static final Duration HUGE = Duration.ofDays(365L * 300);
    private static final String TOO_LONG = " must be positive and at most 36500 days (100 years), but was " + HUGE;

    private static final StateCodec<AtomicInteger> CODEC = StateCodec.of(
            n -> Integer.toString(n.get()).getBytes(StandardCharsets.UTF_8),
            b -> new AtomicInteger(Integer.parseInt(new String(b, StandardCharsets.UTF_8))));

    private static ComponentSpec.Builder<String, String, AtomicInteger> counter(String name) {
        return ComponentSpec.<String, String, AtomicInteger>named(name).state(AtomicInteger::new)
                .syncHandler((n, m) -> m + n.incrementAndGet());
    }

    /** {@link RestartLimit#DEFAULT}: 10 restarts within one minute. */
    @Test
    void restartLimitDefaultIsTenRestartsWithinOneMinute() {
        assertThat(RestartLimit.DEFAULT.maxRestarts()).isEqualTo(10);
        assertThat(RestartLimit.DEFAULT.within()).isEqualTo(Duration.ofMinutes(1));
        assertThat(RestartLimit.DEFAULT.isUnlimited()).isFalse();
    }

    /** {@link RestartLimit#of(int, Duration)}: 0 restarts and a window of 36500 days are accepted. */
    @Test
    void restartLimitAcceptsZeroRestartsAndAWindowOfExactlyOneHundredYears() {
        RestartLimit limit = RestartLimit.of(0, Duration.ofDays(36_500));
        assertThat(limit.maxRestarts()).isZero();
        assertThat(limit.within()).isEqualTo(Duration.ofDays(36_500));
        assertThat(limit.isUnlimited()).isFalse();
        assertThatThrownBy(() -> RestartLimit.of(1, Duration.ofDays(36_500).plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("within must be positive and at most 36500 days (100 years), but was "
                        + Duration.ofDays(36_500).plusNanos(1));
    }

    /** {@link RestartLimit#unlimited()} and {@link RestartLimit#isUnlimited()}. */
    @Test
    void restartLimitUnlimitedSaysItIsUnlimited() {
        assertThat(RestartLimit.unlimited().isUnlimited()).isTrue();
        assertThat(RestartLimit.unlimited()).isSameAs(RestartLimit.unlimited());
    }

    /** {@link Mailbox#DEFAULT}, {@link Mailbox#unbounded()} and {@link Mailbox#bounded(int)}: their capacities. */
    @Test
    void mailboxDefaultHoldsTenThousandMessagesAndUnboundedReportsIntegerMaxValue() {
        assertThat(Mailbox.DEFAULT.capacity()).isEqualTo(Mailbox.DEFAULT_CAPACITY).isEqualTo(10_000);
        assertThat(Mailbox.unbounded().capacity()).isEqualTo(Integer.MAX_VALUE);
        assertThat(Mailbox.bounded(1).capacity()).isEqualTo(1);
    }

    /** {@link RestartStrategy#exponentialBackoff(Duration, Duration, double)}: an initial delay above 36500 days is refused. */
    @Test
    void exponentialBackoffRefusesAnInitialDelayAboveOneHundredYearsNamingTheParameter() {
        assertThatThrownBy(() -> RestartStrategy.exponentialBackoff(HUGE, HUGE, 2.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("initial" + TOO_LONG);
        assertThatThrownBy(() -> RestartStrategy.exponentialBackoff(null, ONE, 2.0))
                .isInstanceOf(NullPointerException.class).hasMessage("initial");
    }

    /** {@link RestartStrategy#exponentialBackoff(Duration, Duration, double)}: a multiplier of exactly 1.0 is accepted, without jitter. */
    @Test
    void exponentialBackoffAcceptsAMultiplierOfOneAndHasNoJitter() {
        RestartStrategy flat = RestartStrategy.exponentialBackoff(ONE, ONE, 1.0);
        assertThat(flat.jitter()).isZero();
        assertThat(flat.delay(5)).isEqualTo(ONE);
    }

    /** {@link RestartStrategy#withResetAfter(Duration)}: a reset time above 36500 days is refused. */
    @Test
    void withResetAfterRefusesADurationAboveOneHundredYearsNamingTheParameter() {
        assertThatThrownBy(() -> RestartStrategy.exponentialBackoff(ONE, ONE, 2.0).withResetAfter(HUGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("resetAfter" + TOO_LONG);
    }

    /** {@link RestartStrategy#withResetAfter(Duration)}: accepted on a strategy made of a backoff spec. */
    @Test
    void withResetAfterAppliesToAStrategyMadeOfABackoffSpec() {
        RestartStrategy custom = RestartStrategy.of(Retry.backoff(3, ONE).maxBackoff(Duration.ofSeconds(10)));
        assertThat(custom.withResetAfter(Duration.ofMinutes(1))).isNotEqualTo(custom);
    }

    /**
     * {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: a spec whose maximum
     * backoff is above 36500 days (Reactor's default maximum) is refused, naming it.
     */
    @Test
    void ofRefusesABackoffSpecWhoseMaximumBackoffIsAboveOneHundredYears() {
        assertThatThrownBy(() -> RestartStrategy.of(Retry.backoff(3, ONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.maxBackoff must be at least PT0S and at most 36500 days (100 years), but was ");
        assertThatThrownBy(() -> RestartStrategy.of(Retry.backoff(3, HUGE).maxBackoff(HUGE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.minBackoff must be at least PT0S and at most 36500 days (100 years), but was " + HUGE);
        assertThatThrownBy(() -> RestartStrategy.of(Retry.backoff(3, ONE).maxBackoff(HUGE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.maxBackoff must be at least PT0S and at most 36500 days (100 years), but was " + HUGE);
        assertThatThrownBy(() -> RestartStrategy.of(null))
                .isInstanceOf(NullPointerException.class).hasMessage("spec");
    }

    /** {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: the spec's jitter is kept. */
    @Test
    void ofKeepsTheJitterOfTheSpec() {
        RestartStrategy custom = RestartStrategy.of(Retry.backoff(3, ONE).maxBackoff(Duration.ofSeconds(10)).jitter(0.3));
        assertThat(custom.jitter()).isEqualTo(0.3);
    }

    /** {@link RestartStrategy#withJitter(double)}: refused on a strategy made of a backoff spec. */
    @Test
    void withJitterIsRefusedOnAStrategyMadeOfABackoffSpec() {
        RestartStrategy custom = RestartStrategy.of(Retry.fixedDelay(3, ONE));
        assertThatThrownBy(() -> custom.withJitter(0.1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("withJitter applies to delayed and exponentialBackoff, not a strategy made of a "
                        + "RetryBackoffSpec (set its jitter)");
    }

    /** {@link RestartStrategy#jitter()}: 0.0 when none was set; a {@code withX} copy leaves the original as it was. */
    @Test
    void jitterIsZeroWhenNoneWasSetAndWithJitterLeavesTheOriginalUnchanged() {
        RestartStrategy delayed = RestartStrategy.delayed(ONE);
        RestartStrategy jittered = delayed.withJitter(0.5);
        assertThat(delayed.jitter()).isZero();
        assertThat(jittered.jitter()).isEqualTo(0.5);
        assertThat(RestartStrategy.immediate().jitter()).isZero();
        assertThat(RestartStrategy.delayed(ONE).withJitter(0.0).jitter()).isZero();
        assertThat(RestartStrategy.delayed(ONE).withJitter(1.0).jitter()).isEqualTo(1.0);
    }

    /** {@link RestartStrategy#delay(long)}: zero for immediate, the delay itself for a fixed delay, whatever the attempt. */
    @Test
    void delayIsZeroForImmediateAndTheFixedDelayForDelayedWhateverTheAttempt() {
        assertThat(RestartStrategy.immediate().delay(0)).isEqualTo(Duration.ZERO);
        assertThat(RestartStrategy.immediate().delay(Long.MAX_VALUE)).isEqualTo(Duration.ZERO);
        assertThat(RestartStrategy.delayed(ONE).delay(Long.MAX_VALUE)).isEqualTo(ONE);
        assertThat(RestartStrategy.exponentialBackoff(ONE, Duration.ofDays(36_500), 2.0).delay(Long.MAX_VALUE))
                .isEqualTo(Duration.ofDays(36_500));
    }

    /** {@link HealthCheck#every(Duration)}: the timeout equals the interval and 3 failures in a row restart. */
    @Test
    void healthCheckEveryDefaultsItsTimeoutToTheIntervalAndItsThresholdToThree() {
        HealthCheck check = HealthCheck.every(Duration.ofSeconds(10));
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.unhealthyAfter()).isEqualTo(HealthCheck.DEFAULT_UNHEALTHY_AFTER).isEqualTo(3);
    }

    /** {@link HealthCheck#every(Duration)}: exactly {@link HealthCheck#MIN_INTERVAL} is accepted, above 36500 days is refused. */
    @Test
    void healthCheckEveryAcceptsTheMinimumIntervalAndRefusesOneAboveOneHundredYears() {
        assertThat(HealthCheck.every(HealthCheck.MIN_INTERVAL).interval()).isEqualTo(Duration.ofMillis(10));
        assertThatThrownBy(() -> HealthCheck.every(HUGE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be at least PT0.01S and at most 36500 days (100 years), but was " + HUGE);
    }

    /** {@link HealthCheck#withTimeout(Duration)} and {@link HealthCheck#withUnhealthyAfter(int)} return copies. */
    @Test
    void healthCheckWithMethodsReturnCopiesAndLeaveTheOriginalUnchanged() {
        HealthCheck check = HealthCheck.every(Duration.ofSeconds(10));
        HealthCheck changed = check.withTimeout(ONE).withUnhealthyAfter(1);
        assertThat(changed.timeout()).isEqualTo(ONE);
        assertThat(changed.unhealthyAfter()).isEqualTo(1);
        assertThat(changed.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.unhealthyAfter()).isEqualTo(3);
    }

    /** {@link CheckpointRule#every(Duration)} and {@link CheckpointRule#orEvery(Duration)}: above 36500 days is refused. */
    @Test
    void checkpointRuleRefusesAnIntervalAboveOneHundredYearsNamingTheParameter() {
        assertThatThrownBy(() -> CheckpointRule.every(HUGE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval" + TOO_LONG);
        assertThatThrownBy(() -> CheckpointRule.everyMessages(5).orEvery(HUGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval" + TOO_LONG);
        assertThatThrownBy(() -> CheckpointRule.every(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be positive and at most 36500 days (100 years), but was PT-1S");
    }

    /** {@link CheckpointRule#orEveryMessages(int)}: below 1 is refused. */
    @Test
    void checkpointRuleOrEveryMessagesRefusesZero() {
        assertThatThrownBy(() -> CheckpointRule.every(ONE).orEveryMessages(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("messages must be >= 1, but was 0");
    }

    /** {@link CheckpointRule#messages()} and {@link CheckpointRule#interval()}: 0 and null when the other one alone counts. */
    @Test
    void checkpointRuleReportsZeroMessagesOrANullIntervalForWhatItDoesNotCount() {
        assertThat(CheckpointRule.EVERY_MESSAGE.messages()).isEqualTo(1);
        assertThat(CheckpointRule.EVERY_MESSAGE.interval()).isNull();
        assertThat(CheckpointRule.everyMessages(7).interval()).isNull();
        assertThat(CheckpointRule.every(ONE).messages()).isZero();
        assertThat(CheckpointRule.every(ONE).interval()).isEqualTo(ONE);
        CheckpointRule both = CheckpointRule.every(ONE).orEveryMessages(4);
        assertThat(both.messages()).isEqualTo(4);
        assertThat(both.interval()).isEqualTo(ONE);
    }

    /** {@link Persistence#of(StateStore, StateCodec)}: keys without a prefix, the store and codec given. */
    @Test
    void persistenceOfHasNoKeyPrefixAndKeepsItsStoreAndCodec() {
        StateStore store = StateStore.inMemory();
        Persistence<AtomicInteger> p = Persistence.of(store, CODEC);
        assertThat(p.discardAfter()).isEqualTo(Persistence.DEFAULT_DISCARD_AFTER);
        assertThat(p.keyPrefix()).isEmpty();
        assertThat(p.store()).isSameAs(store);
        assertThat(p.codec()).isSameAs(CODEC);
        assertThatThrownBy(() -> Persistence.of(store, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("codec");
    }

    /** {@link Persistence#discardAfter(int)}: 1 and 1000 are accepted, 1001 is refused. */
    @Test
    void persistenceDiscardAfterAcceptsOneToOneThousandAndRefusesAbove() {
        Persistence<AtomicInteger> p = Persistence.of(StateStore.inMemory(), CODEC);
        assertThat(p.discardAfter(1).discardAfter()).isEqualTo(1);
        assertThat(p.discardAfter(1000).discardAfter()).isEqualTo(1000);
        assertThat(p.discardAfter()).isEqualTo(3);
        assertThatThrownBy(() -> p.discardAfter(1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("discardAfter must be between 1 and 1000, but was 1001");
    }

    /** {@link Persistence#keyPrefix(String)}: 200 characters are accepted and the prefix is put before the path. */
    @Test
    void persistenceKeyPrefixAcceptsTwoHundredCharactersAndIsPutBeforeThePath() {
        Persistence<AtomicInteger> p = Persistence.of(StateStore.inMemory(), CODEC);
        String prefix = "x".repeat(200);
        assertThat(p.keyPrefix(prefix).keyPrefix()).isEqualTo(prefix);
        assertThat(p.keyPrefix("app:").key("root/c")).isEqualTo("app:root/c");
        assertThatThrownBy(() -> p.keyPrefix(null)).isInstanceOf(NullPointerException.class).hasMessage("prefix");
    }

    /** {@link ComponentSpec.Builder}: the defaults its methods' javadoc names. */
    @Test
    void componentSpecBuilderDefaultsAreTheOnesItsJavadocNames() {
        ComponentSpec<String, String> spec = counter("c").build();
        assertThat(spec.restartStrategy()).isEqualTo(RestartStrategy.immediate());
        assertThat(spec.restartLimit()).isEqualTo(RestartLimit.DEFAULT);
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.PERMANENT);
        assertThat(spec.mailbox()).isEqualTo(Mailbox.DEFAULT);
        assertThat(spec.redeliveries()).isZero();
        assertThat(spec.healthCheck()).isNull();
        assertThat(spec.processingTimeout()).isNull();
        assertThat(spec.processingTimeoutDirective()).isEqualTo(Directive.RESTART);
        assertThat(spec.readinessThreshold()).isEqualTo(ComponentSpec.Builder.DEFAULT_READINESS_THRESHOLD)
                .isEqualTo(0.8);
        assertThat(spec.persistence()).isNull();
        assertThat(spec.directiveFor(new IllegalStateException())).isEqualTo(Directive.RESTART);
        assertThat(spec.name()).isEqualTo("c");
    }

    /** {@link ComponentSpec.Builder#processingTimeout(Duration)}: the message that passes it restarts the component. */
    @Test
    void processingTimeoutWithoutADirectiveRestarts() {
        ComponentSpec<String, String> spec = counter("c").processingTimeout(Duration.ofSeconds(2), Directive.STOP)
                .processingTimeout(ONE).build();
        assertThat(spec.processingTimeout()).isEqualTo(ONE);
        assertThat(spec.processingTimeoutDirective()).isEqualTo(Directive.RESTART);
        assertThat(counter("c").processingTimeout(Duration.ofDays(36_500)).build().processingTimeout())
                .isEqualTo(Duration.ofDays(36_500));
        assertThatThrownBy(() -> counter("c").processingTimeout(ONE, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("directive");
    }

    /** {@link ComponentSpec#directiveFor(Throwable)}: the first matching rule in declaration order, subclasses included. */
    @Test
    void directiveForAppliesTheFirstMatchingRuleToSubclassesToo() {
        ComponentSpec<String, String> spec = counter("c")
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .onFailure(RuntimeException.class, Directive.STOP)
                .build();
        assertThat(spec.directiveFor(new NumberFormatException())).isEqualTo(Directive.RESUME);
        assertThat(spec.directiveFor(new IllegalStateException())).isEqualTo(Directive.STOP);
        assertThat(spec.directiveFor(new Exception())).isEqualTo(Directive.RESTART);
        assertThatThrownBy(() -> spec.directiveFor(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("failure");
    }

    /** {@link ComponentSpec#toBuilder()}: the copy keeps everything of the spec, its persistence included. */
    @Test
    void toBuilderKeepsThePersistenceOfTheSpec() {
        Persistence<AtomicInteger> persistence = Persistence.of(StateStore.inMemory(), CODEC).discardAfter(5);
        ComponentSpec<String, String> original = counter("c").persistent(persistence).build();
        ComponentSpec<String, String> copy = original.toBuilder().mailbox(Mailbox.bounded(5)).build();
        assertThat(copy.persistence()).isSameAs(persistence);
    }

    /** {@link SupervisorSpec.Builder}: the defaults its methods' javadoc names. */
    @Test
    void supervisorSpecBuilderDefaultsAreTheOnesItsJavadocNames() {
        SupervisorSpec spec = Supervisor.named("root").build();
        assertThat(spec.name()).isEqualTo("root");
        assertThat(spec.strategy()).isEqualTo(SupervisionStrategy.ONE_FOR_ONE);
        assertThat(spec.intensity()).isEqualTo(RestartLimit.DEFAULT);
        assertThat(spec.escalates()).isFalse();
        assertThat(spec.maxChildren()).isEqualTo(Integer.MAX_VALUE);
        assertThat(spec.children()).isEmpty();
        assertThat(spec.entities()).isNull();
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.PERMANENT);
        assertThat(Supervisor.named("root").escalateOnFailure().build().escalates()).isTrue();
    }

    /** {@link SupervisorSpec#children()}: in the order they were added; {@link SupervisorSpec#entities()} names a set. */
    @Test
    void supervisorSpecKeepsItsChildrenInTheOrderAddedAndNamesItsSet() {
        ComponentSpec<String, String> a = counter("a").build();
        ComponentSpec<String, String> b = counter("b").build();
        SupervisorSpec spec = Supervisor.named("root").child(b).child(a).child(Supervisor.named("sub")).build();
        assertThat(spec.children()).extracting(ChildSpec::name).containsExactly("b", "a", "sub");
        EntitiesSpec<String, String, String> set = EntitiesSpec.named("orders", String.class, a).build();
        SupervisorSpec withSet = Supervisor.named("root").entities(set).build();
        assertThat(withSet.children()).hasSize(1);
        SupervisorSpec setSupervisor = (SupervisorSpec) withSet.children().get(0);
        assertThat(setSupervisor.entities()).isSameAs(set);
        assertThat(setSupervisor.children()).isEmpty();
    }

    /** {@link SupervisorSpec.Builder#maxChildren(int)}: exactly the number of children already added is accepted. */
    @Test
    void maxChildrenEqualToTheChildrenAlreadyAddedIsAccepted() {
        SupervisorSpec spec = Supervisor.named("root").child(counter("a").build()).child(counter("b").build())
                .maxChildren(2).build();
        assertThat(spec.maxChildren()).isEqualTo(2);
    }

    /** {@link EntitiesSpec.Builder}: the defaults its methods' javadoc names. */
    @Test
    void entitiesSpecBuilderDefaultsAreTheOnesItsJavadocNames() {
        ComponentSpec<String, String> template = counter("t").build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template).build();
        assertThat(spec.name()).isEqualTo("orders");
        assertThat(spec.keyType()).isEqualTo(String.class);
        assertThat(spec.template()).isSameAs(template);
        assertThat(spec.idleTimeout()).isNull();
        assertThat(spec.maxActive()).isEqualTo(EntitiesSpec.UNBOUNDED);
        assertThat(spec.maxWaiting()).isEqualTo(EntitiesSpec.UNBOUNDED);
        assertThat(spec.intensity()).isEqualTo(RestartLimit.DEFAULT);
    }

    /** {@link EntitiesSpec.Builder#idleTimeout(Duration)}: 1 ms is accepted, above 36500 days is refused. */
    @Test
    void idleTimeoutAcceptsOneMillisecondAndRefusesAboveOneHundredYears() {
        ComponentSpec<String, String> template = counter("t").build();
        assertThat(EntitiesSpec.named("orders", String.class, template).idleTimeout(Duration.ofMillis(1)).build()
                .idleTimeout()).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> EntitiesSpec.named("orders", String.class, template).idleTimeout(HUGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout must be at least PT0.001S and at most 36500 days (100 years), but was " + HUGE);
    }

    /** {@link EntitiesSpec#named(String, Class, ComponentSpec)}: a null argument is refused, naming it. */
    @Test
    void entitiesSpecNamedRefusesNullArgumentsNamingThem() {
        ComponentSpec<String, String> template = counter("t").build();
        assertThatThrownBy(() -> EntitiesSpec.named("orders", null, template))
                .isInstanceOf(NullPointerException.class).hasMessage("keyType");
        assertThatThrownBy(() -> EntitiesSpec.named("orders", String.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("template");
        assertThatThrownBy(() -> EntitiesSpec.named(null, String.class, template))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> EntitiesSpec.named("a/b", String.class, template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be non-blank and must not contain '/', but was 'a/b'");
    }

    /** {@link Supervisor#entities(EntitiesSpec)}: a null spec is refused, naming it. */
    @Test
    void supervisorEntitiesRefusesANullSpec() {
        Supervisor root = start(Supervisor.named("root"));
        assertThatThrownBy(() -> root.entities(null)).isInstanceOf(NullPointerException.class).hasMessage("spec");
    }

    /**
     * {@link ComponentStats#restartsInWindow()}: 0 for an unlimited limit, while
     * {@link ComponentStats#restarts()} counts; {@link ComponentStats#mailboxCapacity()}:
     * {@link Integer#MAX_VALUE} when unbounded.
     */
    @Test
    void statsOfAnUnlimitedComponentReportNoRestartsInWindowAndAnUnboundedCapacity() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").limit(RestartLimit.unlimited())
                .mailbox(Mailbox.unbounded()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("boom 1");
        advance(1);
        ref.tell("boom 2");
        advance(1);
        ComponentStats stats = ref.stats();
        assertThat(stats.restarts()).isEqualTo(2);
        assertThat(stats.crashes()).isEqualTo(2);
        assertThat(stats.restartsInWindow()).isZero();
        assertThat(stats.mailboxCapacity()).isEqualTo(Integer.MAX_VALUE);
    }

    /**
     * {@link GuardReports#stateChanged(ComponentRef, String, String, String)}: a tree's ref is
     * reported (event, snapshot, stats) and true returned; any other ref returns false.
     */
    @Test
    void guardReportsPublishTheChangeForATreesRefAndReturnFalseForAnyOtherRef() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        advance(1);
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(GuardReports.stateChanged(ref, "billing", "CLOSED", "OPEN")).isTrue();
        advance(1);

        assertThat(events(SupervisionEvent.CircuitStateChanged.class, "root/c"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.breaker()).isEqualTo("billing");
                    assertThat(e.fromState()).isEqualTo("CLOSED");
                    assertThat(e.toState()).isEqualTo("OPEN");
                });
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).circuitBreakers()).containsExactly(
                Map.entry("billing", "OPEN"));
        assertThat(ref.stats().circuitBreakers()).containsExactly(Map.entry("billing", "OPEN"));

        ComponentRef<String, String> wrapper = new ForwardingRef<>(ref);
        assertThat(GuardReports.stateChanged(wrapper, "other", "CLOSED", "OPEN")).isFalse();
        advance(1);
        assertThat(events(SupervisionEvent.CircuitStateChanged.class)).hasSize(1);
    }

    /** {@link ComponentState#isTerminal()}: true for STOPPED and FAILED only. */
    @Test
    void onlyStoppedAndFailedAreTerminal() {
        assertThat(EnumSet.allOf(ComponentState.class).stream().filter(ComponentState::isTerminal))
                .containsExactlyInAnyOrder(ComponentState.STOPPED, ComponentState.FAILED);
    }

    /**
     * The canonical constructors of {@link SupervisorSnapshot}, {@link ComponentSnapshot},
     * {@link EntitiesSnapshot} and {@link Readiness} copy their collections: a snapshot never changes.
     */
    @Test
    void snapshotsCopyTheirCollectionsSoThatTheyNeverChange() {
        Map<String, String> breakers = new HashMap<>(Map.of("b", "OPEN"));
        ComponentSnapshot c = new ComponentSnapshot("c", "root/c", ComponentState.RUNNING, 0, Duration.ZERO, 0, 0, 0,
                breakers, true, null);
        List<ChildSnapshot> children = new ArrayList<>(List.of(c));
        SupervisorSnapshot root = new SupervisorSnapshot("root", "root", SupervisionStrategy.ONE_FOR_ONE,
                ComponentState.RUNNING, 0, Duration.ZERO, children);
        Map<String, String> notReady = new LinkedHashMap<>(Map.of("root/c", "FAILED"));
        Readiness readiness = new Readiness(false, notReady);
        EntitiesSnapshot set = new EntitiesSnapshot("s", "root/s", ComponentState.RUNNING, 0, Duration.ZERO, 1, 0, 0,
                0, EntitiesSpec.UNBOUNDED, 1, 0, notReady, 1);

        breakers.clear();
        children.clear();
        notReady.clear();

        assertThat(c.circuitBreakers()).containsExactly(Map.entry("b", "OPEN"));
        assertThat(root.children()).containsExactly(c);
        assertThat(readiness.notReady()).containsExactly(Map.entry("root/c", "FAILED"));
        assertThat(set.notReady()).containsExactly(Map.entry("root/c", "FAILED"));
        assertThatThrownBy(() -> root.children().add(c)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> readiness.notReady().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** {@link EntitiesSnapshot}'s shorter constructor: every active keyed component is ready. */
    @Test
    void anEntitiesSnapshotWithoutNotReadyKeysListsNone() {
        EntitiesSnapshot set = new EntitiesSnapshot("s", "root/s", ComponentState.RUNNING, 0, Duration.ZERO, 3, 0, 0,
                0, 10, 3, 0);
        assertThat(set.notReady()).isEmpty();
        assertThat(set.notReadyKeys()).isZero();
        assertThat(set.kind()).isEqualTo("entities");
    }

    /**
     * {@link SupervisorSnapshot#countByState()}: states without children are absent;
     * {@link SupervisorSnapshot#child(String)}: a path that names no child, a trailing '/' included, is refused.
     */
    @Test
    void countByStateLeavesOutStatesWithoutChildren() {
        ComponentSnapshot running = new ComponentSnapshot("a", "root/a", ComponentState.RUNNING, 0, Duration.ZERO, 0,
                0, 0, Map.of(), true, null);
        ComponentSnapshot failed = new ComponentSnapshot("b", "root/b", ComponentState.FAILED, 0, Duration.ZERO, 0,
                0, 0, Map.of(), false, Directive.ESCALATE);
        SupervisorSnapshot root = new SupervisorSnapshot("root", "root", SupervisionStrategy.ONE_FOR_ONE,
                ComponentState.RUNNING, 0, Duration.ZERO, List.of(running, failed, running));
        assertThat(root.countByState()).containsOnly(Map.entry(ComponentState.RUNNING, 2),
                Map.entry(ComponentState.FAILED, 1));
        assertThatThrownBy(() -> root.child("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no child 'nope' under 'root'");
        assertThatThrownBy(() -> root.child("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no child 'a/b' under 'root'");
        assertThatThrownBy(() -> root.child("a/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no child 'a/' under 'root'");
        assertThatThrownBy(() -> root.child("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no child '' under 'root'");
        assertThat(root.child("a")).isSameAs(running);
    }

    /** {@link ComponentRef#ask(Object)}: the message is sent when the Mono is subscribed, once per subscription. */
    @Test
    void askSendsItsMessageOnlyWhenSubscribedAndOncePerSubscription() {
        ComponentSpec<String, String> spec = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        Mono<String> ask = ref.ask("a");
        advance(1);
        assertThat(ref.stats().handled()).isZero();

        StepVerifier.create(ask).expectNext("a1").verifyComplete();
        StepVerifier.create(ask).expectNext("a2").verifyComplete();
        assertThat(ref.stats().handled()).isEqualTo(2);
    }

    /**
     * {@link Supervisor#ref(ComponentSpec)}: a direct child is found before a match deeper in the
     * subtree, even one started earlier.
     */
    @Test
    void refOfASpecPrefersADirectChildToAnEarlierMatchInTheSubtree() {
        ComponentSpec<String, String> shared = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("sub").child(shared)).child(shared));
        assertThat(root.ref(shared).path()).isEqualTo("root/c");
        assertThat(root.supervisor("sub").ref(shared).path()).isEqualTo("root/sub/c");
    }

    /**
     * {@link Supervisor#entities(EntitiesSpec)}: a direct child is found before a match deeper in
     * the subtree, even one started earlier.
     */
    @Test
    void entitiesOfASpecPrefersADirectChildToAnEarlierMatchInTheSubtree() {
        EntitiesSpec<String, String, String> orders = EntitiesSpec.named("orders", String.class, counter("t").build())
                .build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("sub").entities(orders))
                .entities(orders));
        assertThat(root.entities(orders).path()).isEqualTo("root/orders");
        assertThat(root.supervisor("sub").entities(orders).path()).isEqualTo("root/sub/orders");
    }

    /** {@link Supervisor#stopChild(String, Duration)}: a child that has stopped already completes at once and stays STOPPED. */
    @Test
    void stopChildOfAChildStoppedAlreadyCompletesAndItStaysInTheTree() {
        ComponentSpec<String, String> spec = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.stopChild("c", ONE)).verifyComplete();
        StepVerifier.create(root.stopChild("c", ONE)).verifyComplete();
        assertThat(root.ref(spec).state()).isEqualTo(ComponentState.STOPPED);
        assertThat(root.snapshot().child("c").state()).isEqualTo(ComponentState.STOPPED);
        StepVerifier.create(root.removeChild("c", ONE)).verifyComplete();
        assertThat(root.snapshot().children()).isEmpty();
        assertThatThrownBy(() -> root.restartChild("c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisor 'root' has no child named 'c'");
    }

    /** {@link Supervisor#events()}: the stream completes when the tree has terminated. */
    @Test
    void theEventStreamCompletesWhenTheTreeHasTerminated() {
        Supervisor root = start(Supervisor.named("root").child(counter("c").build()));
        List<SupervisionEvent> seen = new ArrayList<>();
        boolean[] completed = {false};
        root.events().subscribe(seen::add, e -> { }, () -> completed[0] = true);
        root.shutdown(ONE).subscribe();
        advance(Duration.ofSeconds(2));
        assertThat(completed[0]).isTrue();
        assertThat(seen).extracting(SupervisionEvent::path).contains("root/c");
        StepVerifier.create(root.termination()).verifyComplete();
    }

    /**
     * {@link Supervisor#observe(MessageObserver)}: a tree has at most one observer, whichever of
     * its supervisors attaches it; once disposed, another one can be attached.
     */
    @Test
    void aTreeHasOneObserverWhicheverSupervisorAttachesItUntilItIsDisposed() {
        ComponentSpec<String, String> spec = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("sub").child(spec)));
        List<String> seen = new ArrayList<>();
        Disposable first = root.observe(new Handled(seen, "first"));
        assertThatThrownBy(() -> root.supervisor("sub").observe(new Handled(seen, "second")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the tree of 'root/sub' already has an observer");
        first.dispose();
        root.supervisor("sub").observe(new Handled(seen, "second"));
        root.ref(spec).tell("m");
        advance(1);
        assertThat(seen).containsExactly("second root/sub/c");
    }

    /**
     * {@link Supervisor#shutdown(Duration)} on a nested supervisor stops that subtree as its
     * parent's stopChild does: it stays in the tree, STOPPED, and the rest of the tree runs on.
     */
    @Test
    void shutdownOfANestedSupervisorStopsOnlyItsSubtreeWhichStaysInTheTree() {
        ComponentSpec<String, String> inner = counter("inner").build();
        ComponentSpec<String, String> outer = counter("outer").build();
        Supervisor root = start(Supervisor.named("root").child(Supervisor.named("sub").child(inner)).child(outer));
        StepVerifier.create(root.supervisor("sub").shutdown(ONE)).verifyComplete();
        assertThat(root.snapshot().child("sub").state()).isEqualTo(ComponentState.STOPPED);
        assertThat(root.ref(inner).state()).isEqualTo(ComponentState.STOPPED);
        assertThat(root.ref(inner).tell("late")).isFalse();
        StepVerifier.create(root.ref(outer).ask("x")).expectNext("x1").verifyComplete();
        StepVerifier.create(root.restartChild("sub")).verifyComplete();
        StepVerifier.create(root.ref(inner).ask("y")).expectNext("y1").verifyComplete();
    }

    /**
     * {@link Entities#passivate(Object)} and {@link Entities#snapshot(Object)}: a null key and a
     * key of another type are refused as {@link Entities#ref(Object)} refuses them.
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void passivateAndSnapshotOfAKeyRefuseANullKeyAndAKeyOfAnotherType() {
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, counter("t").build())
                .build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        Entities raw = orders;
        assertThatThrownBy(() -> orders.passivate(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> orders.snapshot((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        String wrongType = "key must be a java.lang.String for entities 'orders', but was a java.lang.Integer";
        assertThatThrownBy(() -> raw.passivate(42)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(wrongType);
        assertThatThrownBy(() -> raw.snapshot((Object) 42)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(wrongType);
        assertThatThrownBy(() -> orders.passivate("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> orders.snapshot("x".repeat(EntitiesSpec.MAX_KEY_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(orders.ref("x".repeat(EntitiesSpec.MAX_KEY_LENGTH)).path()).endsWith("x".repeat(256));
    }

    /** Records the handlings it sees, under its name. */
    private record Handled(List<String> seen, String name) implements MessageObserver {
        @Override
        public Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context) {
            return new Ended(context);
        }

        @Override
        public Observation handlingStarted(ComponentRef<?, ?> component, Object message, ContextView context) {
            seen.add(name + " " + component.path());
            return new Ended(context);
        }
    }

    /** An observation that adds nothing. */
    private record Ended(ContextView context) implements MessageObserver.Observation {
        @Override
        public void ended(Throwable error) {
        }
    }

    private ComponentRef<String, String> crashing(RestartStrategy strategy) {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").restart(strategy).limit(RestartLimit.unlimited())
                .build();
        return start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec)).ref(spec);
    }

    /** {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: retries exhausted make the child give up. */
    @Test
    void aUsersSpecWhoseRetriesAreExhaustedMakesTheChildGiveUp() {
        ComponentRef<String, String> ref = crashing(RestartStrategy.of(Retry.fixedDelay(2, ONE)));
        assertThat(crashAndMeasureRestart(ref, "boom 1")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom 2")).isEqualTo(1000);
        ref.tell("boom 3");
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class, "root/c")).hasSize(1);
    }

    /**
     * {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: a spec without delay
     * ({@code Retry.fixedDelay(n, Duration.ZERO)}) is accepted: it restarts at once, as many
     * times as it allows.
     */
    @Test
    void aUsersSpecWithoutDelayRestartsAtOnceAsManyTimesAsItAllows() {
        ComponentRef<String, String> ref = crashing(RestartStrategy.of(Retry.fixedDelay(2, Duration.ZERO)));
        assertThat(crashAndMeasureRestart(ref, "boom 1")).isZero();
        assertThat(crashAndMeasureRestart(ref, "boom 2")).isZero();
        ref.tell("boom 3");
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
    }

    /**
     * {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: with
     * {@code transientErrors(true)} the sequence starts over once an incarnation has run for the
     * spec's maximum backoff.
     */
    @Test
    void aUsersTransientSpecStartsItsSequenceOverAfterItsMaximumBackoffWithoutACrash() {
        ComponentRef<String, String> ref = crashing(RestartStrategy.of(Retry.backoff(Long.MAX_VALUE, ONE)
                .maxBackoff(Duration.ofSeconds(4)).jitter(0.0).transientErrors(true)));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(2000);
        advance(Duration.ofSeconds(5));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
    }

    /**
     * {@link RestartStrategy#of(reactor.util.retry.RetryBackoffSpec)}: without
     * {@code transientErrors(true)} nor {@link RestartStrategy#withResetAfter(Duration)} the
     * sequence does not start over; with {@code withResetAfter} it does, after that time.
     */
    @Test
    void aUsersSpecStartsItsSequenceOverOnlyWhenItCountsTransientErrorsOrIsGivenAResetTime() {
        RestartStrategy custom = RestartStrategy.of(Retry.backoff(Long.MAX_VALUE, ONE)
                .maxBackoff(Duration.ofSeconds(4)).jitter(0.0));
        ComponentRef<String, String> ref = crashing(custom);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(2000);
        advance(Duration.ofSeconds(60));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(4000);
    }

    /** {@link RestartStrategy#withResetAfter(Duration)} on a strategy made of a spec: the sequence starts over after it. */
    @Test
    void aUsersSpecGivenAResetTimeStartsItsSequenceOverAfterIt() {
        ComponentRef<String, String> ref = crashing(RestartStrategy.of(Retry.backoff(Long.MAX_VALUE, ONE)
                .maxBackoff(Duration.ofSeconds(4)).jitter(0.0)).withResetAfter(Duration.ofSeconds(10)));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(2000);
        advance(Duration.ofSeconds(11));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
    }

    /**
     * {@link RestartStrategy#exponentialBackoff(Duration, Duration, double)}: without
     * {@code withResetAfter}, the sequence starts over once an incarnation has run for
     * {@code max} without crashing, and not before.
     */
    @Test
    void exponentialBackoffStartsOverAfterRunningForMaxWithoutCrashingByDefault() {
        ComponentRef<String, String> ref = crashing(RestartStrategy.exponentialBackoff(ONE, Duration.ofSeconds(4), 2.0));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(2000);
        advance(Duration.ofSeconds(3));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(4000);
        advance(Duration.ofSeconds(4));
        assertThat(crashAndMeasureRestart(ref, "boom")).isEqualTo(1000);
    }

    /**
     * {@link RestartPolicy#TEMPORARY}: taken down by a sibling's crash under
     * {@link SupervisionStrategy#REST_FOR_ONE}, it is removed; one started before the crashed
     * child is not taken down and stays.
     */
    @Test
    void aTemporaryChildTakenDownByARestForOneRestartIsRemovedAndOneStartedBeforeStays() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.REST_FOR_ONE)
                .child(ComponentTest.memo("before").policy(RestartPolicy.TEMPORARY).build())
                .child(ComponentTest.memo("crashing").build())
                .child(ComponentTest.memo("after").policy(RestartPolicy.TEMPORARY).build()));
        advance(1);
        root.<String, String>ref("crashing").tell("boom");
        advance(1);
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("before", "crashing");
        assertThat(root.snapshot().child("before").state()).isEqualTo(ComponentState.RUNNING);
        assertThat(root.snapshot().child("crashing").state()).isEqualTo(ComponentState.RUNNING);
        assertThat(events(SupervisionEvent.Removed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/after");
    }

    /** {@link Supervisor#restartChild(String)}: a child waiting out its restart delay starts now. */
    @Test
    void restartChildStartsAChildWaitingOutItsRestartDelayNow() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").restart(RestartStrategy.delayed(Duration.ofHours(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        ref.tell("boom");
        advance(1);
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        ref.tell("waits");

        StepVerifier.create(root.restartChild("c")).verifyComplete();

        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(ref.ask("x")).expectNext("2:x").verifyComplete();
        advance(Duration.ofHours(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(ref.ask("y")).expectNext("3:y").verifyComplete();
    }

    /**
     * {@link Entities#passivate(Object)}: false at once for a key never active and for one being
     * passivated already; true once the component has stopped.
     */
    @Test
    void passivateIsFalseForAKeyNeverActiveAndForOneBeingPassivatedAlready() {
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("t").state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn(m)).build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.passivate("never")).expectNext(false).verifyComplete();

        orders.ref("k").tell("a");
        advance(10);
        Boolean[] first = new Boolean[1];
        orders.passivate("k").subscribe(b -> first[0] = b);
        StepVerifier.create(orders.passivate("k")).expectNext(false).verifyComplete();
        assertThat(first[0]).isNull();
        advance(Duration.ofSeconds(2));
        assertThat(first[0]).isTrue();
        StepVerifier.create(orders.passivate("k")).expectNext(false).verifyComplete();
        assertThat(orders.snapshot("k")).isEmpty();
    }

    /**
     * The exceptions' constructors: {@link RestartLimitExceededException} (the cause is the last
     * crash), {@link MessageCrashedException} (the cause is the handler's failure),
     * {@link ChildStartException} and {@link EscalationException} (their path),
     * {@link ComponentUnavailableException} (its path, state and cause) and {@link NormalExit}
     * (no stack trace).
     */
    @Test
    void exceptionsCarryWhatTheirJavadocSays() {
        IllegalStateException crash = new IllegalStateException("boom");
        RestartLimitExceededException limit = new RestartLimitExceededException("root/c",
                RestartLimit.of(3, Duration.ofMinutes(1)), crash);
        assertThat(limit).hasCause(crash).hasMessageContaining("root/c").hasMessageContaining("3 restarts within 1 min");
        assertThat(new MessageCrashedException("root/c", crash)).hasCause(crash);
        ChildStartException start = new ChildStartException("root/c", crash);
        assertThat(start.path()).isEqualTo("root/c");
        assertThat(start).hasCause(crash);
        EscalationException escalation = new EscalationException("root/api", crash);
        assertThat(escalation.path()).isEqualTo("root/api");
        assertThat(escalation).hasCause(crash);
        ComponentUnavailableException unavailable = new ComponentUnavailableException("root/c", ComponentState.FAILED,
                crash);
        assertThat(unavailable.path()).isEqualTo("root/c");
        assertThat(unavailable.state()).isEqualTo(ComponentState.FAILED);
        assertThat(unavailable).hasCause(crash);
        assertThat(new ComponentUnavailableException("root/c", ComponentState.STOPPED, null)).hasNoCause();
        assertThat(new NormalExit().getStackTrace()).isEmpty();
        assertThat(new MessageTooLargeException("too large")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too large");
    }

    /**
     * {@link Supervisor#restartChild(String)} after a shutdown fails with
     * {@link IllegalStateException} and restarts nothing; {@link Supervisor#stopChild} of a
     * child the shutdown stopped completes, and {@link Supervisor#removeChild} removes it.
     */
    @Test
    void afterAShutdownRestartChildFailsAndStopOrRemoveChildComplete() {
        ComponentSpec<String, String> spec = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.shutdown(ONE)).then(() -> advance(Duration.ofSeconds(2))).verifyComplete();

        StepVerifier.create(root.restartChild("c")).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessage("supervisor 'root' is STOPPED")).verify();
        assertThat(root.ref(spec).state()).isEqualTo(ComponentState.STOPPED);
        assertThat(root.ref(spec).tell("late")).isFalse();
        StepVerifier.create(root.stopChild("c", ONE)).verifyComplete();
        StepVerifier.create(root.removeChild("c", ONE)).verifyComplete();
        assertThat(root.snapshot().children()).isEmpty();
    }

    /**
     * The longest duration every builder accepts, 36500 days ({@link RestartStrategy#delayed},
     * {@link RestartLimit#of}, {@link HealthCheck#every}, {@link HealthCheck#withTimeout},
     * {@link ComponentSpec.Builder#processingTimeout(Duration)},
     * {@link EntitiesSpec.Builder#idleTimeout}, {@link EntitiesSpec.Builder#passivationTimeout},
     * {@link CheckpointRule#every}, {@link Supervisor#shutdown}), is handled: the tree runs,
     * restarts and shuts down with all of them at once.
     */
    @Test
    void theLongestAcceptedDurationsAreHandledByARunningTree() {
        Duration max = Duration.ofDays(36_500);
        ComponentSpec<String, String> spec = ComponentTest.memo("c").restart(RestartStrategy.delayed(max))
                .limit(RestartLimit.of(5, max))
                .healthCheck(HealthCheck.every(max).withTimeout(max))
                .processingTimeout(max)
                .persistent(StateStore.inMemory(), StateCodec.of(m -> new byte[0], b -> new ComponentTest.Memo()),
                        CheckpointRule.every(max))
                .build();
        EntitiesSpec<String, String, String> set = EntitiesSpec.named("orders", String.class, ComponentTest.memo("t")
                .build()).idleTimeout(max).passivationTimeout(max).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.of(5, max)).child(spec).entities(set));
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(root.entities(set).ref("k").ask("b")).expectNext("1:b").verifyComplete();
        ref.tell("boom");
        advance(Duration.ofDays(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        StepVerifier.create(root.restartChild("c")).verifyComplete();
        StepVerifier.create(ref.ask("c")).expectNext("1:c").verifyComplete();
        advance(Duration.ofDays(365));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        Boolean[] done = new Boolean[1];
        root.shutdown(max).subscribe(v -> { }, e -> done[0] = false, () -> done[0] = true);
        advance(Duration.ofSeconds(1));
        assertThat(done[0]).isTrue();
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
    }

    /**
     * {@link ComponentRef#tell(Object)}, {@link ComponentRef#tell(Object, reactor.util.context.ContextView)}
     * and {@link ComponentRef#ask(Object)} through a key's ref ({@link Entities#ref(Object)}): a
     * null message or context is refused at once, naming it, and starts no component.
     */
    @Test
    void aKeysRefRefusesANullMessageOrContextNamingIt() {
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, counter("t").build())
                .build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        ComponentRef<String, String> ref = root.entities(spec).ref("k");
        assertThatThrownBy(() -> ref.tell(null)).isInstanceOf(NullPointerException.class).hasMessage("message");
        assertThatThrownBy(() -> ref.ask(null)).isInstanceOf(NullPointerException.class).hasMessage("message");
        assertThatThrownBy(() -> ref.tell("m", null)).isInstanceOf(NullPointerException.class).hasMessage("context");
        assertThatThrownBy(() -> ref.tell(null, reactor.util.context.Context.empty()))
                .isInstanceOf(NullPointerException.class).hasMessage("message");
        advance(1);
        assertThat(root.entities(spec).snapshot().activations()).isZero();
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    /**
     * {@link ComponentRef#ask(Object)} through a key's ref: a keyed component's handler that
     * asks its own key fails at once with {@link IllegalStateException}, and the component goes on.
     */
    @Test
    void aKeyedHandlerThatAsksItsOwnKeyFailsFast() {
        List<Entities<String, String, String>> self = new ArrayList<>();
        ComponentSpec<String, String> template = ComponentSpec.<String, String, Object>named("t").state(Object::new)
                .handler((s, m) -> m.equals("ask myself") ? self.get(0).ref("k").ask("inner") : Mono.just(m))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        self.add(root.entities(spec));
        ComponentRef<String, String> ref = self.get(0).ref("k");
        StepVerifier.create(ref.ask("ask myself"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MessageCrashedException.class)
                        .cause().isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("'root/orders/k' asked itself from its own handler"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(ref.ask("then")).expectNext("then").verifyComplete();
    }

    /**
     * {@link ComponentRef#ask(Object)}: cancelling the subscription does not take back the
     * message: it is still handled, and its reply dropped.
     */
    @Test
    void aCancelledAskIsStillHandled() {
        List<String> handled = new ArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c").state(Object::new)
                .handler((s, m) -> Mono.delay(ONE).map(x -> {
                    handled.add(m);
                    return m;
                }))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("a")).expectSubscription().thenCancel().verify();
        StepVerifier.create(ref.ask("b").timeout(Duration.ofMillis(10))).then(() -> advance(20))
                .expectError(java.util.concurrent.TimeoutException.class).verify();
        advance(Duration.ofSeconds(3));
        assertThat(handled).containsExactly("a", "b");
        assertThat(ref.stats().handled()).isEqualTo(2);
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    /** {@link HealthCheck}: an idle component always passes, however often and strictly it is checked. */
    @Test
    void anIdleComponentAlwaysPassesItsHealthChecks() {
        ComponentSpec<String, String> spec = counter("c")
                .healthCheck(HealthCheck.every(HealthCheck.MIN_INTERVAL).withTimeout(Duration.ofNanos(1))
                        .withUnhealthyAfter(1))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.ref(spec).ask("a")).expectNext("a1").verifyComplete();
        advance(Duration.ofSeconds(30));
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).isEmpty();
        assertThat(root.ref(spec).stats().restarts()).isZero();
        StepVerifier.create(root.ref(spec).ask("b")).expectNext("b2").verifyComplete();
    }

    /**
     * {@link Supervisor#events()}: a late subscriber first receives the 256 most recent events,
     * then every event as it happens, with no gap or duplicate between the two.
     */
    @Test
    void aLateEventSubscriberGetsTheMostRecent256EventsThenEveryNewOneWithoutGapOrDuplicate() {
        ComponentSpec<String, String> spec = ComponentTest.memo("a").limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.unlimited()).child(spec));
        for (int i = 0; i < 100; i++) {
            root.ref(spec).tell("boom");
        }
        advance(1);
        int before = events.size();
        assertThat(before).isGreaterThan(256);

        List<SupervisionEvent> late = new ArrayList<>();
        Disposable subscription = root.events().subscribe(late::add);
        try {
            advance(1);
            assertThat(late).containsExactlyElementsOf(events.subList(before - 256, before));
            for (int i = 0; i < 10; i++) {
                root.ref(spec).tell("boom");
            }
            advance(1);
            assertThat(events.size()).isGreaterThan(before);
            assertThat(late).containsExactlyElementsOf(events.subList(before - 256, events.size()));
        } finally {
            subscription.dispose();
        }
    }

    /**
     * {@link ComponentRef#tell(Object)} and {@link ComponentRef#ask(Object)} to a component
     * stopped by {@link Supervisor#stopChild}: refused (false; the ask fails with
     * {@link ComponentUnavailableException}) and published as dead letters at once
     * ({@link DeadLetterReason#COMPONENT_STOPPED}).
     */
    @Test
    void aStoppedComponentRefusesMessagesAndDeadLettersThemAtOnce() {
        ComponentSpec<String, String> spec = counter("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        StepVerifier.create(root.stopChild("c", ONE)).verifyComplete();
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(ref.tell("late")).isFalse();
        StepVerifier.create(ref.ask("late ask")).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOfSatisfying(ComponentUnavailableException.class, u -> {
                    assertThat(u.path()).isEqualTo("root/c");
                    assertThat(u.state()).isEqualTo(ComponentState.STOPPED);
                })).verify();
        advance(1);
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/c"))
                .extracting(d -> d.message() + "/" + d.reason())
                .containsExactly("late/COMPONENT_STOPPED", "late ask/COMPONENT_STOPPED");
    }

    /** A ref that forwards to another, as an application's wrapper does. */
    private static final class ForwardingRef<M, R> implements ComponentRef<M, R> {
        private final ComponentRef<M, R> delegate;

        ForwardingRef(ComponentRef<M, R> delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String path() {
            return delegate.path();
        }

        @Override
        public boolean tell(M message) {
            return delegate.tell(message);
        }

        @Override
        public Mono<R> ask(M message) {
            return delegate.ask(message);
        }

        @Override
        public ComponentState state() {
            return delegate.state();
        }

        @Override
        public int mailboxDepth() {
            return delegate.mailboxDepth();
        }
    }
}
