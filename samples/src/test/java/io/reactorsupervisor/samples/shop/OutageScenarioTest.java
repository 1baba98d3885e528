package io.reactorsupervisor.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.SupervisionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 16, as an operator met it on the dashboard: with the dashboard's timings, a pricing
 * outage long enough for pricing to go through its restart backoff, give up and open the
 * breaker, while a steady stream of orders builds a backlog at price, and four oversized order
 * lines among them. On virtual time, so every wait is exact and the run takes about a second.
 *
 * <p>Before the directives and the progress-based liveness, price's health probe queued behind
 * its backlog of valid work and price was killed as hung, and each oversized line trapped the
 * WebAssembly parser and restarted it, so that ingest's asks timed out behind parse's backoff.
 */
class OutageScenarioTest {

    /** The time between two order lines. */
    private static final Duration TICK = Duration.ofMillis(250);
    /** How many order lines are sent. */
    private static final int ORDERS = 160;
    /** At this tick pricing's backend goes down. */
    private static final int OUTAGE = 12;
    /** At these ticks, during the outage, the order line is oversized. */
    private static final List<Integer> OVERSIZED = List.of(20, 28, 36, 44);
    /** At this tick the backend is back and the operator restarts pricing, which gave up meanwhile. */
    private static final int FIXED = 100;

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    /**
     * The order line sent at a tick: valid, invalid every 25th, oversized at {@link #OVERSIZED}.
     * Numbered from 1001, as the dashboard's feed, so never the demo's poison line.
     */
    static String orderLine(int tick) {
        int n = 1000 + tick;
        if (OVERSIZED.contains(tick)) {
            return n + "," + "x".repeat(70_000) + ",1"; // more than the guest's whole memory (64 KiB)
        }
        return ShopScenario.orderLine(n);
    }

    /** What one run left behind. */
    record Run(Report report, List<SupervisionEvent> events, int priceBacklog) {
    }

    @Test
    void anOutageWithBackoffAndOversizedLinesNeitherHangsNorRestartsUpstreamAndLosesNothing() {
        AtomicReference<Run> result = new AtomicReference<>();

        StepVerifier.withVirtualTime(OutageScenarioTest::run)
                .thenAwait(Duration.ofSeconds(120))
                .consumeNextWith(result::set)
                .expectComplete()
                .verify(Duration.ofSeconds(60));

        Report report = result.get().report();
        List<SupervisionEvent> events = result.get().events();
        assertThat(report.problems()).isEmpty();

        // the outage happened: pricing crash-looped through its backoff, gave up, the breaker opened,
        // and the operator's restart brought it back
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.Restarting && e.path().equals(Shop.PRICING))
                .map(e -> ((SupervisionEvent.Restarting) e).delay())
                .startsWith(Duration.ofMillis(1500), Duration.ofMillis(3000));
        assertThat(kinds(events, Shop.PRICING)).containsSubsequence("Failed", "Restarted");
        assertThat(events).filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .map(e -> (SupervisionEvent.CircuitStateChanged) e)
                .extracting(e -> e.fromState() + "->" + e.toState())
                .contains("CLOSED->OPEN")
                .endsWith("HALF_OPEN->CLOSED");
        // and price had a backlog of valid work waiting on pricing meanwhile
        assertThat(result.get().priceBacklog()).isGreaterThanOrEqualTo(10);

        // no false hang: a backlog whose messages each end within callTimeout is not hung
        assertThat(events).filteredOn(SupervisionEvent.HealthCheckFailed.class::isInstance).isEmpty();
        // nothing upstream of pricing restarted: not price, not parse, not ingest, not store
        for (String path : List.of(Shop.STORE, Shop.PRICE, Shop.PARSE, Shop.INGEST)) {
            assertThat(kinds(events, path)).as(path).doesNotContain("Restarting", "Restarted", "Failed");
            assertThat(component(report, path).restarts()).as(path).isZero();
        }

        // each oversized line: rejected by parse with RESUME, a REJECTED dead letter, parse kept its state
        List<String> oversized = OVERSIZED.stream().map(OutageScenarioTest::orderLine).collect(Collectors.toList());
        String tooLong = "order line of 70007 bytes is longer than the maximum of 1024 bytes";
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.Crashed && e.path().equals(Shop.PARSE))
                .map(e -> (SupervisionEvent.Crashed) e)
                .allSatisfy(e -> {
                    assertThat(e.directive()).isEqualTo(Directive.RESUME);
                    assertThat(e.cause()).isInstanceOf(OrderLineTooLongException.class).hasMessage(tooLong);
                    assertThat(Describe.event(e)).isEqualTo("rejected \"" + e.message().toString().substring(0, 40)
                            + "...\", kept its state (RESUME): OrderLineTooLongException: " + tooLong);
                })
                .extracting(SupervisionEvent.Crashed::message)
                .containsExactlyElementsOf(oversized);
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.DeadLetter && e.path().equals(Shop.PARSE))
                .map(e -> (SupervisionEvent.DeadLetter) e)
                .allSatisfy(d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.REJECTED);
                    assertThat(d.cause()).isInstanceOf(OrderLineTooLongException.class);
                })
                .extracting(SupervisionEvent.DeadLetter::message)
                .containsExactlyElementsOf(oversized);
        Tally parse = report.rows().get(Shop.COMPONENTS.indexOf(Shop.PARSE)).tally();
        assertThat(parse.deadLetters(DeadLetterReason.REJECTED)).isEqualTo(OVERSIZED.size());
        assertThat(parse.deadLetters()).isEqualTo(OVERSIZED.size());
        assertThat(component(report, Shop.PARSE).lastDirective()).isEqualTo(Directive.RESUME);

        // every order line is accounted for: the oversized ones rejected with the invalid ones, none
        // quarantined (no valid line timed out behind a parse restart), every accepted one priced and stored
        Outcomes outcomes = report.outcomes();
        long invalid = IntStream.rangeClosed(1, ORDERS)
                .filter(tick -> !OVERSIZED.contains(tick) && (1000 + tick) % 25 == 0).count();
        assertThat(outcomes.accepted() + outcomes.rejected() + outcomes.quarantined()).isEqualTo(ORDERS);
        assertThat(outcomes.rejected()).isEqualTo(invalid + OVERSIZED.size());
        assertThat(outcomes.quarantined()).isZero();
        assertThat(outcomes.accepted()).isEqualTo(ORDERS - invalid - OVERSIZED.size());
        assertThat(outcomes.priced()).isEqualTo(outcomes.accepted());
        assertThat(outcomes.refusedByStore()).isZero();
        assertThat(component(report, Shop.STORE).handled()).isEqualTo(outcomes.accepted());
        assertThat(outcomes.degraded()).isPositive(); // priced at the list price during the outage
    }

    /**
     * Starts the shop when subscribed, feeds it one line per tick, breaks and fixes pricing,
     * waits until every message is handled or dead-lettered, shuts it down and reports.
     */
    private static Mono<Run> run() {
        return Mono.defer(() -> {
            OrderParser.module(); // compiled once, before time zero
            Shop shop = Shop.start(ShopSettings.dashboard(), new Faults());
            List<SupervisionEvent> events = new CopyOnWriteArrayList<>();
            Disposable recording = shop.events().subscribe(events::add);
            AtomicInteger priceBacklog = new AtomicInteger();
            return Flux.interval(TICK)
                    .take(ORDERS)
                    .doOnNext(i -> {
                        int tick = (int) (i + 1);
                        if (tick == OUTAGE) {
                            shop.faults().pricingOutage(true);
                        } else if (tick == FIXED) {
                            shop.faults().pricingOutage(false);
                            shop.root().restartChild("pricing");
                        }
                        shop.ingest().tell(orderLine(tick));
                        priceBacklog.accumulateAndGet(shop.component(Shop.PRICE).mailboxDepth(), Math::max);
                    })
                    .then(Flux.interval(Duration.ofMillis(50)).filter(i -> shop.settled()).next()
                            .timeout(Duration.ofSeconds(30)))
                    .then(Mono.defer(() -> shop.shutdown(Duration.ofSeconds(5))))
                    .then(Mono.fromCallable(() -> new Run(Report.of(shop, events, ORDERS), new ArrayList<>(events),
                            priceBacklog.get())))
                    .doFinally(signal -> recording.dispose());
        });
    }

    private static ComponentSnapshot component(Report report, String path) {
        return report.rows().get(Shop.COMPONENTS.indexOf(path)).snapshot();
    }

    private static List<String> kinds(List<SupervisionEvent> events, String path) {
        return events.stream().filter(e -> e.path().equals(path)).map(e -> e.getClass().getSimpleName())
                .collect(Collectors.toList());
    }
}
