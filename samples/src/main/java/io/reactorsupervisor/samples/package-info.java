/**
 * Runnable examples of Reactor Supervisor: the one-command {@link io.reactorsupervisor.samples.Demo}.
 */
@NullMarked
package io.reactorsupervisor.samples;

import org.jspecify.annotations.NullMarked;
