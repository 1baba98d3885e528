package io.reactorsupervisor;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

/** One key of a set ({@link EntitySet}): its component, or the messages waiting for it. */
final class KeySlot {
    final String name;
    /** Guarded by this slot: the component while one is alive (active or passivating). */
    @Nullable ComponentCell cell;
    /** Guarded by this slot: messages waiting for the next component; null while the slot is open. */
    @Nullable ArrayDeque<Object> held;
    /** Guarded by this slot: dropped from the map; a sender that finds it looks again. */
    boolean dead;
    /** Counted in {@link EntitySet#newWaiting} until it starts or is dropped; guarded by this slot. */
    boolean fresh;
    /** The set's stamp at the latest message sent to it. */
    volatile long touchedAt;
    // the drain's
    int generation;
    long activatedAt;
    boolean passivating;
    Requests.@Nullable Request onPassivated;

    KeySlot(String name) {
        this.name = name;
    }
}
