package io.reactorsupervisor;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

/**
 * The senders' side of a set of keyed components (see {@link EntitySet}): a message is routed
 * under its key's slot lock, into the component's mailbox while the slot is open, into the slot's
 * held queue while it is not; a key with no slot gets one, and its activation is posted to the
 * set's drain.
 */
final class KeyRouting {

    private KeyRouting() {
    }

    /**
     * Routes a message to its key's component, starting it if needed.
     *
     * @return null if accepted (it will be handled or published as a dead letter), otherwise why it
     *     was refused, after publishing it as a dead letter
     */
    static @Nullable RuntimeException deliver(EntitySet set, String key, Object item) {
        for (;;) {
            ComponentState s = set.owner.state();
            if (set.owner.tree.closing || s == ComponentState.STOPPING || s.isTerminal()) {
                return set.refuse(key, item, set.owner.tree.closing ? DeadLetterReason.SHUT_DOWN
                        : DeadLetterReason.COMPONENT_STOPPED);
            }
            KeySlot slot = set.slots.get(key);
            if (slot == null) {
                int max = set.spec.maxWaiting();
                if (max != EntitiesSpec.UNBOUNDED && set.newWaiting.incrementAndGet() > max) {
                    set.newWaiting.decrementAndGet();
                    return set.refuse(key, item, DeadLetterReason.MAILBOX_FULL);
                }
                KeySlot fresh = new KeySlot(key);
                fresh.fresh = max != EntitiesSpec.UNBOUNDED;
                ArrayDeque<Object> held = new ArrayDeque<>(4);
                held.add(item);
                fresh.held = held;
                fresh.touchedAt = set.stamp;
                if (set.slots.putIfAbsent(key, fresh) == null) {
                    set.owner.post(new EntitySignals.Activate(fresh));
                    return null;
                }
                if (fresh.fresh) {
                    set.newWaiting.decrementAndGet(); // another sender's slot won
                }
                continue;
            }
            ComponentCell signal = null;
            ComponentCell fullCell = null;
            boolean full = false;
            synchronized (slot) {
                if (slot.dead) {
                    continue;
                }
                ArrayDeque<Object> held = slot.held;
                ComponentCell cell = slot.cell;
                if (held != null) {
                    if (held.size() >= set.template.mailbox().capacity()) {
                        full = true;
                    } else {
                        held.add(item);
                    }
                } else if (cell != null) {
                    ComponentState cs = cell.state();
                    if (cs == ComponentState.STOPPING || cs.isTerminal()) {
                        // ending on its own (a stop, a give-up): held for the key's next component
                        held = new ArrayDeque<>(4);
                        held.add(item);
                        slot.held = held;
                    } else if (cell.mailbox.offer(item)) {
                        signal = cell;
                    } else {
                        full = true;
                        fullCell = cell;
                    }
                }
            }
            long t = set.stamp;
            if (slot.touchedAt != t) {
                slot.touchedAt = t;
            }
            if (signal != null) {
                signal.signalQueued(); // outside the lock: on Schedulers.immediate() the handler runs here
            }
            if (fullCell != null) {
                // counted by the component, as a refusal by its own ref is; the ask fails with the refusal
                MailboxFullException error = new MailboxFullException(fullCell.path(), fullCell.mailbox.capacity());
                fullCell.deadLetter(Envelope.message(item), DeadLetterReason.MAILBOX_FULL, null);
                if (item instanceof Ask) {
                    ((Ask) item).fail(error);
                }
                return error;
            }
            if (full) {
                return set.refuse(key, item, DeadLetterReason.MAILBOX_FULL);
            }
            return null;
        }
    }
}
