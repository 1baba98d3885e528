package io.reactorsupervisor;

/** Why a message was not handled. Every message a mailbox accepted is handled or dead-lettered with one of these. */
public enum DeadLetterReason {
    /** The message crashed the component (as many times as redelivery allowed). */
    CRASHED,
    /**
     * The handler failed on the message and its {@link Directive#RESUME} directive rejected
     * it: the component carries on with the same state.
     */
    REJECTED,
    /**
     * The message was larger than its component accepts and was refused before it was handled
     * (a {@link MessageTooLargeException} rejected by {@link Directive#RESUME}, as a WebAssembly
     * component does for a message over its module's maximum size): the component carries on.
     */
    TOO_LARGE,
    /** The component gave up (restart limit, or a policy without restart) with the message still queued. */
    COMPONENT_FAILED,
    /** The component had stopped (normal exit without restart, or removed) with the message still queued. */
    COMPONENT_STOPPED,
    /** The tree shut down before the message was handled, or it was sent after shutdown. */
    SHUT_DOWN,
    /** The mailbox was full: the message was refused. */
    MAILBOX_FULL
}
