package io.reactorsupervisor.samples.shop;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSnapshot;
import io.reactorsupervisor.circuitbreaker.CircuitBreakerGuard;
import io.reactorsupervisor.circuitbreaker.GuardedRef;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small order pipeline under supervision, shared by the demo and the dashboard:
 *
 * <pre>
 * shop                      ONE_FOR_ONE
 * ├─ pricing                a flaky "external" pricing service; gives up after 3 quick restarts
 * ├─ pipeline               REST_FOR_ONE: a stage restarts with the stages started after it
 * │  ├─ store               writes orders through a per-incarnation connection (AutoCloseable)
 * │  ├─ price               asks pricing through a circuit breaker; list price when it cannot
 * │  └─ parse               a WebAssembly module: checks and normalizes an order line; rejects a
 * │                         line too long without restarting (Directive.RESUME)
 * └─ ingest                 the entry: asks parse, hands valid orders to price
 * </pre>
 *
 * Orders flow {@code ingest -> parse -> price -> store}. Children start in declared order and
 * stop in reverse, so each stage starts after the stages it sends to and stops before them:
 * at shutdown ingest drains first, then parse, price and store, then pricing.
 *
 * <p>Every handler is wrapped to count what it finishes and to obey the {@link Chaos}
 * commands of the dashboard; every ref between components is a {@link CountingRef}; the event
 * stream feeds each component's {@link Tally}. That gives the demo its own count of every
 * message, to compare with the library's snapshot.
 */
public final class Shop implements AutoCloseable {

    /** The path of the root supervisor. */
    public static final String ROOT = "shop";
    /** The path of pricing. */
    public static final String PRICING = "shop/pricing";
    /** The path of the nested supervisor. */
    public static final String PIPELINE = "shop/pipeline";
    /** The path of store. */
    public static final String STORE = "shop/pipeline/store";
    /** The path of price. */
    public static final String PRICE = "shop/pipeline/price";
    /** The path of parse, the WebAssembly component. */
    public static final String PARSE = "shop/pipeline/parse";
    /** The path of ingest. */
    public static final String INGEST = "shop/ingest";
    /** The components, in start order. */
    public static final List<String> COMPONENTS = List.of(PRICING, STORE, PRICE, PARSE, INGEST);
    /** The components whose handler is asynchronous, which can hang on a {@link Chaos} command. */
    public static final Set<String> ASYNC_COMPONENTS = Set.of(STORE, PRICE, INGEST);
    /** The name of the circuit breaker that guards calls to pricing. */
    public static final String BREAKER = "pricing";

    private final ShopSettings settings;
    private final Faults faults;
    private final Chaos chaos = new Chaos();
    private final OrderBook book = new OrderBook();
    private final Outcomes outcomes = new Outcomes();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final CircuitBreakerRegistry registry;
    private final TimeLimiter timeLimiter;
    private final Supervisor root;

    // Refs between components: known once the tree runs. Handlers read them when a message
    // comes, which is after start() has returned and these are set.
    private volatile @Nullable CountingRef<String, String> ingest;
    private volatile @Nullable CountingRef<String, String> parse;
    private volatile @Nullable CountingRef<String, String> price;
    private volatile @Nullable CountingRef<String, String> store;
    private volatile @Nullable GuardedRef<String, Quote> pricingWithFallback;
    private volatile @Nullable GuardedRef<String, Quote> pricingWithoutFallback;

    private Shop(ShopSettings settings, Faults faults) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.faults = Objects.requireNonNull(faults, "faults");
        for (String path : COMPONENTS) {
            tallies.put(path, new Tally(path));
        }
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.breakerWaitInOpen())
                .permittedNumberOfCallsInHalfOpenState(2)
                .clock(new TreeClock())
                .build());
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(settings.callTimeout()).build());
        this.root = Supervisor.named(ROOT)
                .child(pricingSpec())
                .child(Supervisor.named("pipeline")
                        .strategy(SupervisionStrategy.REST_FOR_ONE)
                        .child(storeSpec())
                        .child(priceSpec())
                        .child(parseSpec(OrderParser.module())))
                .child(ingestSpec())
                .start();
        root.events().subscribe(this::count);
        wire();
    }

    /**
     * Builds and starts the shop's supervision tree.
     *
     * @param settings its timings
     * @param faults the fault switches its components read
     * @return the running shop
     */
    public static Shop start(ShopSettings settings, Faults faults) {
        return new Shop(settings, faults);
    }

    // ------------------------------------------------------------------ the components

    private ComponentSpec<String, Quote> pricingSpec() {
        return ComponentSpec.<String, Quote, PriceList>named("pricing")
                .state(() -> new PriceList(faults))
                .syncHandler(sync(PRICING, PriceList::quote))
                .restart(backoff(settings.pricingBackoff()))
                .limit(settings.pricingLimit())
                .build();
    }

    private ComponentSpec<String, String> storeSpec() {
        return ComponentSpec.<String, String, Connection>named("store")
                .state(() -> book.connect(faults))          // closed by the library when the incarnation ends
                .handler(async(STORE, (connection, priced) -> faults.takeStoreHang()
                        ? Mono.<String>never()                // a write that never completes: a hang
                        : Mono.fromCallable(() -> connection.write(priced))))
                .restart(backoff(settings.restartBackoff()))
                .redeliveries(1)                            // the write that crashed is tried once more
                .healthCheck(settings.storeHealth())
                .build();
    }

    private ComponentSpec<String, String> priceSpec() {
        return ComponentSpec.<String, String, Object>named("price")
                .state(Object::new)                         // no state of its own: the breaker outlives it
                .handler(async(PRICE, (none, order) -> link(pricingWithFallback).ask(field(order, 1))
                        .map(quote -> {
                            String priced = order + "," + quote.cents() + "," + (quote.degraded() ? "list" : "quoted");
                            outcomes.countPriced(quote.degraded(), link(store).tell(priced));
                            return priced;
                        })))
                .restart(backoff(settings.restartBackoff()))
                .healthCheck(settings.callerHealth())
                .build();
    }

    private ComponentSpec<String, String> parseSpec(WasmModule module) {
        return ComponentSpec.<String, String, WasmInstance>named("parse")
                .state(module::newInstance)                 // fresh linear memory for every incarnation
                .syncHandler(sync(PARSE, OrderParser.handler()))
                // a line too long is refused before it reaches the guest: the line is rejected (a dead
                // letter REJECTED, the ask fails with the exception), the instance is kept, nothing restarts
                .onFailure(OrderLineTooLongException.class, Directive.RESUME)
                // anything else keeps RESTART: a trap may leave the guest's memory half updated (the
                // instance is poisoned), and throwing that memory away with the incarnation is what
                // contains it
                .restart(backoff(settings.restartBackoff()))
                .build();
    }

    private ComponentSpec<String, String> ingestSpec() {
        return ComponentSpec.<String, String, Object>named("ingest")
                .state(Object::new)
                .handler(async(INGEST, (none, line) -> link(parse).ask(line)
                        .timeout(settings.callTimeout())
                        .map(this::route)
                        // a line parse rejected (RESUME): a verdict on the line, as an ERR reply is
                        .onErrorResume(OrderLineTooLongException.class, e -> Mono.just(reject(e.getMessage())))
                        .onErrorResume(e -> {
                            // a line that crashed parse (or that parse could not take) is set aside;
                            // ingest itself carries on
                            outcomes.countQuarantined();
                            return Mono.just("quarantined: " + Describe.cause(e));
                        })))
                .restart(backoff(settings.restartBackoff()))
                .mailbox(Mailbox.bounded(settings.ingestMailbox()))
                .healthCheck(settings.callerHealth())
                .build();
    }

    private String route(String parsed) {
        if (parsed.startsWith("ERR ")) {
            return reject(parsed.substring(4));
        }
        outcomes.countAccepted();
        if (!link(price).tell(parsed)) {
            return "accepted " + field(parsed, 0) + ", but price refused it";
        }
        return "accepted " + field(parsed, 0);
    }

    private String reject(String reason) {
        outcomes.countRejected();
        return "rejected: " + reason;
    }

    private static RestartStrategy backoff(Duration initial) {
        return RestartStrategy.exponentialBackoff(initial, initial.multipliedBy(8), 2.0);
    }

    /** A synchronous handler, counted and obeying chaos commands. */
    private <S, R> BiFunction<S, String, @Nullable R> sync(String path, BiFunction<S, String, R> handler) {
        Tally tally = tallies.get(path);
        return (state, message) -> {
            switch (chaos.verdict(message)) {
                case CRASH:
                    throw new Chaos.InjectedCrash(message);
                case HANDLE:
                    R reply = handler.apply(state, message);
                    tally.countHandled();
                    return reply;
                default: // a spent command, or a hang, which a synchronous handler does not do
                    tally.countHandled();
                    return null;
            }
        };
    }

    /** An asynchronous handler, counted when its Mono succeeds and obeying chaos commands. */
    private <S, R> BiFunction<S, String, Mono<R>> async(String path, BiFunction<S, String, Mono<R>> handler) {
        Tally tally = tallies.get(path);
        return (state, message) -> {
            switch (chaos.verdict(message)) {
                case CRASH:
                    return Mono.error(new Chaos.InjectedCrash(message));
                case HANG:
                    return Mono.never();
                case IGNORE:
                    tally.countHandled();
                    return Mono.empty();
                default:
                    return handler.apply(state, message).doOnSuccess(reply -> tally.countHandled());
            }
        };
    }

    private static String field(String line, int index) {
        String[] fields = line.split(",", -1);
        return index < fields.length ? fields[index] : "";
    }

    private static <T> T link(@Nullable T ref) {
        return Objects.requireNonNull(ref, "the shop is not wired yet");
    }

    // ------------------------------------------------------------------ wiring and counting

    private void wire() {
        CountingRef<String, Quote> pricing = new CountingRef<>(root.ref(PRICING.substring(ROOT.length() + 1)),
                tallies.get(PRICING));
        store = counting(STORE);
        price = counting(PRICE);
        parse = counting(PARSE);
        ingest = counting(INGEST);
        CircuitBreakerGuard<String, Quote> guard = CircuitBreakerGuard.of(pricing)
                .reportTo(pricing.unwrap())
                .circuitBreaker(registry, BREAKER)
                .timeLimiter(timeLimiter);
        pricingWithoutFallback = guard.build();
        pricingWithFallback = guard
                .fallback((sku, cause) -> Mono.just(Quote.listPrice(sku))) // degraded mode
                .build();
    }

    private CountingRef<String, String> counting(String path) {
        return new CountingRef<>(root.ref(path.substring(ROOT.length() + 1)), tallies.get(path));
    }

    private void count(SupervisionEvent event) {
        Tally tally = tallies.get(event.path());
        if (tally == null) {
            return;
        }
        if (event instanceof SupervisionEvent.DeadLetter) {
            tally.countDeadLetter(((SupervisionEvent.DeadLetter) event).reason());
        } else if (event instanceof SupervisionEvent.Restarted) {
            tally.countRestart();
        }
    }

    // ------------------------------------------------------------------ for the demo and the dashboard

    /** @return the root supervisor */
    public Supervisor root() {
        return root;
    }

    /** @return the tree now */
    public SupervisorSnapshot snapshot() {
        return root.snapshot();
    }

    /** @return the tree's events: the recent ones first, then live */
    public Flux<SupervisionEvent> events() {
        return root.events();
    }

    /** @return the entry of the pipeline: order lines in, "accepted"/"rejected"/"quarantined" out */
    public ComponentRef<String, String> ingest() {
        return link(ingest);
    }

    /** @return the WebAssembly parser: an order line in, the normalized line or "ERR ..." out */
    public ComponentRef<String, String> parse() {
        return link(parse);
    }

    /** @return calls to pricing through its breaker and time limiter, without fallback: errors come through */
    public GuardedRef<String, Quote> pricing() {
        return link(pricingWithoutFallback);
    }

    /**
     * @param path a component's path, such as {@value #STORE}
     * @return a counting ref to it
     * @throws IllegalArgumentException if no component of the shop has that path
     */
    public ComponentRef<String, ?> component(String path) {
        switch (path) {
            case INGEST:
                return link(ingest);
            case PARSE:
                return link(parse);
            case PRICE:
                return link(price);
            case STORE:
                return link(store);
            case PRICING:
                return link(pricingWithoutFallback).ref();
            default:
                throw new IllegalArgumentException("no component '" + path + "' in the shop");
        }
    }

    /** @return the breaker that guards calls to pricing */
    public CircuitBreaker breaker() {
        return registry.circuitBreaker(BREAKER);
    }

    /** @return the demo's own count of each component's messages, in start order */
    public Map<String, Tally> tallies() {
        return tallies;
    }

    /** @return whether every message sent so far has been handled or dead-lettered and every mailbox is empty */
    public boolean settled() {
        for (Tally t : tallies.values()) {
            if (!t.settled() || component(t.path()).mailboxDepth() != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the fault switches */
    public Faults faults() {
        return faults;
    }

    /** @return the crash and hang commands */
    public Chaos chaos() {
        return chaos;
    }

    /** @return where store writes */
    public OrderBook book() {
        return book;
    }

    /** @return what happened to the orders */
    public Outcomes outcomes() {
        return outcomes;
    }

    /** @return the settings */
    public ShopSettings settings() {
        return settings;
    }

    /**
     * Shuts the tree down gracefully.
     *
     * @param deadline how long draining may take
     * @return completes when the tree has stopped
     */
    public Mono<Void> shutdown(Duration deadline) {
        return root.shutdown(deadline);
    }

    /** Shuts the tree down, giving it 5 seconds to drain, and waits for that. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
