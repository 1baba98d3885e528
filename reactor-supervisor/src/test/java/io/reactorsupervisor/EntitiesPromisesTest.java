package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The README's promises about keyed components ("Keyed components") that the other tests of the
 * set leave out: the template's supervision applies per key, a key that gives up is dropped and
 * starts afresh, the set never escalates, refs and names, the passivation timeout, the held
 * messages' bound. On virtual time.
 */
class EntitiesPromisesTest extends VirtualTimeTest {

    /** A component that takes 1 s (virtual) per message and logs "incarnation:message" as it finishes. */
    private static ComponentSpec.Builder<String, String, Integer> slow(List<String> log) {
        AtomicInteger incarnations = new AtomicInteger();
        return ComponentSpec.<String, String, Integer>named("slow")
                .state(incarnations::incrementAndGet)
                .handler((n, m) -> Mono.delay(Duration.ofSeconds(1)).map(x -> {
                    log.add(n + ":" + m);
                    return m;
                }));
    }

    private static EntitiesSpec<String, String, String> set(ComponentSpec<String, String> template) {
        return EntitiesSpec.named("orders", String.class, template).build();
    }

    // ------------------------------------------------------------------ one template, one component per key

    @Test
    void aRefStaysValidAcrossPassivations() {
        EntitiesSpec<String, String, String> spec = set(ComponentTest.memo("order").build());
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        ComponentRef<String, String> ref = orders.ref("42");
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(orders.passivate("42")).expectNext(true).verifyComplete();
        assertThat(((LocalEntities<?, ?, ?>) orders).set.slots).isEmpty(); // a passivated key leaves no entry
        assertThat(ref.state()).isEqualTo(ComponentState.STARTING); // its next message starts it
        StepVerifier.create(ref.ask("b")).expectNext("1:b").verifyComplete(); // the same ref, a new activation
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(kinds("root/orders/42")).containsExactly("Started", "Stopped", "Started");
    }

    /** Two instances that are equal only by their name. */
    record Customer(String id, long version) {
        @Override
        public String toString() {
            return id;
        }
    }

    @Test
    void twoKeysWithTheSameNameAreOneComponent() {
        EntitiesSpec<Customer, String, String> spec = EntitiesSpec.named("customers", Customer.class,
                ComponentTest.memo("customer").build()).build();
        Entities<Customer, String, String> customers = start(Supervisor.named("root").entities(spec)).entities(spec);
        StepVerifier.create(customers.ref(new Customer("c-1", 1)).ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(customers.ref(new Customer("c-1", 2)).ask("b")).expectNext("2:b").verifyComplete();
        assertThat(customers.ref(new Customer("c-1", 3)).path()).isEqualTo("root/customers/c-1");
        assertThat(customers.snapshot().activations()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ supervised as any component

    @Test
    void aKeyThatReachesItsRestartLimitIsDroppedAndItsNextMessageStartsItAfresh() {
        List<String> log = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> template = slow(log)
                .handler((n, m) -> Mono.delay(Duration.ofSeconds(1)).map(x -> {
                    if (m.startsWith("boom")) {
                        throw new IllegalStateException(m);
                    }
                    log.add(n + ":" + m);
                    return m;
                }))
                .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        EntitiesSpec<String, String, String> spec = set(template);
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        ComponentRef<String, String> ref = orders.ref("k");
        ref.tell("boom-1");
        ref.tell("boom-2");
        ref.tell("lost");
        advance(Duration.ofSeconds(3)); // boom-1: restarted; boom-2: past the limit, gives up
        assertThat(kinds("root/orders/k")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting",
                "Restarted", "Crashed", "DeadLetter", "Failed", "DeadLetter");
        assertThat(events(SupervisionEvent.Failed.class, "root/orders/k")).singleElement()
                .satisfies(f -> assertThat(f.cause()).isInstanceOf(RestartLimitExceededException.class));
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/orders/k"))
                .extracting(d -> d.message() + " " + d.reason())
                .containsExactly("boom-1 CRASHED", "boom-2 CRASHED", "lost COMPONENT_FAILED");
        assertThat(orders.snapshot().active()).isZero(); // dropped
        assertThat(orders.snapshot("k")).isEmpty();
        assertThat(orders.snapshot().state()).isEqualTo(ComponentState.RUNNING); // the set carries on
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);

        StepVerifier.create(ref.ask("again")).then(() -> advance(Duration.ofSeconds(1))).expectNext("again")
                .verifyComplete();
        assertThat(log).containsExactly("3:again"); // a fresh component, its own fresh state
    }

    @Test
    void aTemporaryKeyThatCrashesIsDroppedAndItsNextMessageStartsItAfresh() {
        EntitiesSpec<String, String, String> spec = set(ComponentTest.memo("order")
                .policy(RestartPolicy.TEMPORARY).build());
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("k").ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(orders.ref("k").ask("boom")).expectError(MessageCrashedException.class).verify();
        advance(1);
        assertThat(events(SupervisionEvent.Restarting.class, "root/orders/k")).isEmpty();
        assertThat(orders.snapshot().active()).isZero();
        StepVerifier.create(orders.ref("k").ask("b")).expectNext("1:b").verifyComplete(); // fresh state
        assertThat(orders.snapshot().activations()).isEqualTo(2);
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aKeyStoppedByItsDirectiveIsDroppedAndItsNextMessageStartsItAfresh() {
        EntitiesSpec<String, String, String> spec = set(ComponentTest.memo("order")
                .onFailure(IllegalStateException.class, Directive.STOP).build());
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("k").ask("a")).expectNext("1:a").verifyComplete();
        StepVerifier.create(orders.ref("k").ask("boom")).expectError(MessageCrashedException.class).verify();
        advance(1);
        assertThat(events(SupervisionEvent.Restarting.class, "root/orders/k")).isEmpty();
        assertThat(orders.snapshot().active()).isZero();
        StepVerifier.create(orders.ref("k").ask("b")).expectNext("1:b").verifyComplete(); // fresh state
        assertThat(events(SupervisionEvent.Started.class, "root/orders/k")).hasSize(2);
    }

    @Test
    void theTemplatesRedeliveriesApplyPerKey() {
        AtomicInteger attempts = new AtomicInteger();
        ComponentSpec<String, String> template = ComponentSpec.<String, String, Object>named("order")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("flaky") && attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("first attempt");
                    }
                    return "ok:" + m;
                })
                .redeliveries(1)
                .build();
        EntitiesSpec<String, String, String> spec = set(template);
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        StepVerifier.create(orders.ref("k").ask("flaky")).expectNext("ok:flaky").verifyComplete();
        assertThat(kinds("root/orders/k")).containsExactly("Started", "Crashed", "Restarting", "Restarted");
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    @Test
    void theTemplatesProcessingTimeoutAppliesPerKey() {
        ComponentSpec<String, String> template = ComponentSpec.<String, String, Object>named("order")
                .state(Object::new)
                .handler((s, m) -> m.equals("hang") ? Mono.<String>never() : Mono.just(m))
                .processingTimeout(Duration.ofSeconds(2))
                .build();
        EntitiesSpec<String, String, String> spec = set(template);
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        orders.ref("k").tell("hang");
        advance(Duration.ofMillis(1_999));
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
        advance(1);
        assertThat(events(SupervisionEvent.Crashed.class, "root/orders/k")).singleElement()
                .satisfies(c -> assertThat(c.cause()).isInstanceOf(TimeoutException.class));
        StepVerifier.create(orders.ref("k").ask("b")).expectNext("b").verifyComplete();
        assertThat(kinds("root/orders/k")).containsSubsequence("Crashed", "Restarted");
    }

    @Test
    void theTemplatesHealthCheckAppliesPerKey() {
        ComponentSpec<String, String> template = ComponentSpec.<String, String, Object>named("order")
                .state(Object::new)
                .handler((s, m) -> m.equals("hang") ? Mono.<String>never() : Mono.just(m))
                .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)))
                .build();
        EntitiesSpec<String, String, String> spec = set(template);
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        orders.ref("k").tell("hang");
        orders.ref("other").tell("fine");
        advance(Duration.ofSeconds(34));
        assertThat(events(SupervisionEvent.Restarted.class)).isEmpty();
        advance(Duration.ofSeconds(1)); // the third failed check: restarted as hung
        assertThat(events(SupervisionEvent.HealthCheckFailed.class)).extracting(SupervisionEvent::path)
                .containsOnly("root/orders/k").hasSize(3);
        assertThat(events(SupervisionEvent.Restarted.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/orders/k");
    }

    @Test
    void theHandlerOfAKeySeesTheKeysPathInTheMdc() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> template = ComponentSpec.<String, String, Object>named("order")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    seen.add(MDC.get(Supervisor.MDC_COMPONENT));
                    return m;
                })
                .build();
        EntitiesSpec<String, String, String> spec = set(template);
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        StepVerifier.create(orders.ref("k-1").ask("a")).expectNext("a").verifyComplete();
        StepVerifier.create(orders.ref("k-2").ask("b")).expectNext("b").verifyComplete();
        assertThat(seen).containsExactly("root/orders/k-1", "root/orders/k-2");
    }

    @Test
    void theSetsIntensityIsTenRestartsAMinuteAcrossAllKeysByDefaultAndTheSetDoesNotEscalate() {
        EntitiesSpec<String, String, String> spec = set(ComponentTest.memo("order").build());
        assertThat(spec.intensity()).isEqualTo(RestartLimit.of(10, Duration.ofMinutes(1)));
        Supervisor root = start(Supervisor.named("root").escalateOnFailure().entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        for (int i = 0; i < 11; i++) {
            orders.ref("k" + i).tell("boom");
            advance(1);
        }
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(10);
        assertThat(events(SupervisionEvent.Failed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/orders/k10"); // the eleventh restart of the set within a minute
        assertThat(events(SupervisionEvent.Escalated.class)).isEmpty();
        assertThat(orders.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(orders.ref("k10").ask("a")).expectNext("1:a").verifyComplete(); // starts afresh
        advance(Duration.ofMinutes(1));
        orders.ref("k0").tell("boom"); // the window has moved on: restarted again
        advance(1);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(11);
    }

    @Test
    void theSetsIntensityIsItsOwn() {
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class,
                ComponentTest.memo("order").build()).intensity(RestartLimit.of(2, Duration.ofMinutes(1))).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        for (String key : List.of("a", "b", "c")) {
            orders.ref(key).tell("boom");
            advance(1);
        }
        assertThat(events(SupervisionEvent.Restarted.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/orders/a", "root/orders/b");
        assertThat(events(SupervisionEvent.Failed.class)).extracting(SupervisionEvent::path)
                .containsExactly("root/orders/c");
        assertThat(orders.snapshot().state()).isEqualTo(ComponentState.RUNNING);
    }

    // ------------------------------------------------------------------ passivation

    @Test
    void theDefaultPassivationTimeoutIsThirtySeconds() {
        assertThat(EntitiesSpec.DEFAULT_PASSIVATION_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(set(ComponentTest.memo("order").build()).passivationTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aPassivationPastItsTimeoutDeadLettersWhatIsLeft() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow(log).build())
                .passivationTimeout(Duration.ofMillis(2_500)).build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        for (String m : List.of("a", "b", "c", "d", "e")) {
            orders.ref("k").tell(m);
        }
        advance(10);
        Boolean[] passivated = new Boolean[1];
        orders.passivate("k").subscribe(b -> passivated[0] = b);
        advance(Duration.ofSeconds(3));
        assertThat(passivated[0]).isTrue();
        assertThat(log).containsExactly("1:a", "1:b");
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/orders/k"))
                .extracting(d -> d.message() + " " + d.reason())
                .containsExactly("c COMPONENT_STOPPED", "d COMPONENT_STOPPED", "e COMPONENT_STOPPED");
        assertThat(orders.snapshot().active()).isZero();
    }

    @Test
    void aFullSetNeverPassivatesARestartingComponentButWaitsUntilItIsIdle() {
        List<String> log = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> template = ComponentTest.memo("order")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(5))).build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template)
                .maxActive(1).build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        orders.ref("a").tell("boom");
        advance(10);
        assertThat(orders.ref("a").state()).isEqualTo(ComponentState.RESTARTING);
        orders.ref("b").ask("1").subscribe(log::add);
        advance(Duration.ofSeconds(4));
        assertThat(orders.snapshot().waiting()).isEqualTo(1);
        assertThat(kinds("root/orders/a")).doesNotContain("Stopped");
        assertThat(log).isEmpty();
        advance(Duration.ofSeconds(2)); // a restarted, idle: passivated for b
        assertThat(log).containsExactly("1:1");
        assertThat(kinds("root/orders/a")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting",
                "Restarted", "Stopped");
    }

    // ------------------------------------------------------------------ nothing lost, in order

    @Test
    void messagesHeldForAKeyPastTheTemplatesMailboxCapacityAreRefused() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = set(slow(log).mailbox(Mailbox.bounded(2)).build());
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        orders.ref("k").tell("a");
        advance(10);
        orders.passivate("k").subscribe();
        assertThat(orders.ref("k").tell("b")).isTrue(); // held for the next activation
        assertThat(orders.ref("k").tell("c")).isTrue();
        assertThat(orders.ref("k").tell("d")).isFalse(); // as many held as the mailbox holds: refused
        StepVerifier.create(orders.ref("k").ask("e")).expectError(MailboxFullException.class).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(d -> d.path() + " " + d.message() + " "
                + d.reason()).containsExactly("root/orders/k d MAILBOX_FULL", "root/orders/k e MAILBOX_FULL");
        advance(Duration.ofSeconds(5));
        assertThat(log).containsExactly("1:a", "2:b", "2:c");
    }

    // ------------------------------------------------------------------ limits

    @Test
    void aRefByPathAddressesOneActivationOnly() {
        EntitiesSpec<String, String, String> spec = set(ComponentTest.memo("order").build());
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("k").ask("a")).expectNext("1:a").verifyComplete();
        ComponentRef<String, String> byPath = root.ref("orders/k");
        assertThat(byPath.path()).isEqualTo("root/orders/k");
        StepVerifier.create(byPath.ask("b")).expectNext("2:b").verifyComplete();
        StepVerifier.create(orders.passivate("k")).expectNext(true).verifyComplete();
        assertThat(byPath.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(byPath.tell("c")).isFalse(); // that activation has ended
        assertThat(orders.snapshot().active()).isZero(); // and it does not start the key again
        StepVerifier.create(orders.ref("k").ask("d")).expectNext("1:d").verifyComplete();
    }

    @Test
    void aSetRestartedByItsParentDeadLettersTheMailboxesOfItsActiveKeys() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = set(slow(log).build());
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("k").tell("a");
        orders.ref("k").tell("b");
        advance(10);
        root.restartChild("orders").subscribe();
        advance(Duration.ofSeconds(2));
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/orders/k")).extracting(SupervisionEvent.DeadLetter::reason)
                .contains(DeadLetterReason.COMPONENT_STOPPED);
        assertThat(log).doesNotContain("1:b");
        assertThat(orders.snapshot().active()).isZero();
        StepVerifier.create(orders.ref("k").ask("c")).then(() -> advance(Duration.ofSeconds(1))).expectNext("c")
                .verifyComplete();
        assertThat(log).endsWith("2:c");
    }
}
