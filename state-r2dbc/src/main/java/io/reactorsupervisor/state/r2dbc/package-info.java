/**
 * A durable {@link io.reactorsupervisor.StateStore} over R2DBC: {@link io.reactorsupervisor.state.r2dbc.R2dbcStateStore},
 * for H2 and PostgreSQL.
 */
@NullMarked
package io.reactorsupervisor.state.r2dbc;

import org.jspecify.annotations.NullMarked;
