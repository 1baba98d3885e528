package io.reactorsupervisor;

/**
 * What a component does when its handler fails on a message, chosen per type of failure with
 * {@link ComponentSpec.Builder#onFailure(Class, Directive)} (as Pekko's {@code onFailure[T]}),
 * and for a message that passes the processing timeout with
 * {@link ComponentSpec.Builder#processingTimeout(java.time.Duration, Directive)}. The default is
 * {@link #RESTART}.
 *
 * <p>Directives apply to the failures of a message: the handler threw, its {@code Mono}
 * failed, or it passed its processing timeout. A state factory or a {@code close()} that
 * throws, and a failed health check, always restart: there is no state to keep.
 * {@link SupervisionEvent.Crashed} says which directive was applied, and so does
 * {@link ComponentSnapshot#lastDirective()}.
 */
public enum Directive {

    /**
     * The crash path: the incarnation ends, its state is thrown away, and its supervisor
     * restarts it by its strategy, limit and policy. The message is redelivered as
     * {@link ComponentSpec.Builder#redeliveries(int)} allows, then dead-lettered
     * ({@link DeadLetterReason#CRASHED}).
     */
    RESTART,

    /**
     * The message is rejected and the component carries on with the same state: the message
     * becomes a dead letter with {@link DeadLetterReason#REJECTED} and the cause, an
     * {@code ask} for it fails with the cause itself, and nothing is restarted or counted
     * against the restart limit. For validation errors and poison input that leave the state
     * as it was.
     */
    RESUME,

    /**
     * The component stops, whatever its restart policy: it ends {@link ComponentState#STOPPED},
     * the message is dead-lettered ({@link DeadLetterReason#CRASHED}) and so is what its
     * mailbox still holds ({@link DeadLetterReason#COMPONENT_STOPPED}). Its supervisor does not
     * restart it (a {@link RestartPolicy#TEMPORARY} child is removed, as after any end).
     */
    STOP,

    /**
     * The component gives up at once, as if its restart limit were reached: it ends
     * {@link ComponentState#FAILED} with the cause, the message is dead-lettered
     * ({@link DeadLetterReason#CRASHED}), and its supervisor applies its own rules (it
     * escalates, or carries on without the component).
     */
    ESCALATE
}
