package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Keyed components: started by their first message, supervised, passivated when idle or to make room. On virtual time. */
class EntitiesTest extends VirtualTimeTest {

    private static EntitiesSpec.Builder<String, String, String> orders() {
        return EntitiesSpec.named("orders", String.class, ComponentTest.memo("order").build());
    }

    @Test
    void refReturnsAtOnceAndTheFirstMessageStartsTheComponent() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        ComponentRef<String, String> ref = orders.ref("42");
        assertThat(ref.path()).isEqualTo("root/orders/42");
        assertThat(ref.name()).isEqualTo("42");
        assertThat(orders.snapshot().active()).isZero();
        assertThat(orders.snapshot("42")).isEmpty();
        assertThat(events(SupervisionEvent.Started.class, "root/orders/42")).isEmpty();

        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        assertThat(ref.tell("b")).isTrue();
        StepVerifier.create(orders.ref("42").ask("c")).expectNext("3:c").verifyComplete();
        StepVerifier.create(orders.ref("7").ask("x")).expectNext("1:x").verifyComplete(); // its own state
        assertThat(events(SupervisionEvent.Started.class, "root/orders/42")).hasSize(1);
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        EntitiesSnapshot snap = orders.snapshot();
        assertThat(snap.active()).isEqualTo(2);
        assertThat(snap.activations()).isEqualTo(2);
        assertThat(orders.snapshot("42")).get().extracting(ComponentSnapshot::handled).isEqualTo(3L);
        assertThat(root.snapshot().children()).containsExactly(root.snapshot().child("orders"));
        assertThat(root.snapshot().child("orders")).isInstanceOf(EntitiesSnapshot.class);
        assertThat(root.snapshot().render()).contains("orders [entities] RUNNING restarts=0 active=2 passivating=0 "
                + "restarting=0 waiting=0 activations=2 passivations=0");
    }

    @Test
    void aKeyedComponentIsSupervisedAsAnyOther() {
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class,
                ComponentTest.memo("order").restart(RestartStrategy.delayed(Duration.ofMillis(100))).build()).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        ComponentRef<String, String> ref = root.entities(spec).ref("42");
        StepVerifier.create(ref.ask("a")).expectNext("1:a").verifyComplete();
        ref.tell("boom");
        ref.tell("b");
        advance(50);
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(root.entities(spec).snapshot().restarting()).isEqualTo(1);
        advance(100);
        StepVerifier.create(ref.ask("c")).expectNext("2:c").verifyComplete(); // fresh state: b, then c
        assertThat(kinds("root/orders/42")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting",
                "Restarted");
    }

    @Test
    void anIdleComponentIsPassivatedAndItsNextMessageStartsItAgain() {
        EntitiesSpec<String, String, String> spec = orders().idleTimeout(Duration.ofSeconds(10)).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("42").ask("a")).expectNext("1:a").verifyComplete();
        advance(Duration.ofSeconds(6));
        orders.ref("42").tell("b"); // a use: the idle time starts over
        advance(Duration.ofSeconds(9));
        assertThat(orders.snapshot().active()).isEqualTo(1);
        advance(Duration.ofSeconds(4)); // 13 s after its last message: within 1.25 * 10 s
        assertThat(orders.snapshot().active()).isZero();
        assertThat(orders.snapshot().passivations()).isEqualTo(1);
        assertThat(orders.snapshot("42")).isEmpty();
        assertThat(events(SupervisionEvent.Stopped.class, "root/orders/42")).extracting(SupervisionEvent.Stopped::reason)
                .containsExactly("passivated: idle for 10 s");
        StepVerifier.create(orders.ref("42").ask("c")).expectNext("1:c").verifyComplete(); // a new activation
        assertThat(events(SupervisionEvent.Started.class, "root/orders/42")).hasSize(2);
        assertThat(orders.snapshot().activations()).isEqualTo(2);
    }

    @Test
    void anIdleComponentIsNotPassivatedBeforeItsTimeout() {
        EntitiesSpec<String, String, String> spec = orders().idleTimeout(Duration.ofSeconds(10)).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("42").tell("a");
        advance(Duration.ofMillis(9_999));
        assertThat(orders.snapshot().active()).isEqualTo(1);
        advance(Duration.ofMillis(2_501));
        assertThat(orders.snapshot().active()).isZero();
    }

    /** A component that takes 1 s (virtual) per message and logs "incarnation:message" as it finishes. */
    private static ComponentSpec<String, String> slow(List<String> log) {
        AtomicInteger incarnations = new AtomicInteger();
        return ComponentSpec.<String, String, Integer>named("slow")
                .state(incarnations::incrementAndGet)
                .handler((n, m) -> Mono.delay(Duration.ofSeconds(1)).map(x -> {
                    log.add(n + ":" + m);
                    return m;
                }))
                .build();
    }

    @Test
    void messagesSentWhileItPassivatesWaitAndGoToTheNextActivationInOrder() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow(log)).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("k").tell("a");
        orders.ref("k").tell("b"); // in the mailbox before the passivation: the passivating component drains it
        advance(10);
        Boolean[] passivated = new Boolean[1];
        orders.passivate("k").subscribe(b -> passivated[0] = b);
        orders.ref("k").tell("c"); // held
        orders.ref("k").tell("d");
        assertThat(orders.ref("k").state()).isEqualTo(ComponentState.STARTING); // its next message starts it
        assertThat(orders.snapshot().passivating()).isEqualTo(1);
        assertThat(orders.snapshot().waiting()).isZero();
        advance(Duration.ofSeconds(2)); // a and b, then the stop
        assertThat(passivated[0]).isTrue();
        advance(Duration.ofSeconds(2));
        assertThat(log).containsExactly("1:a", "1:b", "2:c", "2:d");
        assertThat(kinds("root/orders/k")).containsExactly("Started", "Stopped", "Started");
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
        assertThat(orders.snapshot().passivations()).isEqualTo(1);
        assertThat(orders.snapshot().active()).isEqualTo(1);
    }

    @Test
    void aFullSetPassivatesTheLeastRecentlyUsedIdleComponentToMakeRoom() {
        EntitiesSpec<String, String, String> spec = orders().maxActive(2).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("a").tell("1");
        advance(10);
        orders.ref("b").tell("1");
        advance(10);
        orders.ref("a").tell("2"); // a is used again: b is now the least recently used
        advance(10);
        StepVerifier.create(orders.ref("c").ask("1")).expectNext("1:1").verifyComplete();
        assertThat(kinds("root/orders/b")).containsExactly("Started", "Stopped");
        assertThat(events(SupervisionEvent.Stopped.class, "root/orders/b")).extracting(SupervisionEvent.Stopped::reason)
                .containsExactly("passivated: least recently used of 2 active");
        assertThat(kinds("root/orders/a")).containsExactly("Started");
        assertThat(orders.snapshot().active()).isEqualTo(2);
        StepVerifier.create(orders.ref("a").ask("3")).expectNext("3:3").verifyComplete(); // kept its state
    }

    @Test
    void aFullSetOfBusyComponentsMakesANewKeyWaitUntilOneIsIdle() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow(log))
                .maxActive(1).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("a").tell("1");
        orders.ref("a").tell("2");
        advance(10);
        orders.ref("b").tell("1");
        advance(10);
        assertThat(orders.snapshot().waiting()).isEqualTo(1);
        assertThat(orders.snapshot().active()).isEqualTo(1);
        advance(Duration.ofSeconds(3));
        assertThat(log).containsExactly("1:1", "1:2", "2:1"); // b started once a had finished
        assertThat(orders.snapshot().active() + orders.snapshot().passivating()).isEqualTo(1);
    }

    @Test
    void keysAreCheckedWhenGiven() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThatThrownBy(() -> orders.ref(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> orders.ref(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must be non-blank and at most 256 characters, but was ' ' (1 characters)");
        assertThatThrownBy(() -> orders.ref("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not contain '/' or control characters (it names a path segment), but was 'a/b'");
        assertThatThrownBy(() -> orders.ref("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not contain '/' or control characters (it names a path segment), but was 'a?b'");
        assertThatThrownBy(() -> orders.ref("x".repeat(257))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("key must be non-blank and at most 256 characters, but was 'xxxx")
                .hasMessageEndingWith("...' (257 characters)");
        assertThat(orders.ref("x".repeat(256)).path()).endsWith("/" + "x".repeat(256));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Entities<Object, String, String> raw = (Entities) orders;
        assertThatThrownBy(() -> raw.ref(42)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must be a java.lang.String for entities 'orders', but was a java.lang.Integer");
    }

    @Test
    void specOptionsAreCheckedWhenGiven() {
        assertThatThrownBy(() -> orders().maxActive(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxActive must be >= 1, but was 0");
        assertThatThrownBy(() -> orders().idleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout must be at least PT0.001S and at most 36500 days (100 years), but was PT0S");
        assertThatThrownBy(() -> orders().passivationTimeout(Duration.ofDays(36_501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passivationTimeout must be positive and at most 36500 days (100 years), but was PT876024H");
        assertThatThrownBy(() -> EntitiesSpec.named("a/b", String.class, ComponentTest.memo("t").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be non-blank and must not contain '/', but was 'a/b'");
        assertThatThrownBy(() -> EntitiesSpec.named("orders", String.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("template");
        EntitiesSpec<String, String, String> spec = orders().build();
        assertThatThrownBy(() -> start(Supervisor.named("root")).entities(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no entities started from spec 'orders' under 'root'");
    }

    @Test
    void aStateFactoryThatThrowsDeadLettersTheKeysMessagesAndTheNextMessageTriesAgain() {
        AtomicInteger attempts = new AtomicInteger();
        ComponentSpec<String, String> flaky = ComponentSpec.<String, String, Object>named("flaky")
                .state(() -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("no state");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> "ok:" + m)
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, flaky).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("k").ask("a")).expectError(ComponentUnavailableException.class).verify();
        advance(1);
        assertThat(events(SupervisionEvent.DeadLetter.class, "root/orders/k"))
                .extracting(SupervisionEvent.DeadLetter::reason).containsExactly(DeadLetterReason.COMPONENT_FAILED);
        StepVerifier.create(orders.ref("k").ask("b")).expectNext("ok:b").verifyComplete();
        assertThat(orders.snapshot().active()).isEqualTo(1);
    }

    @Test
    void aRestartingComponentIsNotPassivatedAndKeepsItsMessages() {
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class,
                ComponentTest.memo("order").restart(RestartStrategy.delayed(Duration.ofSeconds(5))).build())
                .idleTimeout(Duration.ofSeconds(1)).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("k").tell("boom");
        orders.ref("k").tell("a");
        advance(10);
        StepVerifier.create(orders.passivate("k")).expectNext(false).verifyComplete();
        advance(Duration.ofSeconds(4)); // idle sweeps pass it by: it is not running
        assertThat(orders.ref("k").state()).isEqualTo(ComponentState.RESTARTING);
        advance(Duration.ofSeconds(3));
        // restarted, handled a, then passivated: idle for more than 1 s since its last message
        assertThat(kinds("root/orders/k")).containsExactly("Started", "Crashed", "DeadLetter", "Restarting",
                "Restarted", "Stopped");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(SupervisionEvent.DeadLetter::message)
                .containsExactly("boom");
        assertThat(orders.snapshot().passivations()).isEqualTo(1);
    }

    @Test
    void aShutdownHandlesOrDeadLettersEveryMessageIncludingThoseWaitingForAnActivation() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow(log))
                .maxActive(1).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("a").tell("1");
        orders.ref("a").tell("2");
        advance(10);
        orders.ref("b").tell("1"); // waits for a place
        root.shutdown(Duration.ofSeconds(10)).subscribe();
        assertThat(orders.ref("c").tell("1")).isFalse(); // refused at once
        advance(Duration.ofSeconds(5));
        assertThat(log).containsExactly("1:1", "1:2");
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.path() + " " + e.reason())
                .containsExactlyInAnyOrder("root/orders/c SHUT_DOWN", "root/orders/b SHUT_DOWN");
        assertThat(orders.ref("a").state()).isEqualTo(ComponentState.STOPPED);
    }

    @Test
    void theSetCannotBeGivenChildrenByHand() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        assertThatThrownBy(() -> root.supervisor("orders").startChild(ComponentTest.memo("x").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("'root/orders' is a set of keyed components: its children start with their first message "
                        + "(Entities.ref(key))");
    }

    @Test
    void aSetRestartedByItsParentDropsItsActiveKeysAndStartsThemAgainOnTheirNextMessage() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        StepVerifier.create(orders.ref("a").ask("1")).expectNext("1:1").verifyComplete();
        StepVerifier.create(root.restartChild("orders")).verifyComplete();
        advance(1);
        assertThat(orders.snapshot().active()).isZero();
        assertThat(kinds("root/orders/a")).containsExactly("Started", "Removed", "Stopped");
        StepVerifier.create(orders.ref("a").ask("2")).expectNext("1:2").verifyComplete(); // a fresh activation
        assertThat(orders.snapshot().restarts()).isEqualTo(1);
    }

    @Test
    void aSetStoppedRefusesMessagesAndTakesThemAgainOnceRestarted() {
        EntitiesSpec<String, String, String> spec = orders().build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        orders.ref("a").tell("1");
        StepVerifier.create(root.stopChild("orders", Duration.ofSeconds(1))).verifyComplete();
        advance(1);
        assertThat(orders.ref("a").tell("2")).isFalse();
        StepVerifier.create(orders.ref("a").ask("3")).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(ComponentUnavailableException.class)).verify();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.path() + " " + e.reason())
                .containsExactly("root/orders/a COMPONENT_STOPPED", "root/orders/a COMPONENT_STOPPED");
        StepVerifier.create(root.restartChild("orders")).verifyComplete();
        StepVerifier.create(orders.ref("a").ask("4")).expectNext("1:4").verifyComplete();
    }

    @Test
    void aFullMailboxRefusesTheMessageAndCountsItAsTheComponentsDeadLetter() {
        List<String> log = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> one = ComponentSpec.<String, String, Integer>named("one")
                .state(() -> 1)
                .handler((n, m) -> Mono.delay(Duration.ofSeconds(1)).map(x -> {
                    log.add(m);
                    return m;
                }))
                .mailbox(Mailbox.bounded(1))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, one).build();
        Entities<String, String, String> orders = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThat(orders.ref("k").tell("1")).isTrue(); // held for the activation, then in progress
        advance(10);
        assertThat(orders.ref("k").tell("2")).isTrue(); // in the mailbox
        assertThat(orders.ref("k").tell("3")).isFalse(); // full
        StepVerifier.create(orders.ref("k").ask("4")).expectError(MailboxFullException.class).verify();
        assertThat(orders.snapshot("k")).get().extracting(ComponentSnapshot::deadLetters).isEqualTo(2L);
        advance(Duration.ofSeconds(3));
        assertThat(log).containsExactly("1", "2");
    }

    /** A key whose toString() is null cannot name a component. */
    static final class NamelessKey {
        @Override
        public String toString() {
            return null;
        }
    }

    @Test
    void aKeyWithoutANameIsRefused() {
        EntitiesSpec<NamelessKey, String, String> spec = EntitiesSpec.named("odd", NamelessKey.class,
                ComponentTest.memo("t").build()).build();
        Entities<NamelessKey, String, String> odd = start(Supervisor.named("root").entities(spec)).entities(spec);
        assertThatThrownBy(() -> odd.ref(new NamelessKey())).isInstanceOf(NullPointerException.class)
                .hasMessage("key.toString()");
    }

    @Test
    void aHandlerThatTellsAnotherKeyAndPassivatesItselfWorks() {
        List<String> log = new CopyOnWriteArrayList<>();
        List<Entities<String, String, String>> self = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> relay = ComponentSpec.<String, String, Object>named("relay")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    log.add(m);
                    if (m.startsWith("relay:")) {
                        self.get(0).ref(m.substring(6)).tell("from a");   // starts another key from a handler
                        self.get(0).passivate("a").subscribe();         // and passivates its own key
                    }
                    return m;
                })
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("relays", String.class, relay).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        self.add(root.entities(spec));
        self.get(0).ref("a").tell("relay:b");
        self.get(0).ref("a").tell("after");
        advance(10);
        assertThat(log).containsExactlyInAnyOrder("relay:b", "from a", "after");
        assertThat(log.indexOf("after")).isGreaterThan(log.indexOf("relay:b"));
        // on virtual time the first message is handled as it is sent: a passivated itself before "after" came,
        // which started it again
        assertThat(kinds("root/relays/a")).containsExactly("Started", "Stopped", "Started");
        assertThat(events(SupervisionEvent.Stopped.class, "root/relays/a")).extracting(SupervisionEvent.Stopped::reason)
                .containsExactly("passivated: on request");
        assertThat(kinds("root/relays/b")).containsExactly("Started");
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
    }

    @Test
    void anErrorFromAStateFactoryOrAHandlerIsACrashOfThatKeyAlone() {
        AtomicInteger incarnations = new AtomicInteger();
        ComponentSpec<String, String> fragile = ComponentSpec.<String, String, Object>named("fragile")
                .state(() -> {
                    if (incarnations.incrementAndGet() == 2) {
                        throw new AssertionError("state error");
                    }
                    return new Object();
                })
                .syncHandler((s, m) -> {
                    if (m.equals("error")) {
                        throw new StackOverflowError("handler error");
                    }
                    return "ok:" + m;
                })
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("keys", String.class, fragile).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> keys = root.entities(spec);
        StepVerifier.create(keys.ref("a").ask("error")).expectError(MessageCrashedException.class).verify();
        advance(10); // the restart's state factory throws an Error: a crash again, restarted at once
        StepVerifier.create(keys.ref("a").ask("x")).expectNext("ok:x").verifyComplete();
        StepVerifier.create(keys.ref("b").ask("y")).expectNext("ok:y").verifyComplete();
        assertThat(events(SupervisionEvent.Crashed.class)).extracting(SupervisionEvent::path)
                .containsOnly("root/keys/a");
    }

    @Test
    void maxWaitingRefusesNewKeysPastItAndNothingElse() {
        List<String> log = new CopyOnWriteArrayList<>();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, slow(log))
                .maxActive(1).maxWaiting(2).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        assertThat(orders.ref("a").tell("1")).isTrue(); // active, busy for 1 s
        advance(10);
        assertThat(orders.ref("b").tell("1")).isTrue(); // waits for a place
        assertThat(orders.ref("c").tell("1")).isTrue(); // waits for a place
        assertThat(orders.ref("b").tell("2")).isTrue(); // a key already waiting: held
        assertThat(orders.ref("d").tell("1")).isFalse(); // a third new key: refused
        StepVerifier.create(orders.ref("e").ask("1")).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(MailboxFullException.class)).verify();
        assertThat(orders.ref("a").tell("2")).isTrue(); // the active key still takes messages
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.path() + " " + e.reason())
                .containsExactly("root/orders/d MAILBOX_FULL", "root/orders/e MAILBOX_FULL");
        advance(Duration.ofSeconds(10));
        assertThat(log).containsExactlyInAnyOrder("1:1", "1:2", "2:1", "2:2", "3:1");
        assertThat(((LocalEntities<?, ?, ?>) orders).set.newWaiting.get()).isZero();
        assertThat(orders.ref("d").tell("1")).isTrue(); // room again
        assertThatThrownBy(() -> orders().maxWaiting(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWaiting must be >= 1, but was 0");
    }
}
