package io.reactorsupervisor.samples.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.samples.shop.Describe;
import org.jspecify.annotations.Nullable;

/**
 * A dead letter as JSON, for an operator to inspect ({@code GET /api/dead-letters}).
 *
 * @param id its number in the dashboard's log, from 1
 * @param path the component the message was sent to
 * @param timeMillis when, in milliseconds since the epoch
 * @param reason why it will not be handled: {@code CRASHED}, {@code MAILBOX_FULL}, ...
 * @param cause the failure behind it in a few words, absent when there was none
 * @param message the message as the shop describes it: quoted, cut after 80 characters,
 *     control characters as {@code \xNN}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterView(long id, String path, long timeMillis, String reason, @Nullable String cause,
        String message) {

    /**
     * @param id its number in the log
     * @param letter a dead letter
     * @return it as JSON
     */
    public static DeadLetterView of(long id, SupervisionEvent.DeadLetter letter) {
        return new DeadLetterView(id, letter.path(), letter.timestamp().toEpochMilli(), letter.reason().name(),
                letter.cause() == null ? null : Describe.cause(letter.cause()), Describe.message(letter.message()));
    }
}
