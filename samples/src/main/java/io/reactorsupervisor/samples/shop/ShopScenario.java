package io.reactorsupervisor.samples.shop;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.reactorsupervisor.SupervisionEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The demo's scenario: a steady stream of order lines into the {@link Shop}, with faults
 * injected on a schedule, then a graceful shutdown and the {@link Report}.
 *
 * <p>Every timer in it runs on {@code Schedulers.parallel()}, looked up when the scenario is
 * subscribed, and the circuit breaker reads the same clock: run it in real time and it takes
 * about 16 seconds; run it inside {@code StepVerifier.withVirtualTime} and it takes as long
 * as the work.
 */
public final class ShopScenario {

    /** The time between two order lines. */
    public static final Duration TICK = Duration.ofMillis(100);
    /** How many order lines are sent. */
    public static final int ORDERS = 150;

    /** At this tick the next store write fails: a handler exception. */
    public static final int CONNECTION_RESET = 20;
    /** At this tick the order line is oversized: parse rejects it (RESUME), keeps its memory and does not restart. */
    public static final int OVERSIZED = 35;
    /** At this tick the order line is poison: the WebAssembly parser traps. */
    public static final int POISON = 40;
    /** At this tick the next store write hangs: caught by the health check. */
    public static final int STORE_HANG = 55;
    /** At this tick pricing's backend goes down: a crash loop that reaches its limit, then the breaker opens. */
    public static final int PRICING_OUTAGE = 75;
    /** At this tick the backend is back and pricing is restarted by hand; the breaker closes after its wait. */
    public static final int PRICING_FIXED = 110;

    private static final String[] SKUS = {"apple", "pear", "plum", "fig", "kiwi", "lime"};

    private final PrintStream out;

    /**
     * @param out where the timeline goes
     */
    public ShopScenario(PrintStream out) {
        this.out = out;
    }

    /**
     * The order line sent at a tick.
     *
     * @param n the tick, from 1
     * @return an order line: valid, invalid every 25th, poison at {@link #POISON}, longer than
     *     {@link OrderParser#MAX_LINE_BYTES} at {@link #OVERSIZED}
     */
    public static String orderLine(int n) {
        if (n == POISON) {
            return n + ",ki\u0007wi,2"; // a control character: the parser's poison
        }
        if (n == OVERSIZED) {
            return n + "," + "x".repeat(70_000) + ",1"; // more than the parser's whole memory (64 KiB)
        }
        if (n % 25 == 0) {
            return n + ",melon"; // no quantity: parse rejects it with a reply
        }
        return n + "," + SKUS[n % SKUS.length] + "," + (1 + n % 5);
    }

    /**
     * Runs the scenario: starts the shop when subscribed, feeds it, injects the faults, waits
     * until every message is handled or dead-lettered (at most 10 s), shuts it down.
     *
     * @return the report, once the shop has shut down
     */
    public Mono<Report> run() {
        return Mono.defer(() -> {
            OrderParser.module(); // compiled once, before time zero
            long start = Timeline.now();
            Shop shop = Shop.start(ShopSettings.demo(), new Faults());
            List<SupervisionEvent> events = new CopyOnWriteArrayList<>();
            Disposable recording = shop.events().subscribe(events::add);
            Timeline timeline = new Timeline(out, shop, start);
            timeline.header();
            Disposable printing = shop.events().subscribe(timeline::event);
            AtomicLong sent = new AtomicLong();
            return Flux.interval(TICK)
                    .take(ORDERS)
                    .doOnNext(i -> {
                        int tick = (int) (i + 1);
                        inject(shop, timeline, tick);
                        shop.ingest().tell(orderLine(tick));
                        sent.incrementAndGet();
                        if (tick % 30 == 0 && tick < ORDERS) {
                            progress(shop, timeline, sent.get());
                        }
                    })
                    .then(settled(shop, timeline))
                    .then(Mono.defer(() -> {
                        progress(shop, timeline, sent.get());
                        timeline.action("operator", "shutdown(5 s): stop in reverse start order, draining mailboxes");
                        return shop.shutdown(Duration.ofSeconds(5));
                    }))
                    .then(Mono.fromCallable(() -> Report.of(shop, events, sent.get())))
                    .doFinally(signal -> {
                        printing.dispose();
                        recording.dispose();
                    });
        });
    }

    private static void inject(Shop shop, Timeline timeline, int tick) {
        Faults faults = shop.faults();
        switch (tick) {
            case CONNECTION_RESET:
                timeline.action("fault", "store: the next write fails with \"connection reset\" (handler exception)");
                faults.nextWriteResetsConnection();
                break;
            case OVERSIZED:
                timeline.action("fault", "ingest gets an oversized line: parse rejects it and keeps its memory");
                break;
            case POISON:
                timeline.action("fault", "ingest gets a poison line: a control character traps the WebAssembly parser");
                break;
            case STORE_HANG:
                timeline.action("fault", "store: the next write never completes (a hang only the health check sees)");
                faults.nextWriteHangs();
                break;
            case PRICING_OUTAGE:
                timeline.action("fault", "pricing backend down: every call crashes pricing (crash loop)");
                faults.pricingOutage(true);
                break;
            case PRICING_FIXED:
                timeline.action("operator", "pricing backend fixed; restartChild(\"pricing\")");
                faults.pricingOutage(false);
                timeline.restartByHand(Shop.PRICING);
                shop.root().restartChild("pricing");
                break;
            default:
                break;
        }
    }

    private static void progress(Shop shop, Timeline timeline, long sent) {
        Outcomes o = shop.outcomes();
        timeline.action("progress", String.format("%d order lines sent: %d accepted, %d rejected, %d quarantined;"
                + " %d stored, %d at the list price", sent, o.accepted(), o.rejected(), o.quarantined(),
                shop.book().size(), o.degraded()));
    }

    /** Waits until every message sent has been handled or dead-lettered, at most 10 s. */
    private static Mono<Void> settled(Shop shop, Timeline timeline) {
        return Flux.interval(Duration.ofMillis(50))
                .filter(i -> shop.settled())
                .next()
                .doOnNext(i -> timeline.action("operator", "every message sent so far is handled or dead-lettered"))
                .then()
                .timeout(Duration.ofSeconds(10), Mono.fromRunnable(() ->
                        timeline.action("operator", "still busy after 10 s; shutting down anyway")));
    }
}
