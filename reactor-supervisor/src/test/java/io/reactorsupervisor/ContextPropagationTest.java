package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The sender's Reactor context reaches the handler: through an ask and a tell, across a crash
 * and its redelivery, two components away; ThreadLocal values through context-propagation;
 * the component's path in the MDC. On virtual time.
 */
class ContextPropagationTest extends VirtualTimeTest {

    private static final String TRACE_KEY = "test.traceId";
    private static final ThreadLocal<@Nullable String> TRACE = new ThreadLocal<>();

    /** The tree under test, for handlers that ask their siblings. */
    private Supervisor root;

    private Supervisor root() {
        return root;
    }

    @BeforeAll
    static void registerTheThreadLocal() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(TRACE_KEY, TRACE);
    }

    @AfterAll
    static void removeTheThreadLocal() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(TRACE_KEY);
    }

    @Test
    void aTraceIdReachesAHandlerTwoComponentsAwayThroughACrashAndItsRedelivery() {
        AtomicInteger deliveries = new AtomicInteger();
        ComponentSpec<String, String> back = ComponentSpec.<String, String, Object>named("back")
                .state(Object::new)
                .handler((s, m) -> Mono.deferContextual(ctx -> {
                    if (deliveries.incrementAndGet() == 1) {
                        return Mono.error(new IllegalStateException("first delivery crashes"));
                    }
                    return Mono.just(m + " seen by back with " + ctx.getOrDefault(TRACE_KEY, "no trace"));
                }))
                .redeliveries(1)
                .build();
        root = start(Supervisor.named("root").child(back).child(
                ComponentSpec.<String, String, Object>named("front")
                        .state(Object::new)
                        .handler((s, m) -> root().<String, String>ref("back").ask(m)) // the handler's context goes on
                        .build()));

        StepVerifier.create(root.<String, String>ref("front").ask("order")
                        .contextWrite(Context.of(TRACE_KEY, "abc-123")))
                .expectNext("order seen by back with abc-123")
                .verifyComplete();
        assertThat(deliveries).hasValue(2);
        assertThat(events(SupervisionEvent.Restarted.class, "root/back")).hasSize(1);
    }

    @Test
    void tellCarriesTheContextItIsGiven() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, Void> spec = ComponentSpec.<String, Void, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> Mono.deferContextual(ctx -> {
                    seen.add(m + ":" + ctx.getOrDefault(TRACE_KEY, "none"));
                    return Mono.<Void>empty();
                }))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, Void> ref = root.ref(spec);
        assertThat(ref.tell("with", Context.of(TRACE_KEY, "t-1"))).isTrue();
        assertThat(ref.tell("empty", Context.empty())).isTrue();
        assertThat(ref.tell("plain")).isTrue();
        // inside a reactive chain, the chain's context
        StepVerifier.create(Mono.deferContextual(ctx -> Mono.just(ref.tell("chain", ctx)))
                        .contextWrite(Context.of(TRACE_KEY, "t-2")))
                .expectNext(true).verifyComplete();
        advance(1);
        assertThat(seen).containsExactly("with:t-1", "empty:none", "plain:none", "chain:t-2");
    }

    @Test
    void aSynchronousHandlerSeesTheSendersThreadLocalsAndLeavesTheThreadClean() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    seen.add(m + ":" + TRACE.get() + ":" + MDC.get(Supervisor.MDC_COMPONENT));
                    return m;
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);
        StepVerifier.create(ref.ask("a").contextWrite(Context.of(TRACE_KEY, "abc-123"))).expectNext("a")
                .verifyComplete();
        StepVerifier.create(ref.ask("b")).expectNext("b").verifyComplete();
        assertThat(seen).containsExactly("a:abc-123:root/c", "b:null:root/c");
        assertThat(TRACE.get()).isNull(); // the test thread ran the drain (virtual time): put back
        assertThat(MDC.get(Supervisor.MDC_COMPONENT)).isNull();
    }

    @Test
    void aDrainInsideAnotherDrainPutsBackTheOuterComponentsMdc() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> inner = ComponentSpec.<String, String, Object>named("inner")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    seen.add("inner:" + MDC.get(Supervisor.MDC_COMPONENT));
                    return m;
                })
                .scheduler(reactor.core.scheduler.Schedulers.immediate())
                .build();
        ComponentSpec<String, String> outer = ComponentSpec.<String, String, Object>named("outer")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    root().<String, String>ref("inner").tell(m); // drained right here, on this thread
                    seen.add("outer:" + MDC.get(Supervisor.MDC_COMPONENT));
                    return m;
                })
                .scheduler(reactor.core.scheduler.Schedulers.immediate())
                .build();
        root = start(Supervisor.named("root").child(inner).child(outer));
        root.<String, String>ref("outer").tell("m");
        assertThat(seen).containsExactly("inner:root/inner", "outer:root/outer");
        assertThat(MDC.get(Supervisor.MDC_COMPONENT)).isNull();
    }

    @Test
    void theLibrarysLogAboutAComponentCarriesItsPathInTheMdc() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("io.reactorsupervisor.Supervisor");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        ch.qos.logback.classic.Level level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.INFO);
        log.addAppender(appender);
        try {
            ComponentSpec<String, String> spec = ComponentTest.memo("c").build();
            Supervisor root = start(Supervisor.named("root").child(spec));
            root.ref(spec).tell("boom");
            advance(1);
        } finally {
            log.detachAppender(appender);
            log.setLevel(level);
        }
        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().contains("'root/c'"))
                .extracting(e -> e.getMDCPropertyMap().get(Supervisor.MDC_COMPONENT))
                .hasSizeGreaterThanOrEqualTo(2) // crashed, restarting, restarted
                .containsOnly("root/c");
    }

    @Test
    void theContextIsCheckedAndTheDefaultTellOfOtherRefsIgnoresIt() {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.ref(spec).tell("m", null))
                .isInstanceOf(NullPointerException.class).hasMessage("context");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.ref(spec).tell(null, Context.empty()))
                .isInstanceOf(NullPointerException.class).hasMessage("message");
    }
}
