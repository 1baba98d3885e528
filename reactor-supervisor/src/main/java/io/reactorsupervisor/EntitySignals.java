package io.reactorsupervisor;

/** What is posted to a set's supervisor drain (see {@link EntitySet}). */
final class EntitySignals {

    private EntitySignals() {
    }

    /** A key's first message: start its component. */
    static final class Activate extends Requests.Request {
        final KeySlot slot;

        Activate(KeySlot slot) {
            this.slot = slot;
        }

        @Override
        void run(SupervisorCell s) {
            EntitySet set = s.entities;
            if (set != null) {
                set.activate(slot);
            }
        }
    }

    /** The timer's tick. */
    static final class Sweep extends Requests.Request {
        @Override
        void run(SupervisorCell s) {
            EntitySet set = s.entities;
            if (set != null) {
                set.sweep();
            }
        }
    }

    /** {@link Entities#passivate}. */
    static final class Passivate extends Requests.Request {
        final String key;
        volatile boolean passivated;

        Passivate(String key) {
            this.key = key;
        }

        @Override
        void run(SupervisorCell s) {
            EntitySet set = s.entities;
            if (set != null) {
                set.passivateNow(key, this);
            }
        }
    }
}
