package io.reactorsupervisor.state.r2dbc;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two trees over one PostgreSQL database, as two instances of a service: skipped when the server
 * is unreachable, except in CI ({@code CI=true}), where it fails (see {@link PostgresStateStoreTest}).
 */
class PostgresKeyedAcrossTreesTest extends KeyedAcrossTreesContract {

    private static String url;

    @BeforeAll
    static void needsPostgres() {
        PostgresStateStoreTest.reachable();
        url = PostgresStateStoreTest.url();
    }

    @Override
    ConnectionFactory newFactory() {
        return ConnectionFactories.get(url);
    }
}
