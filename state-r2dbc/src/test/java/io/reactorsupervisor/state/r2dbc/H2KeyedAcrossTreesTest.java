package io.reactorsupervisor.state.r2dbc;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

/** Two trees over one in-memory H2 database (one URL, two factories): runs everywhere. */
class H2KeyedAcrossTreesTest extends KeyedAcrossTreesContract {

    @Override
    ConnectionFactory newFactory() {
        return ConnectionFactories.get("r2dbc:h2:mem:///keyed-across-trees?options=DB_CLOSE_DELAY=-1");
    }
}
