package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextRegistry;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A trace id that a WebFlux filter writes into the Reactor context reaches a handler two
 * components away, through an ask whose first delivery crashed that handler and was
 * redelivered: in the handler's Reactor context, and in its SLF4J MDC through a
 * context-propagation {@code ThreadLocalAccessor}. Real threads, bounded in time.
 */
class TraceIdTest {

    /** The Reactor context key, and the MDC key, of the trace id. */
    static final String TRACE_ID = "traceId";
    static final String HEADER = "X-Trace-Id";

    private final List<Supervisor> trees = new CopyOnWriteArrayList<>();
    private final List<SupervisionEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void propagateTheMdcEntry() {
        // the handler's thread gets the MDC entry from the context the message carries
        ContextRegistry.getInstance().registerThreadLocalAccessor(TRACE_ID, () -> MDC.get(TRACE_ID),
                id -> MDC.put(TRACE_ID, id), () -> MDC.remove(TRACE_ID));
    }

    @AfterAll
    static void removeTheAccessor() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(TRACE_ID);
    }

    @AfterEach
    void shutDown() {
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5)));
    }

    /** The filter under test: the request's trace id into the Reactor context of everything downstream. */
    static WebFilter traceIdFilter() {
        return (exchange, chain) -> {
            String id = exchange.getRequest().getHeaders().getFirst(HEADER);
            return id == null ? chain.filter(exchange) : chain.filter(exchange).contextWrite(Context.of(TRACE_ID, id));
        };
    }

    /**
     * front asks back; back's first delivery crashes and is redelivered once ({@code redeliveries(1)}).
     * back replies with what it sees: {@code ctx=} its Reactor context's trace id, {@code mdc=} its MDC's.
     */
    private Supervisor tree(boolean synchronousBack, AtomicInteger deliveries) {
        ComponentSpec.Builder<String, String, Object> back = ComponentSpec.<String, String, Object>named("back")
                .state(Object::new)
                .redeliveries(1);
        if (synchronousBack) {
            back.syncHandler((s, m) -> {
                if (deliveries.incrementAndGet() == 1) {
                    throw new IllegalStateException("the first delivery crashes");
                }
                return m + " seen by back with mdc=" + MDC.get(TRACE_ID);
            });
        } else {
            back.handler((s, m) -> {
                String mdc = MDC.get(TRACE_ID); // while the handler is called
                return Mono.deferContextual(ctx -> deliveries.incrementAndGet() == 1
                        ? Mono.error(new IllegalStateException("the first delivery crashes"))
                        : Mono.just(m + " seen by back with ctx=" + ctx.getOrDefault(TRACE_ID, "none")
                                + " mdc=" + mdc));
            });
        }
        Supervisor[] root = new Supervisor[1];
        root[0] = Supervisor.named("root")
                .child(back.build())
                .child(ComponentSpec.<String, String, Object>named("front")
                        .state(Object::new)
                        .handler((s, m) -> root[0].<String, String>ref("back").ask(m)) // its context goes on
                        .build())
                .start();
        trees.add(root[0]);
        root[0].events().subscribe(events::add);
        return root[0];
    }

    private static WebTestClient client(Supervisor root) {
        RouterFunction<ServerResponse> route = RouterFunctions.route()
                .GET("/orders/{id}", request -> root.<String, String>ref("front")
                        .ask("order " + request.pathVariable("id"))
                        .flatMap(reply -> ServerResponse.ok().bodyValue(reply)))
                .build();
        return WebTestClient.bindToRouterFunction(route).webFilter(traceIdFilter()).build().mutate()
                .responseTimeout(Duration.ofSeconds(5)).build();
    }

    private void assertBackCrashedOnceAndWasRedelivered(Supervisor root, AtomicInteger deliveries) {
        assertThat(deliveries).hasValue(2);
        assertThat(root.ref("back").stats().crashes()).isEqualTo(1);
        assertThat(root.ref("back").stats().restarts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                .anyMatch(e -> e instanceof SupervisionEvent.Restarted && e.path().equals("root/back")));
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.Crashed).extracting(SupervisionEvent::path)
                .containsExactly("root/back");
    }

    @Test
    void theTraceIdOfAWebFluxRequestReachesAHandlerTwoComponentsAwayThroughACrashAndItsRedelivery() {
        AtomicInteger deliveries = new AtomicInteger();
        Supervisor root = tree(false, deliveries);

        client(root).get().uri("/orders/42").header(HEADER, "trace-4f2a").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).isEqualTo("order 42 seen by back with ctx=trace-4f2a mdc=trace-4f2a");
        assertBackCrashedOnceAndWasRedelivered(root, deliveries);
    }

    @Test
    void aSynchronousHandlerTwoComponentsAwayHasTheTraceIdInItsMdc() {
        AtomicInteger deliveries = new AtomicInteger();
        Supervisor root = tree(true, deliveries);

        client(root).get().uri("/orders/43").header(HEADER, "trace-77c1").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).isEqualTo("order 43 seen by back with mdc=trace-77c1");
        assertBackCrashedOnceAndWasRedelivered(root, deliveries);
        assertThat(MDC.get(TRACE_ID)).isNull(); // nothing leaked to the test's thread
    }
}
