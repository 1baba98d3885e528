package io.reactorsupervisor.state.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.r2dbc.spi.ConnectionFactory;
import io.reactorsupervisor.CheckpointRule;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.StateCodec;
import io.reactorsupervisor.StateStore;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisionEvent;
import org.junit.jupiter.api.Test;

/**
 * Two trees over one database, as two instances of a service behind a load balancer: a keyed
 * component passivated on one is re-activated with its state by the other. Each tree has its
 * own store and connections, so nothing is shared but the database.
 */
abstract class KeyedAcrossTreesContract {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** A new factory of connections to the database both trees use (not the same object). */
    abstract ConnectionFactory newFactory();

    static final StateCodec<StringBuilder> CODEC = StateCodec.of(
            sb -> sb.toString().getBytes(StandardCharsets.UTF_8),
            b -> new StringBuilder(new String(b, StandardCharsets.UTF_8)));

    static EntitiesSpec<String, String, String> carts(StateStore store) {
        ComponentSpec<String, String> cart = ComponentSpec.<String, String, StringBuilder>named("cart")
                .state(StringBuilder::new)
                .syncHandler((sb, item) -> {
                    if (item.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return sb.append(sb.length() == 0 ? "" : ",").append(item).toString();
                })
                .persistent(store, CODEC, CheckpointRule.everyMessages(100)) // only the passivation saves
                .build();
        return EntitiesSpec.named("carts", String.class, cart).build();
    }

    @Test
    void aKeyPassivatedOnOneTreeIsReactivatedWithItsStateByAnother() {
        String table = "t_" + UUID.randomUUID().toString().replace("-", "");
        StateStore storeA = R2dbcStateStore.create(newFactory(), table);
        StateStore storeB = R2dbcStateStore.create(newFactory(), table);
        EntitiesSpec<String, String, String> cartsA = carts(storeA);
        EntitiesSpec<String, String, String> cartsB = carts(storeB);
        Supervisor a = Supervisor.named("shop").entities(cartsA).start();
        Supervisor b = Supervisor.named("shop").entities(cartsB).start();
        List<SupervisionEvent> eventsB = new CopyOnWriteArrayList<>();
        b.events().subscribe(eventsB::add);
        try {
            Entities<String, String, String> onA = a.entities(cartsA);
            Entities<String, String, String> onB = b.entities(cartsB);
            assertThat(onA.ref("c-42").ask("apple").block(WAIT)).isEqualTo("apple");
            assertThat(onA.ref("c-42").ask("pear").block(WAIT)).isEqualTo("apple,pear");
            assertThat(onA.ref("c-7").ask("fig").block(WAIT)).isEqualTo("fig");
            assertThat(onA.passivate("c-42").block(WAIT)).isTrue(); // its state is in the database now

            assertThat(onB.ref("c-42").ask("plum").block(WAIT)).isEqualTo("apple,pear,plum");
            assertThat(onB.ref("c-7").ask("kiwi").block(WAIT)).isEqualTo("kiwi"); // c-7 was never saved
            // a crash on B comes back with B's own checkpoint: its passivation's, then nothing newer
            assertThat(onB.passivate("c-42").block(WAIT)).isTrue();
            onB.ref("c-42").tell("boom");
            assertThat(onB.ref("c-42").ask("lime").block(WAIT)).isEqualTo("apple,pear,plum,lime");
            assertThat(eventsB).filteredOn(e -> e instanceof SupervisionEvent.StateRestored
                    && e.path().equals("shop/carts/c-42")).isNotEmpty();
        } finally {
            a.shutdown(Duration.ofSeconds(5)).block(WAIT);
            b.shutdown(Duration.ofSeconds(5)).block(WAIT);
        }
    }
}
