package io.reactorsupervisor;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a message that will not be handled becomes: its ask fails with the reason the caller
 * can act on, the component counts it, and the tree publishes it on {@code events()} and
 * {@code deadLetters()}. Every path by which a component gives a message up (a refusal at its
 * mailbox, a crash that spent its redeliveries, a stop, a deadline, a flush after the end) comes
 * through here, and so does a keyed set's refusal of a message for a key that has no component
 * to take it ({@link #publishUnrouted}).
 */
final class DeadLetters {

    private DeadLetters() {
    }

    /** Publishes {@code item} (a message, or the {@link Ask} carrying one) as a dead letter of {@code cell}. */
    static void publish(ComponentCell cell, Object item, DeadLetterReason reason, @Nullable Throwable cause, String path,
            Instant at) {
        Object message = Envelope.message(item);
        if (item instanceof Ask) {
            ((Ask) item).fail(askError(reason, cause, path));
        }
        cell.countDeadLetter(reason);
        cell.tree.publish(new SupervisionEvent.DeadLetter(path, at, message, reason, cause));
        if (Tree.LOG.isDebugEnabled()) {
            Tree.LOG.debug("dead letter for '{}' ({}): {}", path, reason, cell.cspec.describe(message));
        }
    }

    /**
     * Publishes {@code item} as a dead letter of a key of a set that no component took (the set
     * is closing, or the key has too many messages waiting); its ask fails with {@code error}.
     */
    static void publishUnrouted(Tree tree, ComponentSpec<?, ?> template, String path, Object item,
            DeadLetterReason reason, RuntimeException error) {
        if (item instanceof Ask) {
            ((Ask) item).fail(error);
        }
        Object message = Envelope.message(item);
        tree.publish(new SupervisionEvent.DeadLetter(path, Tree.now(), message, reason, null));
        if (Tree.LOG.isDebugEnabled()) {
            Tree.LOG.debug("dead letter for '{}' ({}): {}", path, reason, template.describe(message));
        }
    }

    /** What the ask of a dead letter fails with. */
    private static Throwable askError(DeadLetterReason reason, @Nullable Throwable cause, String path) {
        if ((reason == DeadLetterReason.REJECTED || reason == DeadLetterReason.TOO_LARGE) && cause != null) {
            return cause; // rejected by RESUME: the caller sees why, as the handler said it
        }
        if (reason == DeadLetterReason.CRASHED && cause != null) {
            return new MessageCrashedException(path, cause);
        }
        return new ComponentUnavailableException(path, reason == DeadLetterReason.COMPONENT_FAILED
                ? ComponentState.FAILED : ComponentState.STOPPED, cause);
    }
}
