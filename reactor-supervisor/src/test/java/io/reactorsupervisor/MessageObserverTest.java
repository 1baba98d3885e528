package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;

/** The seam for metrics and tracing: every ask and every handling observed, each ended exactly once. On virtual time. */
class MessageObserverTest extends VirtualTimeTest {

    /** Records "kind path message" at the start and "ended kind path message: outcome" at the end. */
    static final class Recording implements MessageObserver {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<ContextView> handlingContexts = new CopyOnWriteArrayList<>();

        @Override
        public Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context) {
            return observation("ask " + component.path() + " " + message,
                    reactor.util.context.Context.of(context).put("parent", "ask " + message));
        }

        @Override
        public Observation handlingStarted(ComponentRef<?, ?> component, Object message, ContextView context) {
            handlingContexts.add(context);
            return observation("handle " + component.path() + " " + message, context);
        }

        private Observation observation(String what, ContextView context) {
            log.add(what);
            return new Observation() {
                @Override
                public ContextView context() {
                    return context;
                }

                @Override
                public void ended(@Nullable Throwable error) {
                    log.add("ended " + what + ": " + (error == null ? "ok" : error.getClass().getSimpleName()));
                }
            };
        }
    }

    /** "crash" throws, "hang" never completes, "sync-hang" blocks; anything else replies with the ask's parent key. */
    private static ComponentSpec.Builder<String, String, Object> asyncComponent(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> m.equals("crash") ? Mono.error(new IllegalStateException("crash"))
                        : m.equals("hang") ? Mono.never()
                        : Mono.deferContextual(ctx -> Mono.just(m + " under " + ctx.getOrDefault("parent", "none"))));
    }

    @Test
    void everyAskAndEveryHandlingIsObservedAndEndedOnce() {
        ComponentSpec<String, String> spec = asyncComponent("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        Recording observer = new Recording();
        Disposable attached = root.observe(observer);
        ComponentRef<String, String> ref = root.ref(spec);

        StepVerifier.create(ref.ask("a")).expectNext("a under ask a").verifyComplete(); // the ask's context goes on
        ref.tell("b");
        StepVerifier.create(ref.ask("crash")).expectError(MessageCrashedException.class).verify();
        advance(1);
        assertThat(observer.log).containsExactly(
                "ask root/c a", "handle root/c a", "ended handle root/c a: ok", "ended ask root/c a: ok",
                "handle root/c b", "ended handle root/c b: ok",
                "ask root/c crash", "handle root/c crash", "ended handle root/c crash: IllegalStateException",
                "ended ask root/c crash: MessageCrashedException");
        assertThat(observer.handlingContexts.get(0).getOrDefault("parent", "none")).isEqualTo("ask a");
        assertThat(observer.handlingContexts.get(1).isEmpty()).isTrue(); // a plain tell carries nothing

        attached.dispose();
        ref.tell("unobserved");
        advance(1);
        assertThat(observer.log).hasSize(10);
    }

    @Test
    void aCancelledAskARefusedOneAndAKilledHandlingEndTheirObservations() {
        ComponentSpec<String, String> spec = asyncComponent("c").mailbox(Mailbox.bounded(1))
                .processingTimeout(Duration.ofSeconds(1)).build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        Recording observer = new Recording();
        root.observe(observer);
        ComponentRef<String, String> ref = root.ref(spec);

        Disposable hung = ref.ask("hang").subscribe(v -> { }, e -> { });
        StepVerifier.create(ref.ask("queued").timeout(Duration.ofMillis(100), vts))
                .then(() -> advance(100)).expectError(TimeoutException.class).verify(); // cancelled by its caller
        StepVerifier.create(ref.ask("refused")).expectError(MailboxFullException.class).verify();
        advance(Duration.ofSeconds(1)); // the hang passes its processing timeout
        hung.dispose();
        advance(Duration.ofSeconds(1));
        assertThat(observer.log).contains(
                "ended ask root/c queued: CancellationException",
                "ended ask root/c refused: MailboxFullException",
                "ended handle root/c hang: CancellationException",
                "ended ask root/c hang: MessageCrashedException");
        assertThat(observer.log.stream().filter(l -> l.startsWith("ended handle root/c hang"))).hasSize(1);
    }

    @Test
    void anAbandonedSynchronousHandlingIsEndedByItsKill() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("slow")) {
                        advance(Duration.ofSeconds(2)); // the handler outlives its timeout (virtual time runs here)
                    }
                    return m;
                })
                .processingTimeout(Duration.ofSeconds(1))
                .scheduler(reactor.core.scheduler.Schedulers.immediate())
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        Recording observer = new Recording();
        root.observe(observer);
        root.ref(spec).tell("slow");
        advance(1);
        assertThat(observer.log.stream().filter(l -> l.startsWith("ended handle root/c slow")))
                .containsExactly("ended handle root/c slow: TimeoutException");
    }

    @Test
    void anObserverThatThrowsIsIgnoredAndATreeHasOne() {
        ComponentSpec<String, String> spec = asyncComponent("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        root.observe(new MessageObserver() {
            @Override
            public Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context) {
                throw new IllegalStateException("observer broke");
            }

            @Override
            public Observation handlingStarted(ComponentRef<?, ?> component, Object message, ContextView context) {
                throw new AssertionError("observer broke badly");
            }
        });
        StepVerifier.create(root.ref(spec).ask("a")).expectNext("a under none").verifyComplete();
        assertThatThrownBy(() -> root.observe(new Recording())).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the tree of 'root' already has an observer");
        assertThatThrownBy(() -> root.observe(null)).isInstanceOf(NullPointerException.class).hasMessage("observer");
        assertThat(root.ref(spec).state()).isEqualTo(ComponentState.RUNNING);
    }
}
