/**
 * Spring Boot starter for Reactor Supervisor: auto-configuration of a supervision tree from
 * spec beans and {@code reactor-supervisor.*} properties, its graceful shutdown, a health
 * indicator, liveness and readiness events, the {@code supervision} Actuator endpoint and
 * Micrometer metrics.
 */
@NullMarked
package io.reactorsupervisor.spring;

import org.jspecify.annotations.NullMarked;
