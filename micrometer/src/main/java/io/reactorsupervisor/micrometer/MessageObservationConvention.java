package io.reactorsupervisor.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of the observations of asks and handlings. Implement it (or extend
 * {@link DefaultMessageObservationConvention}) and pass it to
 * {@link SupervisorMetrics#withObservationConventions}, or register it with the observation
 * registry as a {@link io.micrometer.observation.GlobalObservationConvention}.
 */
public interface MessageObservationConvention extends ObservationConvention<MessageObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof MessageObservationContext;
    }
}
