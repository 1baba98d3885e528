/**
 * Erlang/OTP-style supervision for Project Reactor.
 *
 * <p>A {@link io.reactorsupervisor.ComponentSpec component} is a Flux-driven message
 * processor with private state; a {@link io.reactorsupervisor.Supervisor supervisor}
 * restarts it with fresh state when its handler fails, following a
 * {@link io.reactorsupervisor.RestartStrategy restart strategy}, a
 * {@link io.reactorsupervisor.RestartLimit restart limit} and a
 * {@link io.reactorsupervisor.RestartPolicy restart policy}. Supervisors nest into trees.
 */
@NullMarked
package io.reactorsupervisor;

import org.jspecify.annotations.NullMarked;
