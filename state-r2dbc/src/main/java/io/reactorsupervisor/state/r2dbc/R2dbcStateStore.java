package io.reactorsupervisor.state.r2dbc;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.Result;
import io.reactorsupervisor.StateStore;
import io.reactorsupervisor.StoredState;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A {@link StateStore} in a table of a relational database, over R2DBC: checkpoints survive
 * the process, so a component restarted in another instance of the service (a keyed
 * component re-activated elsewhere) starts from its last checkpoint. Works with H2
 * ({@code r2dbc:h2:mem:///...}, {@code r2dbc:h2:file:///...}) and PostgreSQL.
 *
 * <pre>{@code
 * ConnectionFactory db = ConnectionFactories.get("r2dbc:postgresql://app:secret@db:5432/app");
 * StateStore store = R2dbcStateStore.create(db);   // table reactor_supervisor_state
 * }</pre>
 *
 * <p>The table ({@code state_key} primary key, {@code version}, {@code state}) is created if
 * missing, at the first use. A save is one conditional upsert: it writes only when the row is
 * absent or holds a lower version, so concurrent saves of one key from several processes leave
 * the highest version, never an older checkpoint over a newer one. Each call takes a
 * connection from the factory and closes it: give it a pool ({@code r2dbc-pool}) in
 * production.
 */
public final class R2dbcStateStore implements StateStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "reactor_supervisor_state";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final ConnectionFactory factory;
    private final String table;
    private final Dialect dialect;
    private final Mono<Void> ready;

    private R2dbcStateStore(ConnectionFactory factory, String table) {
        this.factory = factory;
        this.table = table;
        this.dialect = Dialect.of(factory.getMetadata().getName());
        // created once; a failure (database down) is tried again at the next use
        this.ready = run(c -> Flux.from(c.createStatement(dialect.create(table)).execute())
                .flatMap(Result::getRowsUpdated).then())
                .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * A store in the table {@value #DEFAULT_TABLE}.
     *
     * @param factory the database's connections (a pool in production)
     * @return the store
     * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL
     */
    public static R2dbcStateStore create(ConnectionFactory factory) {
        return create(factory, DEFAULT_TABLE);
    }

    /**
     * A store in the table {@code table}.
     *
     * @param factory the database's connections (a pool in production)
     * @param table a plain SQL identifier: a letter or '_', then letters, digits or '_', at most 63 characters,
     *     and not a reserved word of the database ({@code order}, {@code user}, {@code select}...): the name is
     *     used unquoted, so a reserved word passes this check but makes every call of the store fail with the
     *     database's syntax error
     * @return the store
     * @throws IllegalArgumentException if {@code table} is not such an identifier, or the
     *     database is neither H2 nor PostgreSQL
     */
    public static R2dbcStateStore create(ConnectionFactory factory, String table) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(table, "table");
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a letter or '_' followed by letters, digits or '_', "
                    + "at most 63 characters, but was '" + (table.length() > 80 ? table.substring(0, 80) + "..." : table)
                    + "'");
        }
        return new R2dbcStateStore(factory, table);
    }

    /** @return the table's name */
    public String table() {
        return table;
    }

    @Override
    public Mono<StoredState> load(String key) {
        Objects.requireNonNull(key, "key");
        return ready.then(run(c -> Flux.from(c.createStatement("SELECT version, state FROM " + table
                        + " WHERE state_key = $1").bind("$1", key).execute())
                .flatMap(r -> r.map((row, meta) -> StoredState.of(
                        Objects.requireNonNull(row.get("version", Long.class), "version"),
                        Objects.requireNonNull(row.get("state", byte[].class), "state"))))
                .next()));
    }

    @Override
    public Mono<Boolean> save(String key, StoredState state) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        return ready.then(run(c -> Flux.from(c.createStatement(dialect.upsert(table))
                        .bind("$1", key).bind("$2", state.version()).bind("$3", state.bytes()).execute())
                .flatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum)
                .map(n -> n > 0))
                // two first inserts of one key at once (H2's MERGE): the loser tries again, as an update
                .retryWhen(Retry.max(3).filter(e -> e instanceof R2dbcDataIntegrityViolationException)));
    }

    @Override
    public Mono<Void> delete(String key) {
        Objects.requireNonNull(key, "key");
        return ready.then(run(c -> Flux.from(c.createStatement("DELETE FROM " + table + " WHERE state_key = $1")
                .bind("$1", key).execute()).flatMap(Result::getRowsUpdated).then()));
    }

    private <T> Mono<T> run(Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(Mono.from(factory.create()), work, Connection::close);
    }

    @Override
    public String toString() {
        return "R2dbcStateStore[" + dialect + ", " + table + "]";
    }

    /** The SQL that differs between the databases. */
    enum Dialect {
        POSTGRESQL {
            @Override
            String create(String table) {
                return "CREATE TABLE IF NOT EXISTS " + table + " (state_key TEXT PRIMARY KEY, "
                        + "version BIGINT NOT NULL, state BYTEA NOT NULL)";
            }

            @Override
            String upsert(String table) {
                return "INSERT INTO " + table + " AS d (state_key, version, state) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (state_key) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state "
                        + "WHERE d.version < EXCLUDED.version";
            }
        },
        H2 {
            @Override
            String create(String table) {
                return "CREATE TABLE IF NOT EXISTS " + table + " (state_key VARCHAR PRIMARY KEY, "
                        + "version BIGINT NOT NULL, state VARBINARY NOT NULL)";
            }

            @Override
            String upsert(String table) {
                return "MERGE INTO " + table + " AS d USING (VALUES (CAST($1 AS VARCHAR), CAST($2 AS BIGINT), "
                        + "CAST($3 AS VARBINARY))) AS s (k, v, b) ON d.state_key = s.k "
                        + "WHEN MATCHED AND d.version < s.v THEN UPDATE SET version = s.v, state = s.b "
                        + "WHEN NOT MATCHED THEN INSERT (state_key, version, state) VALUES (s.k, s.v, s.b)";
            }
        };

        abstract String create(String table);

        abstract String upsert(String table);

        static Dialect of(String database) {
            String d = database.toLowerCase(java.util.Locale.ROOT);
            if (d.contains("postgres")) {
                return POSTGRESQL;
            }
            if (d.contains("h2")) {
                return H2;
            }
            throw new IllegalArgumentException("R2dbcStateStore supports H2 and PostgreSQL, but the database is '"
                    + database + "'");
        }
    }
}
