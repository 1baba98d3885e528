package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.MailboxFullException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSnapshot;
import io.reactorsupervisor.SupervisorSpec;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Chaos on real threads: a tree of 100 components (JVM and WebAssembly, synchronous and
 * asynchronous, nested four deep, one-for-all and rest-for-one groups, one subtree that
 * escalates) fed by 8 sender threads, while handlers crash at random (about 1%), some hang
 * (caught by health checks and processing timeouts with short real-time intervals), guests
 * trap, recurse until their stack is exhausted or spin until their time budget stops them,
 * small mailboxes overflow, and the escalating subtree fails and is restarted again and again.
 *
 * <p>Checked message by message: every message sent is handled exactly once or dead-lettered
 * exactly once with a reason (a crash-always message never handled; a message delivered twice
 * by redelivery handled once); per component, the handled messages of each sender keep their
 * send order; every ask completes, with the reply if and only if its message was handled and
 * otherwise with the error that matches the dead letter's reason.
 *
 * <p>"Handled" is the library's verdict. For a component that cannot be killed, the handler
 * returning is that verdict. For one with a health check or a processing timeout, a handler
 * may return after its incarnation was killed, and then its result does not count (see
 * {@code HungHandlerTest}); every message to those components is therefore an ask, and it
 * counts as handled when its reply arrives.
 *
 * <p>The CI size runs in the normal build (100,000 messages, a few seconds). The full size:
 * <pre>
 * mvn -pl reactor-supervisor test -Dtest=ChaosTest -Dchaos.messages=1000000
 * </pre>
 * Optional: {@code -Dchaos.senders=8}, {@code -Dchaos.seed=42} (the seed of each run is
 * printed with its figures).
 */
class ChaosTest {

    static final int MESSAGES = Integer.getInteger("chaos.messages", 100_000);
    static final int SENDERS = Integer.getInteger("chaos.senders", 8);
    static final long SEED = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong());
    /** Messages sent but not yet handled or dead-lettered, at most: the senders' back-pressure. */
    static final int WINDOW = 20_000;

    static final HealthCheck PROBE = HealthCheck.every(Duration.ofMillis(50)).withTimeout(Duration.ofMillis(50))
            .withUnhealthyAfter(2);
    static final Duration PROCESSING_TIMEOUT = Duration.ofMillis(100);

    // ------------------------------------------------------------------ actions, first character of a message

    static final char OK = 'o';
    /** Crashes on every delivery. */
    static final char CRASH = 'c';
    /** Crashes with an AssertionError on every delivery. */
    static final char ERROR = 'e';
    /** Crashes on its first delivery only: handled if the component redelivers. */
    static final char CRASH_ONCE = 'x';
    /** Hangs until its incarnation is killed, on every delivery. */
    static final char HANG = 'h';
    /** Hangs on its first delivery only. */
    static final char HANG_ONCE = 'H';

    enum Kind {
        SYNC, ASYNC, GUEST, BLOCKING_HANGS, ASYNC_HANGS, TIMEOUT_HANGS, ESCALATING, ESCALATING_GUEST
    }

    /** A message that crashes: no stack trace, chaos is cheap. */
    static final class ChaosCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChaosCrash(String message) {
            super("chaos crash " + message, null, false, false);
        }
    }

    /** One component of the tree and what the test knows of it. */
    final class Target {
        final int index;
        final Kind kind;
        final String path;
        final boolean killable;
        final int[] lastSeq = new int[SENDERS];
        ComponentRef<String, String> ref;

        Target(int index, Kind kind, String path) {
            this.index = index;
            this.kind = kind;
            this.path = path;
            this.killable = kind == Kind.BLOCKING_HANGS || kind == Kind.ASYNC_HANGS || kind == Kind.TIMEOUT_HANGS;
            Arrays.fill(lastSeq, -1);
        }

        /** The library handled message {@code id}: count it, and check this sender's order here. */
        void handled(int id) {
            int count = handled.incrementAndGet(id);
            if (count != 1) {
                problem("message " + id + " handled " + count + " times");
            }
            synchronized (this) {
                int sender = id % SENDERS;
                int seq = id / SENDERS;
                if (seq <= lastSeq[sender]) {
                    problem(path + " handled sender " + sender + "'s message " + seq + " after " + lastSeq[sender]);
                }
                lastSeq[sender] = seq;
            }
            window.release();
        }

        /** The action of a message sent to this component, drawn from its kind's mix. */
        char draw(SplittableRandom r) {
            int p = r.nextInt(10_000); // in basis points
            switch (kind) {
                case SYNC:
                case ASYNC:
                    return p < 50 ? CRASH : p < 60 ? ERROR : p < 110 ? CRASH_ONCE : OK;
                case GUEST:
                    return p < 100 ? Guests.TRAP : p < 105 ? Guests.RECURSE : p < 106 ? Guests.SPIN : OK;
                case BLOCKING_HANGS:
                case ASYNC_HANGS:
                case TIMEOUT_HANGS:
                    return p < 50 ? CRASH : p < 60 ? HANG : p < 65 ? HANG_ONCE : p < 115 ? CRASH_ONCE : OK;
                case ESCALATING:
                    return p < 300 ? CRASH : OK;
                default:
                    return p < 300 ? Guests.TRAP : OK;
            }
        }
    }

    // ------------------------------------------------------------------ what happened to each message

    final AtomicIntegerArray handled = new AtomicIntegerArray(MESSAGES);
    final AtomicIntegerArray dead = new AtomicIntegerArray(MESSAGES);
    final AtomicIntegerArray deliveries = new AtomicIntegerArray(MESSAGES);
    final AtomicReferenceArray<DeadLetterReason> deadReason = new AtomicReferenceArray<>(MESSAGES);
    final AtomicReferenceArray<Object> askOutcome = new AtomicReferenceArray<>(MESSAGES);
    final byte[] action = new byte[MESSAGES];
    final short[] target = new short[MESSAGES];
    final boolean[] asked = new boolean[MESSAGES];
    final Semaphore window = new Semaphore(WINDOW);
    final AtomicInteger asksPending = new AtomicInteger();
    final List<String> problems = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();

    // figures
    final Map<DeadLetterReason, AtomicLong> deadByReason = new EnumMap<>(DeadLetterReason.class);
    final Map<Class<?>, AtomicLong> eventCounts = new ConcurrentHashMap<>();

    synchronized void problem(String what) {
        if (problems.size() < 50) {
            problems.add(what);
        }
    }

    static int id(String message) {
        return Integer.parseInt(message, 1, message.length(), 10);
    }

    // ------------------------------------------------------------------ handlers

    /** Blocks until its incarnation is killed (the kill interrupts), then fails. */
    static String hang(String m) {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            throw new ChaosCrash("interrupted " + m);
        }
        throw new AssertionError("unreachable");
    }

    /** Does what a JVM message says, synchronously; returns true if it hangs instead (async). */
    void act(String m, int id, int delivery, boolean mayHangHere) {
        switch (m.charAt(0)) {
            case CRASH:
                throw new ChaosCrash(m);
            case ERROR:
                throw new AssertionError("chaos assertion " + m);
            case CRASH_ONCE:
                if (delivery == 0) {
                    throw new ChaosCrash(m);
                }
                return;
            case HANG:
                if (mayHangHere) {
                    hang(m);
                }
                return;
            case HANG_ONCE:
                if (mayHangHere && delivery == 0) {
                    hang(m);
                }
                return;
            default:
        }
    }

    private BiFunction<Object, String, String> syncHandler(Target t) {
        return (state, m) -> {
            int id = id(m);
            act(m, id, deliveries.getAndIncrement(id), true);
            if (!t.killable) {
                t.handled(id);
            }
            return m;
        };
    }

    private BiFunction<Object, String, Mono<String>> asyncHandler(Target t) {
        return (state, m) -> {
            int id = id(m);
            int delivery = deliveries.getAndIncrement(id);
            char a = m.charAt(0);
            if (a == HANG || (a == HANG_ONCE && delivery == 0)) {
                return Mono.never();
            }
            if (a == CRASH && id % 2 == 0) {
                return Mono.error(new ChaosCrash(m)); // as a signal rather than a throw
            }
            act(m, id, delivery, false);
            Consumer<String> done = x -> {
                if (!t.killable) {
                    t.handled(id);
                }
            };
            if (id % 3 == 0) {
                // a real asynchronous reply, from another thread
                return Mono.fromCallable(() -> m).subscribeOn(Schedulers.parallel()).doOnNext(done);
            }
            done.accept(m);
            return Mono.just(m);
        };
    }

    private BiFunction<WasmInstance, String, String> guestHandler(Target t) {
        BiFunction<WasmInstance, String, String> guest = WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8());
        return (instance, m) -> {
            int id = id(m);
            deliveries.getAndIncrement(id);
            String reply = guest.apply(instance, m);
            if (!reply.equals(m)) {
                problem(t.path + " replied '" + reply + "' to '" + m + "'");
            }
            t.handled(id);
            return reply;
        };
    }

    // ------------------------------------------------------------------ the tree

    private ComponentSpec<String, String> component(Kind kind, String supervisorPath, String name) {
        Target t = new Target(targets.size(), kind, supervisorPath + "/" + name);
        targets.add(t);
        int i = t.index;
        RestartStrategy restart = i % 7 == 0
                ? RestartStrategy.exponentialBackoff(Duration.ofMillis(1), Duration.ofMillis(20), 2.0).withJitter(0.5)
                : i % 5 == 0 ? RestartStrategy.delayed(Duration.ofMillis(1)) : RestartStrategy.immediate();
        boolean escalating = kind == Kind.ESCALATING || kind == Kind.ESCALATING_GUEST;
        RestartLimit limit = escalating ? RestartLimit.of(3, Duration.ofMinutes(1)) : RestartLimit.unlimited();
        Mailbox mailbox = i % 11 == 3 ? Mailbox.bounded(32) : Mailbox.unbounded();
        int redeliveries = i % 3 == 0 ? 1 : 0;
        if (kind == Kind.GUEST || kind == Kind.ESCALATING_GUEST) {
            return Guests.component(name).syncHandler(guestHandler(t)).restart(restart).limit(limit).mailbox(mailbox)
                    .redeliveries(redeliveries).build();
        }
        ComponentSpec.Builder<String, String, Object> b = ComponentSpec.<String, String, Object>named(name)
                .state(Object::new).restart(restart).limit(limit).mailbox(mailbox).redeliveries(redeliveries);
        switch (kind) {
            case ASYNC:
                return b.handler(asyncHandler(t)).build();
            case BLOCKING_HANGS:
                return b.syncHandler(syncHandler(t)).blocking().healthCheck(PROBE).build();
            case ASYNC_HANGS:
                return b.handler(asyncHandler(t)).healthCheck(PROBE).build();
            case TIMEOUT_HANGS:
                return b.syncHandler(syncHandler(t)).processingTimeout(PROCESSING_TIMEOUT).build();
            default:
                return b.syncHandler(syncHandler(t)).build();
        }
    }

    private SupervisorSpec.Builder supervisor(String name) {
        return Supervisor.named(name).intensity(RestartLimit.unlimited());
    }

    private Supervisor startTree() {
        SupervisorSpec.Builder jvm = supervisor("jvm");
        for (int i = 0; i < 35; i++) {
            jvm.child(component(i % 2 == 0 ? Kind.SYNC : Kind.ASYNC, "jvm", "j" + i));
        }
        SupervisorSpec.Builder guests = supervisor("guests");
        for (int i = 0; i < 20; i++) {
            guests.child(component(Kind.GUEST, "guests", "g" + i));
        }
        SupervisorSpec.Builder hangs = supervisor("hangs");
        for (int i = 0; i < 15; i++) {
            Kind kind = i < 5 ? Kind.BLOCKING_HANGS : i < 10 ? Kind.ASYNC_HANGS : Kind.TIMEOUT_HANGS;
            hangs.child(component(kind, "hangs", "h" + i));
        }
        SupervisorSpec.Builder all = supervisor("all").strategy(SupervisionStrategy.ONE_FOR_ALL);
        SupervisorSpec.Builder rest = supervisor("rest").strategy(SupervisionStrategy.REST_FOR_ONE);
        for (int i = 0; i < 5; i++) {
            all.child(component(i % 2 == 0 ? Kind.SYNC : Kind.ASYNC, "groups/all", "a" + i));
            rest.child(component(i % 2 == 0 ? Kind.ASYNC : Kind.SYNC, "groups/rest", "r" + i));
        }
        SupervisorSpec.Builder bottom = supervisor("bottom");
        SupervisorSpec.Builder middle = supervisor("middle");
        for (int i = 0; i < 5; i++) {
            middle.child(component(i == 2 ? Kind.GUEST : Kind.SYNC, "deep/middle", "m" + i));
            bottom.child(component(i == 2 ? Kind.GUEST : Kind.ASYNC, "deep/middle/bottom", "b" + i));
        }
        SupervisorSpec.Builder esc = supervisor("esc").escalateOnFailure()
                .restart(RestartStrategy.delayed(Duration.ofMillis(5))).limit(RestartLimit.unlimited());
        for (int i = 0; i < 10; i++) {
            esc.child(component(i < 7 ? Kind.ESCALATING : Kind.ESCALATING_GUEST, "esc", "e" + i));
        }
        Supervisor root = supervisor("root")
                .child(jvm).child(guests).child(hangs)
                .child(supervisor("groups").child(all).child(rest))
                .child(supervisor("deep").child(middle.child(bottom)))
                .child(esc)
                .start();
        for (Target t : targets) {
            t.ref = root.ref(t.path);
        }
        return root;
    }

    // ------------------------------------------------------------------ events

    private void onEvent(SupervisionEvent e) {
        eventCounts.computeIfAbsent(e.getClass(), k -> new AtomicLong()).incrementAndGet();
        if (!(e instanceof SupervisionEvent.DeadLetter)) {
            return;
        }
        SupervisionEvent.DeadLetter d = (SupervisionEvent.DeadLetter) e;
        int id = id((String) d.message());
        deadByReason.get(d.reason()).incrementAndGet();
        int count = dead.incrementAndGet(id);
        if (count != 1) {
            problem("message " + id + " dead-lettered " + count + " times, now " + d.reason());
        }
        deadReason.set(id, d.reason());
        if (d.reason() == DeadLetterReason.CRASHED && d.cause() == null) {
            problem("message " + id + " crashed without a cause");
        }
        window.release();
    }

    // ------------------------------------------------------------------ sending

    private int[] send(int sender) throws InterruptedException {
        SplittableRandom r = new SplittableRandom(SEED + sender);
        int sent = 0;
        int refused = 0;
        for (int id = sender; id < MESSAGES; id += SENDERS) {
            Target t = targets.get(r.nextInt(targets.size()));
            char a = t.draw(r);
            String m = a + Integer.toString(id);
            action[id] = (byte) a;
            target[id] = (short) t.index;
            boolean ask = t.killable || r.nextInt(10) == 0;
            asked[id] = ask;
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                problem("sender " + sender + " waited 30 seconds for outcomes: messages are being lost");
                return new int[] {sent, refused};
            }
            if (ask) {
                asksPending.incrementAndGet();
                int askId = id;
                t.ref.ask(m).subscribe(v -> replied(t, askId, v), e -> askFailed(askId, e));
            } else if (!t.ref.tell(m)) {
                refused++;
            }
            sent++;
        }
        return new int[] {sent, refused};
    }

    private void replied(Target t, int id, String reply) {
        if (!reply.equals(action(id) + Integer.toString(id))) {
            problem("ask " + id + " got '" + reply + "'");
        }
        if (t.killable) {
            t.handled(id);
        }
        if (!askOutcome.compareAndSet(id, null, reply)) {
            problem("ask " + id + " completed twice");
        }
        asksPending.decrementAndGet();
    }

    private void askFailed(int id, Throwable e) {
        if (!askOutcome.compareAndSet(id, null, e)) {
            problem("ask " + id + " completed twice");
        }
        asksPending.decrementAndGet();
    }

    private char action(int id) {
        return (char) action[id];
    }

    // ------------------------------------------------------------------ the test

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the CI size takes seconds; the bound is for -Dchaos.messages
    void everyMessageIsHandledOnceOrDeadLetteredOnceInOrderAndEveryAskCompletes() throws Exception {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadByReason.put(reason, new AtomicLong());
        }
        Supervisor root = startTree();
        assertThat(targets).hasSize(100);
        Disposable events = root.events().subscribe(this::onEvent);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long start = System.nanoTime();
        int sent = 0;
        int refused = 0;
        long sendNanos;
        long settleNanos;
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                results.add(senders.submit(() -> send(sender)));
            }
            for (Future<int[]> f : results) {
                int[] r = f.get(MESSAGES / 1_000 + 120, TimeUnit.SECONDS);
                sent += r[0];
                refused += r[1];
            }
            sendNanos = System.nanoTime() - start;
            // every message reaches its outcome: all the window's permits come back (bounded)
            boolean settled = window.tryAcquire(WINDOW, 30, TimeUnit.SECONDS);
            settleNanos = System.nanoTime() - start;
            if (!settled) {
                problem("after 30 seconds " + (WINDOW - window.availablePermits())
                        + " messages were neither handled nor dead-lettered: " + stuck(root));
            } else {
                window.release(WINDOW);
            }
        } finally {
            senders.shutdownNow();
        }
        try {
            assertThat(root.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30))).isNull();
        } catch (IllegalStateException timeout) { // say what is stuck, and the seed that reproduces it
            throw new AssertionError("the shutdown did not complete within 30 seconds (seed " + SEED + "); problems "
                    + problems + "; without an outcome:" + stuck(root), timeout);
        }
        events.dispose();

        String figures = figures(sent, refused, sendNanos, settleNanos);
        System.out.println(figures);

        assertThat(problems).as(figures).isEmpty();
        assertThat(sent).isEqualTo(MESSAGES);
        checkEveryMessage(figures);
        assertThat(asksPending).as("asks still pending").hasValue(0);
        assertThat(count(SupervisionEvent.Escalated.class)).as("escalations").isPositive();
        assertThat(count(SupervisionEvent.HealthCheckFailed.class)).as("health check failures").isPositive();
        assertThat(deadByReason.get(DeadLetterReason.CRASHED).get()).isPositive();
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.STOPPED);
        checkTheComponentsCountedTheSame(root, figures);
    }

    /** Each component's own counters agree with the test's, message for message. */
    private void checkTheComponentsCountedTheSame(Supervisor root, String figures) {
        long[] handledBy = new long[targets.size()];
        long[] deadAt = new long[targets.size()];
        for (int id = 0; id < MESSAGES; id++) {
            handledBy[target[id]] += handled.get(id);
            deadAt[target[id]] += dead.get(id);
        }
        SupervisorSnapshot snapshot = root.snapshot();
        List<String> wrong = new ArrayList<>();
        for (Target t : targets) {
            ComponentSnapshot c = (ComponentSnapshot) snapshot.child(t.path);
            if (c.handled() != handledBy[t.index] || c.deadLetters() != deadAt[t.index]) {
                wrong.add(t.path + " counted " + c.handled() + " handled and " + c.deadLetters()
                        + " dead letters; the test saw " + handledBy[t.index] + " and " + deadAt[t.index]);
            }
        }
        assertThat(wrong).as(figures).isEmpty();
    }

    private void checkEveryMessage(String figures) {
        List<String> wrong = new ArrayList<>();
        for (int id = 0; id < MESSAGES && wrong.size() < 20; id++) {
            int h = handled.get(id);
            int d = dead.get(id);
            char a = action(id);
            Target t = targets.get(target[id]);
            String what = "message " + id + " ('" + a + "' to " + t.path + ", " + (asked[id] ? "ask" : "tell")
                    + ", delivered " + deliveries.get(id) + "x): handled " + h + ", dead " + d + " "
                    + deadReason.get(id) + ", ask " + askOutcome.get(id);
            if (h + d != 1) {
                wrong.add(what);
                continue;
            }
            boolean crashesAlways = a == CRASH || a == ERROR || a == HANG || a == Guests.TRAP
                    || a == Guests.RECURSE || a == Guests.SPIN;
            if (crashesAlways && h == 1) {
                wrong.add("handled though it crashes every time: " + what);
            }
            if (asked[id]) {
                Object outcome = askOutcome.get(id);
                if (h == 1 ? !(outcome instanceof String) : !matches(deadReason.get(id), outcome)) {
                    wrong.add("ask outcome does not match: " + what);
                }
            }
        }
        assertThat(wrong).as(figures).isEmpty();
    }

    /** The error an ask gets for a message dead-lettered with this reason. */
    private static boolean matches(DeadLetterReason reason, Object outcome) {
        switch (reason) {
            case CRASHED:
                return outcome instanceof MessageCrashedException;
            case MAILBOX_FULL:
                return outcome instanceof MailboxFullException;
            default:
                return outcome instanceof ComponentUnavailableException;
        }
    }

    /** Where the messages without an outcome are: per component, its state, depth and restarts. */
    private String stuck(Supervisor root) {
        int[] pending = new int[targets.size()];
        StringBuilder b = new StringBuilder();
        for (int id = 0; id < MESSAGES; id++) {
            if (handled.get(id) + dead.get(id) == 0 && action[id] != 0) {
                if (pending[target[id]]++ < 3) {
                    b.append(String.format("%n  message %d: '%c' to %s, %s, delivered %dx", id, action(id),
                            targets.get(target[id]).path, asked[id] ? "ask" : "tell", deliveries.get(id)));
                }
            }
        }
        for (Target t : targets) {
            if (pending[t.index] > 0) {
                b.append(String.format("%n  %s: %d pending, %s, depth %d", t.path, pending[t.index], t.ref.state(),
                        t.ref.mailboxDepth()));
            }
        }
        b.append(String.format("%n  tree: %s", root.snapshot().render()));
        return b.toString();
    }

    private long count(Class<?> type) {
        AtomicLong n = eventCounts.get(type);
        return n == null ? 0 : n.get();
    }

    private String figures(int sent, int refused, long sendNanos, long settleNanos) {
        long handledCount = 0;
        long redeliveredThenHandled = 0;
        for (int id = 0; id < MESSAGES; id++) {
            if (handled.get(id) == 1) {
                handledCount++;
                if (deliveries.get(id) > 1) {
                    redeliveredThenHandled++;
                }
            }
        }
        long asks = 0;
        for (boolean a : asked) {
            asks += a ? 1 : 0;
        }
        Map<Character, Integer> planned = new TreeMap<>();
        for (byte a : action) {
            if (a != 0 && a != OK) {
                planned.merge((char) a, 1, Integer::sum);
            }
        }
        return String.format("chaos: seed %d, %,d messages from %d senders to %d components (%,d asks) in %,d ms"
                        + " (sent in %,d ms, %,d messages/s); handled %,d (%,d after a redelivery), dead letters %s;"
                        + " refused at send %,d; crashes %,d, restarts %,d, health checks failed %,d, escalations %,d,"
                        + " components failed %,d; planned failures by action %s (c crash, e AssertionError,"
                        + " x crash once, h hang, H hang once, ! trap, ^ guest stack overflow, ~ guest spin)",
                SEED, sent, SENDERS, targets.size(), asks, settleNanos / 1_000_000, sendNanos / 1_000_000,
                sent * 1_000_000_000L / Math.max(1, settleNanos), handledCount, redeliveredThenHandled, deadByReason,
                refused, count(SupervisionEvent.Crashed.class), count(SupervisionEvent.Restarted.class),
                count(SupervisionEvent.HealthCheckFailed.class), count(SupervisionEvent.Escalated.class),
                count(SupervisionEvent.Failed.class), planned);
    }
}
