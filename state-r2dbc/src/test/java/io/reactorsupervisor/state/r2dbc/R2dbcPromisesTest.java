package io.reactorsupervisor.state.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.reactorsupervisor.StoredState;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** The promises of {@link R2dbcStateStore}'s javadoc and the README's "The durable store" no contract test checks. */
class R2dbcPromisesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A connection factory of a database that is neither H2 nor PostgreSQL; never connected to. */
    private static ConnectionFactory database(String name) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.error(new IllegalStateException("not connected in this test"));
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return () -> name;
            }
        };
    }

    /**
     * create: "@throws IllegalArgumentException if ... the database is neither H2 nor PostgreSQL"; a null
     * argument is named.
     */
    @Test
    void createRefusesNullsAndOtherDatabasesSaying() {
        assertThatThrownBy(() -> R2dbcStateStore.create(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("factory");
        assertThatThrownBy(() -> R2dbcStateStore.create(H2StateStoreTest.H2, null))
                .isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> R2dbcStateStore.create(database("MySQL")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("R2dbcStateStore supports H2 and PostgreSQL, but the database is 'MySQL'");
        assertThatThrownBy(() -> R2dbcStateStore.create(H2StateStoreTest.H2, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must be a letter or '_' followed by letters, digits or '_', at most 63 characters, "
                        + "but was ''");
        assertThatThrownBy(() -> R2dbcStateStore.create(H2StateStoreTest.H2, "1abc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(R2dbcStateStore.create(H2StateStoreTest.H2, "a".repeat(63)).table()).hasSize(63);
    }

    /** create(factory): "A store in the table reactor_supervisor_state"; README: "it creates its table if missing". */
    @Test
    void theDefaultTableIsReactorSupervisorState() {
        R2dbcStateStore store = R2dbcStateStore.create(H2StateStoreTest.H2);
        assertThat(store.table()).isEqualTo(R2dbcStateStore.DEFAULT_TABLE).isEqualTo("reactor_supervisor_state");
        assertThat(store).hasToString("R2dbcStateStore[H2, reactor_supervisor_state]");
        StoredState s = StoredState.of(7, "seven".getBytes(StandardCharsets.UTF_8));
        assertThat(store.save("r2dbc-promises/default", s).block(WAIT)).isTrue();
        assertThat(store.load("r2dbc-promises/default").block(WAIT)).isEqualTo(s);
        store.delete("r2dbc-promises/default").block(WAIT);
        assertThat(store.load("r2dbc-promises/default").block(WAIT)).isNull();
    }

    /** StateStore's methods take a key; a null one is named at the call, not a database error later. */
    @Test
    void aNullKeyOrStateIsRefusedAtTheCall() {
        R2dbcStateStore store = R2dbcStateStore.create(database("H2"));
        assertThatThrownBy(() -> store.load(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> store.save(null, StoredState.of(1, new byte[0])))
                .isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> store.save("k", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("state");
        assertThatThrownBy(() -> store.delete(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    }

    /**
     * create(factory, table): "not a reserved word of the database (order, user, select...): the name is used
     * unquoted, so a reserved word passes this check but makes every call of the store fail with the
     * database's syntax error": an error of the returned Mono, not a throw at the call nor a hang.
     */
    @Test
    void aTableNamedByAReservedWordFailsEveryCallInItsMono() {
        for (String table : new String[] {"order", "user", "select"}) {
            R2dbcStateStore store = R2dbcStateStore.create(H2StateStoreTest.H2, table);
            Mono<Boolean> save = store.save("k", StoredState.of(1, new byte[] {1}));
            assertThatThrownBy(() -> save.block(WAIT)).as(table).isInstanceOf(R2dbcBadGrammarException.class);
            Mono<StoredState> load = store.load("k");
            assertThatThrownBy(() -> load.block(WAIT)).as(table).isInstanceOf(R2dbcBadGrammarException.class);
        }
    }
}
