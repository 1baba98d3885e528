package io.reactorsupervisor.samples.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.reactorsupervisor.ChildSnapshot;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.samples.shop.Outcomes;
import io.reactorsupervisor.samples.shop.Quote;
import io.reactorsupervisor.samples.shop.Shop;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP endpoints. Each request that needs a component's work {@code ask}s it, with a
 * timeout; the failures of that call become HTTP statuses in {@link ErrorMapping}.
 */
@RestController
@RequestMapping("/api")
class ShopController {

    /** How many events an SSE subscriber may fall behind before the oldest are dropped. */
    private static final int EVENT_BUFFER = 1024;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** The header every action must carry (see {@link #requireActions(String)}). */
    static final String ACTION_HEADER = "X-Dashboard-Action";
    static final String ACTION_HEADER_VALUE = "confirmed";
    /** How much of an unknown path an error repeats. */
    private static final int MAX_ECHOED_PATH = 200;

    private final Shop shop;
    private final DashboardProperties properties;
    private final ActionsProperties actions;
    private final ShopDetails details;
    private final MetricsHistory metrics;
    private final DeadLetterLog deadLetters;

    ShopController(Shop shop, DashboardProperties properties, ActionsProperties actions, ShopDetails details,
            MetricsHistory metrics, DeadLetterLog deadLetters) {
        this.shop = shop;
        this.properties = properties;
        this.actions = actions;
        this.details = details;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** What the page needs to know before it draws its buttons. */
    @GetMapping("/config")
    Map<String, Object> config() {
        return Map.of("actionsEnabled", actions.actionsEnabled(), "root", Shop.ROOT);
    }

    // ------------------------------------------------------------------ the tree

    @GetMapping("/tree")
    TreeView tree() {
        return TreeView.of(shop.snapshot(), Shop.ASYNC_COMPONENTS, details);
    }

    /**
     * The charts' data: per-second rates of handled messages, crashes, restarts and dead letters,
     * per component.
     *
     * @param since only the samples after this time (seconds since the epoch, as the response's
     *     {@code times}); all kept when absent. The page asks for the new ones each second.
     */
    @GetMapping("/metrics")
    MetricsView metrics(@RequestParam(required = false) @Nullable Double since) {
        if (since == null) {
            return metrics.view();
        }
        if (since.isNaN()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "since must be a time in seconds, but was NaN");
        }
        return metrics.view(since);
    }

    /**
     * The last dead letters, newest first.
     *
     * @param path only those of this component; all when absent
     * @param limit at most this many, 1 to {@value ShopConfiguration#DEAD_LETTERS_KEPT}
     */
    @GetMapping("/dead-letters")
    List<DeadLetterView> deadLetters(@RequestParam(required = false) @Nullable String path,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > ShopConfiguration.DEAD_LETTERS_KEPT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and "
                    + ShopConfiguration.DEAD_LETTERS_KEPT + ", but was " + limit);
        }
        return deadLetters.recent(path, limit);
    }

    /**
     * The tree's events. A new subscriber first gets the recent ones (up to 256), then live
     * ones. {@code events()} drops what a subscriber has not requested yet, and the response
     * writer requests a few at a time, so a buffer sits in between; a client that falls more
     * than {@value #EVENT_BUFFER} events behind loses the oldest (the page re-reads the tree
     * after each event, so it recovers).
     */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<EventView>> events() {
        Flux<ServerSentEvent<EventView>> events = shop.events()
                .onBackpressureBuffer(EVENT_BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST)
                .map(e -> ServerSentEvent.builder(EventView.of(e)).build());
        Flux<ServerSentEvent<EventView>> keepAlive = Flux.interval(KEEP_ALIVE)
                .map(i -> ServerSentEvent.<EventView>builder().comment("keep-alive").build());
        return Flux.merge(events, keepAlive).takeUntilOther(shop.root().termination().onErrorComplete());
    }

    @GetMapping("/shop")
    Map<String, Object> shop() {
        Outcomes o = shop.outcomes();
        return Map.of("accepted", o.accepted(), "rejected", o.rejected(), "quarantined", o.quarantined(),
                "stored", shop.book().size(), "degraded", o.degraded(), "pricingOutage", shop.faults().pricingDown(),
                "breaker", shop.breaker().getState().name());
    }

    // ------------------------------------------------------------------ work for the components

    /** An order line through the whole pipeline: 202 once ingest has taken it, 422 if it is invalid. */
    @PostMapping(path = "/orders", consumes = MediaType.TEXT_PLAIN_VALUE)
    Mono<ResponseEntity<Map<String, String>>> order(@RequestBody String line) {
        return shop.ingest().ask(line.strip())
                .timeout(properties.askTimeout())
                .map(outcome -> {
                    if (outcome.startsWith("rejected")) {
                        throw new RejectedOrderException(outcome.substring("rejected: ".length()));
                    }
                    return ResponseEntity.accepted().body(Map.of("line", line.strip(), "outcome", outcome));
                });
    }

    /** The WebAssembly parser alone: 200 with the fields, 422 for an invalid line, 500 if the line crashes it. */
    @PostMapping(path = "/parse", consumes = MediaType.TEXT_PLAIN_VALUE)
    Mono<Map<String, Object>> parse(@RequestBody String line) {
        return shop.parse().ask(line.strip())
                .timeout(properties.askTimeout())
                .map(reply -> {
                    if (reply.startsWith("ERR ")) {
                        throw new RejectedOrderException(reply.substring(4));
                    }
                    String[] fields = reply.split(",");
                    return Map.of("id", fields[0], "sku", fields[1], "qty", Integer.parseInt(fields[2]));
                });
    }

    /** A quote from pricing through its circuit breaker, without fallback: 503 while the breaker is open. */
    @GetMapping("/quote/{sku}")
    Mono<Quote> quote(@PathVariable String sku) {
        return shop.pricing().ask(sku.toUpperCase(java.util.Locale.ROOT)).timeout(properties.askTimeout());
    }

    // ------------------------------------------------------------------ chaos and recovery

    /** Sends a crash command to a component: it crashes when the command reaches the front of its mailbox. */
    @PostMapping("/components/crash")
    ResponseEntity<Map<String, String>> crash(@RequestParam String path,
            @RequestHeader(name = ACTION_HEADER, required = false) @Nullable String header) {
        requireActions(header);
        return command(path, shop.chaos().crashCommand());
    }

    /** Sends a hang command to a component with an asynchronous handler: its health check will restart it. */
    @PostMapping("/components/hang")
    ResponseEntity<Map<String, String>> hang(@RequestParam String path,
            @RequestHeader(name = ACTION_HEADER, required = false) @Nullable String header) {
        requireActions(header);
        component(path);
        if (!Shop.ASYNC_COMPONENTS.contains(path)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'" + path
                    + "' has a synchronous handler: it cannot hang without blocking a thread");
        }
        return command(path, shop.chaos().hangCommand());
    }

    private ResponseEntity<Map<String, String>> command(String path, String command) {
        ComponentRef<String, ?> ref = component(path);
        if (!ref.tell(command)) {
            throw new ComponentUnavailableException(path, ref.state(), null);
        }
        return ResponseEntity.accepted().body(Map.of("path", path, "command", command));
    }

    /**
     * Restarts a child (component or supervisor), whatever its state: how a FAILED one comes back.
     * The root has no parent to restart it: for the root's path, each of its children restarts,
     * in start order, which is the whole tree afresh.
     */
    @PostMapping("/children/restart")
    ResponseEntity<Map<String, Object>> restart(@RequestParam String path,
            @RequestHeader(name = ACTION_HEADER, required = false) @Nullable String header) {
        requireActions(header);
        if (path.equals(Shop.ROOT)) {
            List<String> restarted = new ArrayList<>();
            for (ChildSnapshot child : shop.snapshot().children()) {
                try {
                    shop.root().restartChild(child.name()); // begins now; its events tell the outcome
                    restarted.add(child.path());
                } catch (IllegalArgumentException e) {
                    // removed meanwhile: nothing to restart
                } catch (IllegalStateException e) {
                    throw new ResponseStatusException(HttpStatus.CONFLICT, "the tree has ended; restart the application");
                }
            }
            return ResponseEntity.accepted().body(Map.of("path", path, "restarted", restarted));
        }
        int slash = path.lastIndexOf('/');
        if (slash < 0 || !path.startsWith(Shop.ROOT + "/")) {
            throw new NoSuchComponentException(path);
        }
        String parent = path.substring(0, slash);
        String name = path.substring(slash + 1);
        try {
            Supervisor supervisor = parent.equals(Shop.ROOT) ? shop.root()
                    : shop.root().supervisor(parent.substring(Shop.ROOT.length() + 1));
            supervisor.restartChild(name); // begins now; its events tell the outcome
        } catch (IllegalArgumentException e) {
            throw new NoSuchComponentException(path);
        } catch (IllegalStateException e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "the supervisor of '" + path + "' has ended");
        }
        return ResponseEntity.accepted().body(Map.of("path", path, "restarted", List.of(path)));
    }

    @PostMapping("/faults/pricing-outage")
    Map<String, Boolean> pricingOutage(@RequestParam boolean down,
            @RequestHeader(name = ACTION_HEADER, required = false) @Nullable String header) {
        requireActions(header);
        shop.faults().pricingOutage(down);
        return Map.of("pricingOutage", down);
    }

    /**
     * Actions need {@code reactor-supervisor.dashboard.actions-enabled} and the page's
     * {@value #ACTION_HEADER} header. A browser sends a custom header cross-origin only after a
     * CORS preflight, which this application does not allow, so another site's page cannot make
     * an operator's browser crash the tree (a plain form POST cannot carry it).
     */
    private void requireActions(@Nullable String header) {
        if (!actions.actionsEnabled()) {
            throw new ActionsDisabledException();
        }
        if (!ACTION_HEADER_VALUE.equals(header)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "an action needs the header " + ACTION_HEADER
                    + ": " + ACTION_HEADER_VALUE + ", which the dashboard's page sends");
        }
    }

    private ComponentRef<String, ?> component(String path) {
        try {
            return shop.component(path);
        } catch (IllegalArgumentException e) {
            throw new NoSuchComponentException(path);
        }
    }

    /** An order line the parser refused: a normal reply, answered with 422. */
    static final class RejectedOrderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RejectedOrderException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** An action while {@code reactor-supervisor.dashboard.actions-enabled} is off: 403. */
    static final class ActionsDisabledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ActionsDisabledException() {
            super("actions are disabled: set reactor-supervisor.dashboard.actions-enabled=true to crash, hang or "
                    + "restart components from the dashboard", null, false, false);
        }
    }

    /** No component has that path: 404. */
    static final class NoSuchComponentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchComponentException(String path) {
            super("no component or supervisor '" + (path.length() > MAX_ECHOED_PATH
                    ? path.substring(0, MAX_ECHOED_PATH) + "..." : path) + "' in the shop", null, false, false);
        }
    }
}
