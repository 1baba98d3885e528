package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Eventually;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.wasm.TrapKind;
import io.reactorsupervisor.wasm.WasmTrapException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Bad input at run time, on real threads: messages of the wrong type, handlers that throw
 * errors of every kind, a Mono handler that returns null, null messages, asks after shutdown,
 * shutdown twice. Each is answered with a clear error and is a crash of the component that got
 * it, at most: the supervisor and a sibling busy on another thread lose nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SIBLING_MESSAGES = 5_000;

    /** An Error that is not a VirtualMachineError, as an application might define. */
    static final class CustomError extends Error {
        private static final long serialVersionUID = 1L;

        CustomError(String message) {
            super(message);
        }
    }

    static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** A synchronous handler that does what its message says. */
    static String syncBehaviour(String m) {
        switch (m) {
            case "assert":
                throw new AssertionError("an assertion in the handler");
            case "custom-error":
                throw new CustomError("an application's own Error");
            case "deep":
                return m + recurse(0);
            case "oom":
                throw new OutOfMemoryError("a synthetic OutOfMemoryError");
            default:
                return "sync:" + m.length() + ":" + m; // m.length(): a String is expected
        }
    }

    /** An asynchronous handler that does what its message says; it may return null. */
    static Mono<String> asyncBehaviour(String m) {
        switch (m) {
            case "null-mono":
                return null;
            case "error-signal":
                return Mono.error(new AssertionError("an assertion signalled by the Mono"));
            case "deep-in-operator":
                return Mono.just(m).map(x -> x + recurse(0));
            case "deep-in-callable":
                return Mono.fromCallable(() -> m + recurse(0));
            case "linkage-in-operator":
                return Mono.just(m).map(x -> {
                    throw new ExceptionInInitializerError("a static initializer failed");
                });
            default:
                return Mono.just("async:" + m);
        }
    }

    private final List<SupervisionEvent> events = new CopyOnWriteArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private Supervisor root;
    private final AtomicInteger siblingHandled = new AtomicInteger();

    private Supervisor startTree() {
        ComponentSpec<String, String> sync = ComponentSpec.<String, String, Object>named("sync")
                .state(Object::new).syncHandler((s, m) -> syncBehaviour(m)).limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> async = ComponentSpec.<String, String, Object>named("async")
                .state(Object::new).handler((s, m) -> asyncBehaviour(m)).limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> wasm = Guests.component("wasm").limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, Integer> sibling = ComponentSpec.<String, Integer, AtomicInteger>named("sibling")
                .state(AtomicInteger::new)
                .syncHandler((n, m) -> {
                    siblingHandled.incrementAndGet();
                    return n.incrementAndGet();
                })
                .build();
        root = Supervisor.named("root")
                .intensity(RestartLimit.unlimited())
                .child(sync)
                .child(async)
                .child(Supervisor.named("guests").intensity(RestartLimit.unlimited()).child(wasm))
                .child(sibling)
                .start();
        subscriptions.add(root.events().subscribe(events::add));
        return root;
    }

    @AfterEach
    void stopTree() {
        subscriptions.forEach(Disposable::dispose);
        if (root != null) {
            root.shutdown(Duration.ofSeconds(5)).block(WAIT);
        }
    }

    private static Arguments crash(String path, Object message, Class<? extends Throwable> cause,
            Consumer<Throwable> more) {
        return Arguments.of(path + " <- " + message, path, message, cause, more);
    }

    private static Arguments crash(String path, Object message, Class<? extends Throwable> cause, String causeMessage) {
        return crash(path, message, cause, t -> assertThat(t).hasMessage(causeMessage));
    }

    static Stream<Arguments> crashingInputs() {
        return Stream.of(
                crash("sync", 42, ClassCastException.class,
                        t -> assertThat(t.getMessage()).contains("java.lang.Integer").contains("java.lang.String")),
                crash("async", List.of("not", "a", "string"), ClassCastException.class,
                        t -> assertThat(t.getMessage()).contains("java.lang.String")),
                crash("guests/wasm", 42, ClassCastException.class,
                        t -> assertThat(t.getMessage()).contains("java.lang.Integer").contains("java.lang.String")),
                crash("sync", "assert", AssertionError.class, "an assertion in the handler"),
                crash("sync", "custom-error", CustomError.class, "an application's own Error"),
                crash("sync", "deep", StackOverflowError.class, t -> { }),
                crash("sync", "oom", OutOfMemoryError.class, "a synthetic OutOfMemoryError"),
                crash("async", "null-mono", NullPointerException.class,
                        "handler of 'root/async' returned null instead of a Mono"),
                crash("async", "error-signal", AssertionError.class, "an assertion signalled by the Mono"),
                crash("async", "deep-in-operator", StackOverflowError.class, t -> { }),
                crash("async", "deep-in-callable", StackOverflowError.class, t -> { }),
                crash("async", "linkage-in-operator", ExceptionInInitializerError.class, "a static initializer failed"),
                crash("guests/wasm", Guests.TRAP + "trap", WasmTrapException.class,
                        t -> assertThat(((WasmTrapException) t).kind()).isEqualTo(TrapKind.UNREACHABLE)),
                crash("guests/wasm", Guests.RECURSE + "recurse", WasmTrapException.class,
                        t -> assertThat(((WasmTrapException) t).kind()).isEqualTo(TrapKind.CALL_STACK_EXHAUSTED)),
                crash("guests/wasm", Guests.SPIN + "spin", WasmTrapException.class,
                        t -> assertThat(((WasmTrapException) t).kind()).isEqualTo(TrapKind.TIME_BUDGET_EXCEEDED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashingInputs")
    void aBadInputIsACrashOfThatComponentOnlyWithAClearErrorAndADeadLetter(String title, String path, Object bad,
            Class<? extends Throwable> causeType, Consumer<Throwable> causeCheck) throws Exception {
        Supervisor root = startTree();
        ComponentRef<Object, Object> victim = root.ref(path);
        ComponentRef<String, Integer> sibling = root.ref("sibling");
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<Integer> sent = sender.submit(() -> {
                int accepted = 0;
                for (int i = 0; i < SIBLING_MESSAGES; i++) {
                    accepted += sibling.tell("s" + i) ? 1 : 0;
                    if (i == 100) {
                        started.countDown();
                    }
                }
                return accepted;
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(victim.ask("before").block(WAIT)).asString().endsWith("before");
            Throwable asked = catchError(victim.ask(bad));
            assertThat(victim.tell(bad)).isTrue(); // accepted, then crashes the next incarnation as well
            assertThat(victim.ask("after").block(WAIT)).asString().endsWith("after");

            assertThat(asked).isInstanceOf(MessageCrashedException.class)
                    .hasMessageStartingWith("Message crashed component 'root/" + path + "': ")
                    .cause().isInstanceOf(causeType);
            causeCheck.accept(asked.getCause());
            Eventually.until("both crashes and their dead letters published", () ->
                    events(SupervisionEvent.DeadLetter.class).size() >= 2
                            && events(SupervisionEvent.Crashed.class).size() >= 2);
            List<SupervisionEvent.DeadLetter> dead = events(SupervisionEvent.DeadLetter.class);
            assertThat(dead).hasSize(2).allSatisfy(d -> {
                assertThat(d.path()).isEqualTo("root/" + path);
                assertThat(d.message()).isEqualTo(bad);
                assertThat(d.reason()).isEqualTo(DeadLetterReason.CRASHED);
                assertThat(d.cause()).isInstanceOf(causeType);
            });
            assertThat(events(SupervisionEvent.Crashed.class)).extracting(SupervisionEvent::path)
                    .containsOnly("root/" + path).hasSize(2);
            assertThat(victim.state()).isEqualTo(ComponentState.RUNNING);

            // the sibling on another thread lost nothing and was never restarted
            assertThat(sent.get(10, TimeUnit.SECONDS)).isEqualTo(SIBLING_MESSAGES);
            assertThat(sibling.ask("last").block(WAIT)).isEqualTo(SIBLING_MESSAGES + 1);
            assertThat(siblingHandled).hasValue(SIBLING_MESSAGES + 1);
            assertThat(((ComponentSnapshot) root.snapshot().child("sibling")).restarts()).isZero();
            assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
            assertThat(events(SupervisionEvent.Failed.class)).isEmpty();
            assertThat(events(SupervisionEvent.Escalated.class)).isEmpty();
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void nullMessagesAreRefusedAtOnceWithANullPointerExceptionNamingTheMessage() {
        Supervisor root = startTree();
        ComponentRef<String, String> ref = root.ref("sync");
        assertThatThrownBy(() -> ref.tell(null)).isInstanceOf(NullPointerException.class).hasMessage("message");
        assertThatThrownBy(() -> ref.ask(null)).isInstanceOf(NullPointerException.class).hasMessage("message");
        ComponentRef<String, String> wasm = root.ref("guests/wasm");
        assertThatThrownBy(() -> wasm.tell(null)).isInstanceOf(NullPointerException.class).hasMessage("message");
        assertThat(ref.ask("fine").block(WAIT)).isEqualTo("sync:4:fine");
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
    }

    @Test
    void aSyncHandlerReturningNullRepliesEmptyAndTheMessageCountsAsHandled() {
        ComponentSpec<String, String> nothing = ComponentSpec.<String, String, Object>named("nothing")
                .state(Object::new).syncHandler((s, m) -> null).build();
        root = Supervisor.named("root").child(nothing).start();
        subscriptions.add(root.events().subscribe(events::add));
        ComponentRef<String, String> ref = root.ref(nothing);
        assertThat(ref.ask("a").hasElement().block(WAIT)).isFalse();
        assertThat(ref.tell("b")).isTrue();
        assertThat(ref.ask("c").hasElement().block(WAIT)).isFalse();
        root.shutdown(Duration.ofSeconds(5)).block(WAIT); // the counts are final afterwards
        assertThat(((ComponentSnapshot) root.snapshot().child("nothing")).handled()).isEqualTo(3);
        assertThat(events(SupervisionEvent.Crashed.class)).isEmpty();
    }

    @Test
    void asksAndTellsAfterShutdownFailClearlyAndCountAsDeadLetters() {
        Supervisor root = startTree();
        ComponentRef<String, String> sync = root.ref("sync");
        ComponentRef<String, String> wasm = root.ref("guests/wasm");
        root.shutdown(Duration.ofSeconds(5)).block(WAIT);

        Throwable asked = catchError(sync.ask("late"));
        assertThat(asked).isInstanceOf(ComponentUnavailableException.class)
                .hasMessage("Component 'root/sync' is STOPPED and does not accept messages");
        assertThat(((ComponentUnavailableException) asked).state()).isEqualTo(ComponentState.STOPPED);
        assertThat(catchError(wasm.ask("late"))).isInstanceOf(ComponentUnavailableException.class)
                .hasMessage("Component 'root/guests/wasm' is STOPPED and does not accept messages");
        assertThat(sync.tell("late tell")).isFalse();
        // the event stream completed with the tree: the refusals are counted, not published
        assertThat(root.events().count().block(WAIT)).isPositive();
        assertThat(((ComponentSnapshot) root.snapshot().child("sync")).deadLetters()).isEqualTo(2);
        assertThat(events(SupervisionEvent.DeadLetter.class)).isEmpty();
        assertThat(root.termination().block(WAIT)).isNull();
    }

    @Test
    void shutdownCalledTwiceFromTwoThreadsWhileSendersRunCompletesOnceAndLosesNothing() throws Exception {
        ComponentSpec<Integer, Integer> counter = ComponentSpec.<Integer, Integer, Object>named("counter")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    siblingHandled.incrementAndGet();
                    return m;
                })
                .mailbox(Mailbox.unbounded())
                .build();
        root = Supervisor.named("root").child(counter).start();
        subscriptions.add(root.events().subscribe(events::add));
        ComponentRef<Integer, Integer> ref = root.ref(counter);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch midway = new CountDownLatch(1);
            List<Future<int[]>> senders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                senders.add(threads.submit(() -> {
                    int accepted = 0;
                    int refused = 0;
                    // until refused a thousand times, that is, well into the shutdown (bounded)
                    for (int i = 0; refused < 1_000 && i < 50_000_000; i++) {
                        if (ref.tell(i)) {
                            accepted++;
                        } else {
                            refused++;
                        }
                        if (i == 5_000) {
                            midway.countDown();
                        }
                    }
                    return new int[] {accepted, refused};
                }));
            }
            List<Future<Mono<Void>>> shutdowns = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                shutdowns.add(threads.submit(() -> {
                    midway.await();
                    return root.shutdown(Duration.ofSeconds(10));
                }));
            }
            int accepted = 0;
            int refused = 0;
            for (Future<int[]> f : senders) {
                int[] r = f.get(20, TimeUnit.SECONDS);
                accepted += r[0];
                refused += r[1];
            }
            for (Future<Mono<Void>> f : shutdowns) {
                assertThat(f.get(20, TimeUnit.SECONDS).block(WAIT)).isNull();
            }
            assertThat(accepted).isGreaterThan(5_000);
            assertThat(refused).isEqualTo(2_000);
            // accepted before the shutdown closed the mailbox: drained; refused afterwards: dead letters. A tell
            // that passed the check just as the mailbox closed may be accepted and then dead-lettered, by a
            // flush that can finish just after the shutdown completes: wait (bounded) for the books to close
            long expected = (long) accepted + refused;
            long deadline = System.nanoTime() + WAIT.toNanos();
            ComponentSnapshot snapshot = (ComponentSnapshot) root.snapshot().child("counter");
            while (snapshot.handled() + snapshot.deadLetters() != expected && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                snapshot = (ComponentSnapshot) root.snapshot().child("counter");
            }
            assertThat(snapshot.handled()).isEqualTo(siblingHandled.get());
            assertThat(snapshot.handled() + snapshot.deadLetters()).isEqualTo(accepted + refused);
            assertThat(snapshot.deadLetters()).isBetween((long) refused, (long) refused + 2);
            assertThat(events(SupervisionEvent.DeadLetter.class))
                    .allMatch(d -> d.reason() == DeadLetterReason.SHUT_DOWN);
            assertThat(events(SupervisionEvent.Stopped.class)).extracting(SupervisionEvent::path)
                    .containsExactly("root/counter", "root");
            assertThat(root.termination().block(WAIT)).isNull();
        } finally {
            threads.shutdownNow();
        }
    }

    private <T extends SupervisionEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /** The error the Mono fails with (ours are unchecked: {@code block} rethrows them as they are). */
    private static Throwable catchError(Mono<?> mono) {
        try {
            mono.block(WAIT);
        } catch (RuntimeException | Error e) {
            return e;
        }
        throw new AssertionError("expected an error, got a reply");
    }
}
