package io.reactorsupervisor.samples.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.samples.shop.Describe;
import org.jspecify.annotations.Nullable;

/**
 * A supervision event as JSON, for the event stream.
 *
 * @param type the event's kind: {@code Started}, {@code Crashed}, {@code Restarting}, ...
 * @param path the path of the child it is about
 * @param timeMillis when, in milliseconds since the epoch
 * @param summary what happened, in words
 * @param state for a breaker's change, the state it entered
 * @param directive for a {@code Crashed} event, what the failure did: {@code RESTART}, or
 *     {@code RESUME} when the message was rejected and the component carried on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(String type, String path, long timeMillis, String summary, @Nullable String state,
        @Nullable String directive) {

    /**
     * @param event an event
     * @return it as JSON
     */
    public static EventView of(SupervisionEvent event) {
        String state = event instanceof SupervisionEvent.CircuitStateChanged
                ? ((SupervisionEvent.CircuitStateChanged) event).toState() : null;
        String directive = event instanceof SupervisionEvent.Crashed
                ? ((SupervisionEvent.Crashed) event).directive().name() : null;
        return new EventView(event.getClass().getSimpleName(), event.path(), event.timestamp().toEpochMilli(),
                Describe.event(event), state, directive);
    }
}
