package io.reactorsupervisor.state.r2dbc;

import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import reactor.core.publisher.Mono;

/**
 * {@link R2dbcStateStore} against a real PostgreSQL server, at {@value #URL_VARIABLE} (default
 * {@value #DEFAULT_URL}): {@code .ci/run} installs and starts one. Skipped when the server is
 * unreachable, except in CI ({@code CI=true}), where it fails.
 */
class PostgresStateStoreTest extends StateStoreContract {

    static final String URL_VARIABLE = "REACTOR_SUPERVISOR_PG_URL";
    static final String DEFAULT_URL = "r2dbc:postgresql://reactor:reactor@localhost:5432/reactor";

    private static ConnectionFactory postgres;

    @BeforeAll
    static void needsPostgres() {
        postgres = reachable();
    }

    /** The server's connections, or the test is skipped (failed in CI) when it does not answer. */
    static ConnectionFactory reachable() {
        String url = url();
        ConnectionFactory factory = ConnectionFactories.get(url);
        try {
            Mono.usingWhen(Mono.from(factory.create()), c -> Mono.from(c.createStatement("SELECT 1").execute())
                    .then(), Connection::close).block(Duration.ofSeconds(10));
            return factory;
        } catch (RuntimeException e) {
            String missing = "PostgreSQL is needed at " + url.replaceAll("//[^@/]*@", "//***@") + " (" + URL_VARIABLE
                    + "): " + e + "; .ci/run installs and starts it";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(missing);
            }
            System.err.println("PostgresStateStoreTest skipped: " + missing + " (outside CI only; with CI=true it fails)");
            Assumptions.abort(missing + " (skipped outside CI; with CI=true it fails)");
            throw e;
        }
    }

    /** The server's URL: {@value #URL_VARIABLE}, or {@value #DEFAULT_URL}. */
    static String url() {
        String url = System.getenv(URL_VARIABLE);
        return url == null || url.isBlank() ? DEFAULT_URL : url;
    }

    @Override
    ConnectionFactory factory() {
        return postgres;
    }
}
