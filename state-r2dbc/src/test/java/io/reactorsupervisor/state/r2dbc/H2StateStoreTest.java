package io.reactorsupervisor.state.r2dbc;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

/** {@link R2dbcStateStore} over embedded H2, in memory: runs everywhere. */
class H2StateStoreTest extends StateStoreContract {

    static final ConnectionFactory H2 = ConnectionFactories.get("r2dbc:h2:mem:///state-store-test?options=DB_CLOSE_DELAY=-1");

    @Override
    ConnectionFactory factory() {
        return H2;
    }
}
