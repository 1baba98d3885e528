package io.reactorsupervisor;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/** The public face of a set of keyed components: refs by key, and the set's snapshots. */
final class LocalEntities<K, M, R> implements Entities<K, M, R> {

    final EntitySet set;

    LocalEntities(EntitySet set) {
        this.set = set;
    }

    @Override
    public String name() {
        return set.owner.name;
    }

    @Override
    public String path() {
        return set.owner.path();
    }

    @Override
    @SuppressWarnings("unchecked")
    public ComponentRef<M, R> ref(K key) {
        return (ComponentRef<M, R>) (ComponentRef<?, ?>) new KeyRef(set, set.spec.keyName(key));
    }

    @Override
    public Mono<Boolean> passivate(K key) {
        EntitySignals.Passivate p = new EntitySignals.Passivate(set.spec.keyName(key));
        set.owner.post(p);
        return p.done.asMono().then(Mono.fromSupplier(() -> p.passivated));
    }

    @Override
    public EntitiesSnapshot snapshot() {
        return EntitySetSnapshots.of(set);
    }

    @Override
    public Optional<ComponentSnapshot> snapshot(K key) {
        return Optional.ofNullable(EntitySetSnapshots.of(set, set.spec.keyName(key)));
    }

    @Override
    public String toString() {
        return "Entities[" + path() + "]";
    }

    /** The ref of one key: routes each message through the set, which starts the key's component when needed. */
    static final class KeyRef implements ComponentRef<Object, Object> {
        private final EntitySet set;
        private final String key;

        KeyRef(EntitySet set, String key) {
            this.set = set;
            this.key = key;
        }

        @Override
        public String name() {
            return key;
        }

        @Override
        public String path() {
            return set.path(key);
        }

        @Override
        public boolean tell(Object message) {
            Objects.requireNonNull(message, "message");
            return KeyRouting.deliver(set, key, message) == null;
        }

        @Override
        public boolean tell(Object message, ContextView context) {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(context, "context");
            return KeyRouting.deliver(set, key, context.isEmpty() ? message : new Envelope(message, context)) == null;
        }

        @Override
        public Mono<Object> ask(Object message) {
            Objects.requireNonNull(message, "message");
            return Mono.create(sink -> {
                ContextView context = sink.contextView();
                ComponentCell active = cell();
                if (active != null) {
                    Incarnation inc = active.current;
                    if (inc != null && (inc.isRunningHandler() || context.getOrDefault(Incarnation.class, null) == inc)) {
                        sink.error(new IllegalStateException("'" + path() + "' asked itself from its own handler: a "
                                + "component handles one message at a time, so the reply could never come (tell instead)"));
                        return;
                    }
                }
                MessageObserver observer = set.owner.tree.observer;
                Observed observed = null;
                if (observer != null) {
                    Observed o = Observed.ask(observer, this, message, context);
                    sink.onCancel(() -> o.end(new CancellationException("the ask's subscriber cancelled")));
                    observed = o;
                    context = o.context();
                }
                KeyRouting.deliver(set, key, new Ask(message, sink, context, observed)); // a refusal fails the ask
            });
        }

        /** The key's component while it is active; null while it has none or is being passivated. */
        private @Nullable ComponentCell cell() {
            KeySlot slot = set.slots.get(key);
            if (slot == null) {
                return null;
            }
            synchronized (slot) {
                return slot.held == null ? slot.cell : null;
            }
        }

        @Override
        public ComponentState state() {
            ComponentCell c = cell();
            if (c != null) {
                return c.state();
            }
            ComponentState s = set.owner.state();
            return s == ComponentState.STOPPING || s.isTerminal() ? ComponentState.STOPPED : ComponentState.STARTING;
        }

        @Override
        public int mailboxDepth() {
            KeySlot slot = set.slots.get(key);
            if (slot == null) {
                return 0;
            }
            synchronized (slot) {
                // a passivating component's mailbox, and the messages held for the key's next component
                ComponentCell c = slot.cell;
                ArrayDeque<Object> held = slot.held;
                return (c == null ? 0 : c.mailbox.depth()) + (held == null ? 0 : held.size());
            }
        }

        @Override
        public ComponentStats stats() {
            ComponentCell c = cell();
            if (c == null) {
                throw new UnsupportedOperationException("'" + path() + "' is not active: a keyed component has stats "
                        + "while it is active (Entities.snapshot(key))");
            }
            return c.stats();
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof KeyRef && ((KeyRef) o).set == set && ((KeyRef) o).key.equals(key);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(set) + key.hashCode();
        }

        @Override
        public String toString() {
            return "ComponentRef[" + path() + "]";
        }
    }
}
