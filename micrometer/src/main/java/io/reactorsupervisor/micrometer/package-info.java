/**
 * Micrometer metrics and observations for a supervision tree.
 *
 * <p>{@link io.reactorsupervisor.micrometer.SupervisorMetrics} describes what to publish (common
 * tags, how many components get meters of their own, an optional
 * {@link io.micrometer.observation.ObservationRegistry}); its
 * {@link io.reactorsupervisor.micrometer.SupervisorMetrics#bindTo bindTo(MeterRegistry)} registers
 * the meters of every component under {@code reactor.supervisor.component.*}, follows the tree as
 * components start and are removed, and attaches a {@link io.reactorsupervisor.MessageObserver}
 * that times each handling and, with an observation registry, makes an
 * {@link io.micrometer.observation.Observation} of each ask and each handling
 * ({@link io.reactorsupervisor.micrometer.MessageObservationContext},
 * {@link io.reactorsupervisor.micrometer.DefaultMessageObservationConvention}). Without a binding
 * the tree pays nothing for any of it.
 */
@NullMarked
package io.reactorsupervisor.micrometer;

import org.jspecify.annotations.NullMarked;
