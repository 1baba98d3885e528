package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The keyed components of one set ({@link EntitiesSpec}): which key is active, which is being
 * passivated, what waits for an activation, and when to passivate.
 *
 * <p>A key has a {@link KeySlot} while it has a component or messages waiting for one; a key with
 * neither has nothing at all. A sender routes a message under its slot's lock: into the
 * component's mailbox while the slot is open, into the slot's {@code held} queue while it is not
 * (activating, passivating, or its component is ending on its own). The set's supervisor drain
 * opens a slot (moves what is held into the new component's mailbox, in order, then lets senders
 * in) and closes it (lets no sender in, then stops the component gracefully); when the component
 * has ended, what was held starts the key again, and a slot with nothing held is dropped. So a
 * message is never offered to a mailbox that its component will not drain, and one sender's
 * messages to one key keep their order across passivations.
 *
 * <p>Everything but {@link #deliver} and the snapshot reads belongs to the supervisor's drain.
 */
final class EntitySet {

    final SupervisorCell owner;
    final EntitiesSpec<?, ?, ?> spec;
    final ComponentSpec<?, ?> template;
    final LocalEntities<?, ?, ?> face;
    /** By key name: written by senders (a new slot) and the drain (a slot dropped); read by senders. */
    final ConcurrentHashMap<String, KeySlot> slots = new ConcurrentHashMap<>();
    /** The most places of the clock one eviction looks at. */
    private static final int SCAN = 64;
    /**
     * The clock of uses, on the timer's clock in nanoseconds, strictly increasing: senders stamp
     * their slot with it, the drain moves it on at each activation and each sweep.
     */
    volatile long stamp;
    /** Mirrors of the drain's counts, for snapshots: components alive (any state), and those being passivated. */
    volatile int liveCount;
    volatile int passivatingCount;
    /** New slots whose first activation has not begun: bounded by {@link EntitiesSpec#maxWaiting()}. */
    final java.util.concurrent.atomic.AtomicInteger newWaiting = new java.util.concurrent.atomic.AtomicInteger();
    volatile long activations;
    volatile long passivations;

    // ---- the drain's
    /** Active keys, least recently seen first (approximately: a use moves a key back when it reaches the front). */
    private final ArrayDeque<Use> clock = new ArrayDeque<>();
    /** Keys with messages, waiting for a free place. */
    private ArrayDeque<KeySlot> waiting = new ArrayDeque<>();
    private int live;
    private int passivating;
    private @Nullable Disposable sweeper;
    private boolean closed;
    /** The period of sweeps, in nanoseconds: an eighth of the idle timeout, and at most 100 ms with a maximum. */
    private final long tick;

    EntitySet(SupervisorCell owner, EntitiesSpec<?, ?, ?> spec) {
        this.owner = owner;
        this.spec = spec;
        this.template = spec.template();
        this.face = new LocalEntities<>(this);
        long t = TimeUnit.MILLISECONDS.toNanos(100);
        Duration idle = spec.idleTimeout();
        if (idle != null) {
            long eighth = Math.max(TimeUnit.MILLISECONDS.toNanos(1), idle.toNanos() / 8);
            t = spec.maxActive() == EntitiesSpec.UNBOUNDED ? eighth : Math.min(eighth, t);
        }
        this.tick = t;
    }


    /** A place in the clock for one activation of a slot. */
    private static final class Use {
        final KeySlot slot;
        final int generation;
        long seen;

        Use(KeySlot slot, int generation, long seen) {
            this.slot = slot;
            this.generation = generation;
            this.seen = seen;
        }
    }

    String path(String key) {
        return owner.path() + "/" + key;
    }

    // ------------------------------------------------------------------ refusals

    /** A message that will not be handled: its ask fails, and it is published as a dead letter. */
    RuntimeException refuse(String key, Object item, DeadLetterReason reason) {
        String path = path(key);
        RuntimeException error = reason == DeadLetterReason.MAILBOX_FULL
                ? new MailboxFullException(path, template.mailbox().capacity())
                : new ComponentUnavailableException(path, ComponentState.STOPPED, null);
        DeadLetters.publishUnrouted(owner.tree, template, path, item, reason, error);
        return error;
    }

    // ------------------------------------------------------------------ the drain

    private boolean accepting() {
        ComponentState s = owner.state();
        return !closed && !owner.tree.closing && s != ComponentState.STOPPING && !s.isTerminal();
    }

    private boolean running() {
        SupervisorRun run = owner.current;
        return run != null && !run.ending && !run.starting && owner.state() == ComponentState.RUNNING;
    }

    /** A key with held messages and no component: start it, or let it wait for a place. */
    void activate(KeySlot slot) {
        if (!accepting()) {
            drop(slot);
            return;
        }
        if (live >= spec.maxActive() || !running()) {
            waiting.add(slot);
            makeRoom();
            return;
        }
        start(slot);
    }

    private void start(KeySlot slot) {
        ComponentCell cell = owner.children.createKeyed(template, slot.name);
        List<Object> overflow = null;
        synchronized (slot) {
            ArrayDeque<Object> held = slot.held;
            slot.held = null;
            slot.cell = cell;
            if (slot.fresh) {
                slot.fresh = false;
                newWaiting.decrementAndGet();
            }
            if (held != null) {
                for (Object item : held) {
                    if (!cell.mailbox.offer(item)) {
                        if (overflow == null) {
                            overflow = new ArrayList<>();
                        }
                        overflow.add(item); // cannot happen: held is bounded by the capacity
                    }
                }
            }
        }
        if (overflow != null) {
            for (Object item : overflow) {
                refuse(slot.name, item, DeadLetterReason.MAILBOX_FULL);
            }
        }
        owner.children.byName.put(slot.name, cell);
        live++;
        liveCount = live;
        activations++;
        int generation = ++slot.generation;
        long now = bump();
        slot.activatedAt = now;
        if (spec.maxActive() != EntitiesSpec.UNBOUNDED) {
            clock.addLast(new Use(slot, generation, now));
        }
        ensureSweeper();
        owner.children.launch(cell, failure -> {
            if (failure != null) {
                owner.children.fail(cell, failure); // its state factory threw: FAILED, its messages dead letters
            }
        });
    }

    /** Moves the clock of uses on and returns the stamp of now; a use after this reads a later one. */
    private long bump() {
        long now = template.restartStrategy().scheduler().now(TimeUnit.NANOSECONDS); // the sweeps' clock
        long s = Math.max(now, stamp + 1);
        stamp = s + 1;
        return s;
    }

    /** Passivates as many least recently used idle components as the keys waiting for a place need. */
    private void makeRoom() {
        while (!waiting.isEmpty() && live >= spec.maxActive() && passivating < waiting.size() && running()) {
            if (!evictOne()) {
                return; // every component is busy: the next sweep or end tries again
            }
        }
    }

    /**
     * Passivates the first idle component not used since it was last seen, from the front of the
     * clock; one used since, or busy, goes to the back (a second chance). At most
     * {@value #SCAN} places are looked at: when the front is all busy (a burst of new keys just
     * started), the next end, activation or sweep looks again, rather than every message
     * scanning the whole set.
     */
    private boolean evictOne() {
        int budget = Math.min(SCAN, 2 * clock.size() + 1);
        while (budget-- > 0) {
            Use u = clock.pollFirst();
            if (u == null) {
                return false;
            }
            if (!current(u)) {
                continue;
            }
            KeySlot slot = u.slot;
            if (slot.touchedAt > u.seen || !idle(slot)) {
                u.seen = bump(); // used since it was seen, or busy: a second chance
                clock.addLast(u);
                continue;
            }
            passivate(slot, "least recently used of " + spec.maxActive() + " active");
            return true;
        }
        return false;
    }

    /** Whether a use is the one of the slot's current activation, not passivating. */
    private static boolean current(Use u) {
        KeySlot slot = u.slot;
        return u.generation == slot.generation && !slot.passivating && slot.cell != null;
    }

    /** Running, nothing in progress, nothing waiting: it can be passivated without delaying anything. */
    private static boolean idle(KeySlot slot) {
        ComponentCell cell = slot.cell;
        if (cell == null || cell.state() != ComponentState.RUNNING || !cell.mailbox.isEmpty()) {
            return false;
        }
        Incarnation inc = cell.current;
        return inc != null && inc.inFlight == null;
    }

    /** Closes the slot to senders, then stops its component gracefully. */
    void passivate(KeySlot slot, String reason) {
        ComponentCell cell;
        synchronized (slot) {
            cell = slot.cell;
            if (cell == null || slot.held != null) {
                return; // not active, or ending already
            }
            slot.held = new ArrayDeque<>(4);
        }
        slot.passivating = true;
        passivating++;
        passivatingCount = passivating;
        String why = "passivated: " + reason;
        cell.stopReason = why;
        owner.children.stopOne(cell, spec.passivationTimeout(), why, () -> { });
    }

    /**
     * A periodic sweep: passivates idle components, and makes room for keys that wait. A use is
     * known to a tick: a sender stamps its slot with the stamp of the latest sweep (or activation)
     * before it, so a use happened before its stamp plus a tick, and a component is passivated
     * once that bound is an idle timeout old: between the timeout and the timeout plus two ticks
     * after its last message.
     */
    void sweep() {
        long now = bump();
        Duration idle = spec.idleTimeout();
        if (idle != null && running()) {
            long idleNanos = idle.toNanos();
            List<KeySlot> expired = new ArrayList<>();
            for (KeySlot slot : slots.values()) {
                if (slot.cell != null && !slot.passivating && now - Math.max(slot.activatedAt, slot.touchedAt + tick) >= idleNanos
                        && idle(slot)) {
                    expired.add(slot);
                }
            }
            String reason = "idle for " + Durations.human(idle);
            for (KeySlot slot : expired) {
                passivate(slot, reason);
            }
        }
        admit();
    }

    /** The set has begun an incarnation (its first, or after a restart or a stop): it takes keys again. */
    void begun() {
        closed = false;
        admit();
    }

    /** Starts keys that wait, while there is room; makes room for the others. */
    void admit() {
        if (waiting.isEmpty()) {
            return;
        }
        while (!waiting.isEmpty() && live < spec.maxActive() && running()) {
            KeySlot slot = waiting.poll();
            if (slot.dead) {
                continue;
            }
            if (!accepting()) {
                drop(slot);
            } else {
                start(slot);
            }
        }
        if (waiting.isEmpty()) {
            waiting = new ArrayDeque<>(); // a burst of new keys into a full set leaves no large array behind
            return;
        }
        makeRoom();
    }

    /**
     * A child of the set has ended (its pipeline, and its flush).
     *
     * @return false if it is not a keyed component that ended for good (a restart of the set parks them first)
     */
    boolean childEnded(ChildCell c, @Nullable Throwable cause) {
        KeySlot slot = slots.get(c.name); // a keyed component is named by its key
        if (slot == null || slot.cell != c || !c.state().isTerminal()) {
            return false;
        }
        live--;
        liveCount = live;
        if (slot.passivating) {
            slot.passivating = false;
            passivating--;
            passivatingCount = passivating;
            passivations++;
        } else if (c.state() == ComponentState.FAILED && cause != null) {
            Tree.LOG.warn("'{}' gave up; the next message for its key starts it again", c.path());
        }
        owner.children.byName.remove(c.name, c);
        boolean again;
        synchronized (slot) {
            slot.cell = null;
            ArrayDeque<Object> held = slot.held;
            again = held != null && !held.isEmpty();
            if (!again) {
                slot.held = null;
                slot.dead = true;
                slots.remove(slot.name, slot);
            }
        }
        Requests.@Nullable Request done = slot.onPassivated;
        if (done != null) {
            slot.onPassivated = null;
            done.done.tryEmitEmpty();
        }
        if (again) {
            activate(slot);
        }
        admit();
        return true;
    }

    /** A slot that will not be activated: what it holds becomes dead letters. */
    private void drop(KeySlot slot) {
        ArrayDeque<Object> held;
        synchronized (slot) {
            if (slot.dead) {
                return;
            }
            held = slot.held;
            slot.held = null;
            slot.dead = true;
            slots.remove(slot.name, slot);
            if (slot.fresh) {
                slot.fresh = false;
                newWaiting.decrementAndGet();
            }
        }
        if (held != null) {
            DeadLetterReason reason = owner.tree.closing ? DeadLetterReason.SHUT_DOWN
                    : DeadLetterReason.COMPONENT_STOPPED;
            for (Object item : held) {
                refuse(slot.name, item, reason);
            }
        }
    }

    /** The set has ended: keys waiting for an activation are dropped, the sweeps end. */
    void closed() {
        closed = true;
        Disposable d = sweeper;
        if (d != null) {
            sweeper = null;
            d.dispose();
        }
        waiting.clear();
        for (KeySlot slot : new ArrayList<>(slots.values())) {
            boolean alive;
            synchronized (slot) {
                alive = slot.cell != null;
            }
            if (!alive) {
                drop(slot);
            }
        }
    }

    /** The periodic sweep, on the template's timer, started with the first activation when there is something to sweep. */
    private void ensureSweeper() {
        if (sweeper != null || closed || (spec.idleTimeout() == null && spec.maxActive() == EntitiesSpec.UNBOUNDED)) {
            return;
        }
        sweeper = template.restartStrategy().scheduler().schedulePeriodically(() -> owner.post(new EntitySignals.Sweep()), tick, tick,
                TimeUnit.NANOSECONDS);
    }

    /** Passivates the component of a key now, if it is active; completes when it has stopped. */
    void passivateNow(String key, EntitySignals.Passivate request) {
        KeySlot slot = slots.get(key);
        ComponentCell cell = slot == null ? null : slot.cell;
        if (slot == null || cell == null || slot.passivating
                || cell.state() != ComponentState.RUNNING) {
            request.done.tryEmitEmpty();
            return;
        }
        passivate(slot, "on request");
        if (slot.passivating) {
            request.passivated = true;
            slot.onPassivated = request;
        } else {
            request.done.tryEmitEmpty();
        }
    }
}
