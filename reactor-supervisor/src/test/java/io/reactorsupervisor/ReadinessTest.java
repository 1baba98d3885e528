package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Readiness, per component and for the tree, separate from liveness, on virtual time. */
class ReadinessTest extends VirtualTimeTest {

    /** Each message takes one second; "boom" crashes. */
    private static ComponentSpec.Builder<String, String, Object> oneSecondEach(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> m.equals("boom") ? Mono.error(new IllegalStateException("boom"))
                        : Mono.delay(Duration.ofSeconds(1)).thenReturn(m));
    }

    @Test
    void aComponentIsNotReadyWhileItsMailboxIsAboveItsThreshold() {
        ComponentSpec<String, String> spec = oneSecondEach("c").mailbox(Mailbox.bounded(10)).readinessThreshold(0.5)
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec).child(oneSecondEach("other").build()));
        assertThat(root.readiness()).isEqualTo(new Readiness(true, Map.of()));
        ComponentRef<String, String> ref = root.ref(spec);
        for (int i = 0; i < 6; i++) {
            ref.tell("m" + i); // one in progress, five waiting: at the threshold, still ready
        }
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).ready()).isTrue();
        ref.tell("m6"); // six waiting, above half of ten
        ComponentSnapshot c = (ComponentSnapshot) root.snapshot().child("c");
        assertThat(c.ready()).isFalse();
        assertThat(c.state()).isEqualTo(ComponentState.RUNNING); // live, but not ready
        assertThat(root.readiness().ready()).isFalse();
        assertThat(root.readiness().notReady()).containsExactly(
                Map.entry("root/c", "mailbox above its readiness threshold (6 waiting)"));
        assertThat(root.snapshot().render()).contains("c [component] RUNNING restarts=0 mailbox=6 handled=0 dead=0 "
                + "not-ready");
        advance(Duration.ofSeconds(1)); // five waiting again
        assertThat(root.readiness().ready()).isTrue();
    }

    @Test
    void aComponentIsNotReadyWhileItRestarts() {
        ComponentSpec<String, String> spec = oneSecondEach("c").restart(RestartStrategy.delayed(Duration.ofSeconds(5)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.ref(spec).tell("boom");
        advance(1);
        assertThat(root.readiness()).isEqualTo(new Readiness(false, Map.of("root/c", "RESTARTING")));
        advance(Duration.ofSeconds(5));
        assertThat(root.readiness().ready()).isTrue();
    }

    @Test
    void aStoppedChildDoesNotCountAndAFailedOneDoes() {
        ComponentSpec<String, String> stopped = oneSecondEach("stopped").build();
        ComponentSpec<String, String> failed = oneSecondEach("failed").limit(RestartLimit.of(0, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(stopped).child(Supervisor.named("sub").child(failed)));
        root.stopChild("stopped", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(root.readiness().ready()).isTrue();
        root.ref("sub/failed").tell("boom");
        advance(1);
        assertThat(root.readiness()).isEqualTo(new Readiness(false, Map.of("root/sub/failed", "FAILED")));
        assertThat(root.supervisor("sub").readiness().ready()).isFalse();
    }

    @Test
    void theThresholdIsCheckedWhenGiven() {
        for (double bad : new double[] {0.0, -0.5, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> oneSecondEach("c").readinessThreshold(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("readinessThreshold must be above 0 and at most 1, but was " + bad);
        }
        assertThat(oneSecondEach("c").readinessThreshold(1.0).build().readinessThreshold()).isEqualTo(1.0);
        assertThat(oneSecondEach("c").build().readinessThreshold())
                .isEqualTo(ComponentSpec.Builder.DEFAULT_READINESS_THRESHOLD);
    }

    @Test
    void anUnboundedMailboxIsNeverAboveItsThreshold() {
        ComponentSpec<String, String> spec = oneSecondEach("c").mailbox(Mailbox.unbounded()).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        for (int i = 0; i < 10_000; i++) {
            root.ref(spec).tell("m");
        }
        assertThat(root.readiness().ready()).isTrue();
    }

    @Test
    void aKeyedComponentCountsAsAnyComponentWhileItIsActive() {
        ComponentSpec<String, String> template = oneSecondEach("order").restart(RestartStrategy.delayed(Duration.ofSeconds(5)))
                .mailbox(Mailbox.bounded(10)).readinessThreshold(0.5).build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        assertThat(root.readiness()).isEqualTo(new Readiness(true, Map.of()));
        orders.ref("a").tell("boom");
        advance(1);
        assertThat(orders.ref("a").state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(root.readiness()).isEqualTo(new Readiness(false, Map.of("root/orders/a", "RESTARTING")));
        assertThat(orders.snapshot().notReady()).containsExactly(Map.entry("root/orders/a", "RESTARTING"));
        for (int i = 0; i < 7; i++) {
            orders.ref("b").tell("m" + i); // one in progress, six waiting: above half of ten
        }
        advance(1);
        assertThat(orders.ref("b").mailboxDepth()).isEqualTo(6);
        assertThat(root.readiness().notReady()).containsExactly(Map.entry("root/orders/a", "RESTARTING"),
                Map.entry("root/orders/b", "mailbox above its readiness threshold (6 waiting)"));
        assertThat(root.supervisor("orders").readiness().ready()).isFalse();
        advance(Duration.ofSeconds(5)); // a restarted; b down to one waiting
        assertThat(root.readiness()).isEqualTo(new Readiness(true, Map.of()));
        assertThat(orders.snapshot().notReady()).isEmpty();
    }

    @Test
    void aKeyBeingPassivatedWithABacklogDoesNotCount() {
        ComponentSpec<String, String> template = oneSecondEach("order").mailbox(Mailbox.bounded(10))
                .readinessThreshold(0.5).build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        for (int i = 0; i < 7; i++) {
            orders.ref("k").tell("m" + i);
        }
        advance(1);
        assertThat(root.readiness().ready()).isFalse();
        orders.passivate("k").subscribe(); // it drains its mailbox on purpose, and takes no new message
        assertThat(root.readiness()).isEqualTo(new Readiness(true, Map.of()));
    }

    @Test
    void aSetListsAtMostSixteenKeysThatAreNotReadyAndCountsTheOthers() {
        ComponentSpec<String, String> template = oneSecondEach("order").restart(RestartStrategy.delayed(Duration.ofSeconds(5)))
                .build();
        EntitiesSpec<String, String, String> spec = EntitiesSpec.named("orders", String.class, template)
                .intensity(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").entities(spec));
        Entities<String, String, String> orders = root.entities(spec);
        for (int i = 0; i < 20; i++) {
            orders.ref(String.format("k%02d", i)).tell("boom");
        }
        advance(1);
        Map<String, String> notReady = root.readiness().notReady();
        assertThat(notReady).hasSize(EntitiesSnapshot.MAX_NOT_READY_LISTED + 1);
        assertThat(notReady.keySet()).startsWith("root/orders/k00", "root/orders/k01").doesNotContain("root/orders/k19");
        assertThat(notReady).containsEntry("root/orders", "20 keys not ready, 16 listed");
        assertThat(orders.snapshot().notReady()).hasSize(16);
        assertThat(orders.snapshot().notReadyKeys()).isEqualTo(20);
    }
}
