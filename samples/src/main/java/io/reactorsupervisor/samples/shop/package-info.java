/**
 * A small order pipeline under supervision, shared by the demo and the dashboard:
 * {@code ingest -> parse (WebAssembly) -> price (through a circuit breaker to pricing) -> store}.
 * See {@link io.reactorsupervisor.samples.shop.Shop}.
 */
@NullMarked
package io.reactorsupervisor.samples.shop;

import org.jspecify.annotations.NullMarked;
