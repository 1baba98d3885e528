package io.reactorsupervisor.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.HealthCheckFailedException;
import io.reactorsupervisor.RestartLimitExceededException;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.wasm.TrapKind;
import io.reactorsupervisor.wasm.WasmTrapException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The demo's scenario, exactly as {@code Demo} runs it: once on virtual time, where the 16
 * seconds of its schedule pass in about one and every count is deterministic, and once in real
 * time on real threads, where only the invariants are asserted.
 */
class ShopScenarioTest {

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void theDemoScenarioLosesNothingAndShowsEveryKindOfFault() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        AtomicReference<Report> result = new AtomicReference<>();

        StepVerifier.withVirtualTime(() -> new ShopScenario(out).run())
                .thenAwait(Duration.ofSeconds(40))
                .consumeNextWith(result::set)
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        Report report = result.get();
        assertNothingLostAndEveryFaultSeen(report);
        // deterministic on virtual time: the exact outcome of every order line
        Outcomes outcomes = report.outcomes();
        assertThat(outcomes.accepted()).isEqualTo(142);
        assertThat(outcomes.rejected()).isEqualTo(7); // 6 invalid lines and the oversized one
        assertThat(outcomes.quarantined()).isEqualTo(1);

        assertThat(report.rows()).extracting(r -> r.tally().path() + " restarts=" + r.snapshot().restarts())
                .containsExactly(Shop.PRICING + " restarts=4", Shop.STORE + " restarts=2", Shop.PRICE + " restarts=2",
                        Shop.PARSE + " restarts=3", Shop.INGEST + " restarts=0");

        String timeline = printed.toString(StandardCharsets.UTF_8);
        assertThat(timeline)
                .contains("shop/pipeline/parse   crashed on \"40,ki\\x07wi,2\": WebAssembly trap UNREACHABLE in 'handle'")
                .contains("shop/pipeline/parse   rejected \"35,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\","
                        + " kept its state (RESUME): OrderLineTooLongException: order line of 70005 bytes is longer"
                        + " than the maximum of 1024 bytes")
                .contains("shop/pipeline/parse   dead letter REJECTED: \"35,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"")
                .contains("shop/pipeline/store   restarting in 200 ms (attempt 1 in a row)")
                .contains("shop/pipeline/price   restarted (restart #1), with shop/pipeline/store")
                .contains("shop/pricing          restarted (restart #4), by restartChild")
                .contains("OPEN       shop/pricing          breaker 'pricing' CLOSED -> OPEN");
        assertThat(report.render()).contains("Nothing lost");
    }

    @Test
    void theDemoScenarioLosesNothingInRealTimeOnRealThreads() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report report = new ShopScenario(new PrintStream(printed, true, StandardCharsets.UTF_8)).run()
                .block(Duration.ofSeconds(45));

        assertThat(report).isNotNull();
        assertNothingLostAndEveryFaultSeen(report);
        assertThat(report.outcomes().accepted() + report.outcomes().rejected() + report.outcomes().quarantined())
                .isEqualTo(ShopScenario.ORDERS);
    }

    private static void assertNothingLostAndEveryFaultSeen(Report report) {
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        List<SupervisionEvent> events = report.events();

        // a handler exception: store's connection reset, its write redelivered (no dead letter)
        assertThat(crashes(events, Shop.STORE, e -> e instanceof IllegalStateException
                && e.getMessage().equals("connection #1 reset by peer"))).hasSize(1);
        // REST_FOR_ONE: price and parse, started after store, restart with it; ingest and pricing do not
        assertThat(kinds(events, Shop.PRICE)).containsSubsequence("Started", "Restarted", "Restarted", "Stopped");
        assertThat(kinds(events, Shop.PRICE)).doesNotContain("Crashed", "Restarting");
        // the oversized line is rejected before it reaches the guest (RESUME: a dead letter REJECTED, no
        // restart); a WebAssembly trap on the poison line, which is a dead letter
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.Crashed && e.path().equals(Shop.PARSE))
                .map(e -> (SupervisionEvent.Crashed) e)
                .extracting(e -> e.cause().getClass(), SupervisionEvent.Crashed::directive)
                .containsExactly(tuple(OrderLineTooLongException.class, Directive.RESUME),
                        tuple(WasmTrapException.class, Directive.RESTART));
        assertThat(crashes(events, Shop.PARSE, e -> e instanceof WasmTrapException
                && ((WasmTrapException) e).kind() == TrapKind.UNREACHABLE)).hasSize(1);
        assertThat(events).filteredOn(SupervisionEvent.DeadLetter.class::isInstance)
                .map(e -> (SupervisionEvent.DeadLetter) e)
                .filteredOn(d -> d.path().equals(Shop.PARSE))
                .extracting(SupervisionEvent.DeadLetter::message, SupervisionEvent.DeadLetter::reason)
                .containsExactly(tuple(ShopScenario.orderLine(ShopScenario.OVERSIZED), DeadLetterReason.REJECTED),
                        tuple(ShopScenario.orderLine(ShopScenario.POISON), DeadLetterReason.CRASHED));
        // a hang, caught by store's health check: two failed probes, then a crash
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.HealthCheckFailed
                && e.path().equals(Shop.STORE)).hasSize(2);
        assertThat(crashes(events, Shop.STORE, HealthCheckFailedException.class::isInstance)).hasSize(1);
        // a crash loop that reaches its limit: pricing gives up
        assertThat(events).filteredOn(e -> e instanceof SupervisionEvent.Failed && e.path().equals(Shop.PRICING))
                .singleElement()
                .satisfies(e -> assertThat(((SupervisionEvent.Failed) e).cause())
                        .isInstanceOf(RestartLimitExceededException.class));
        assertThat(crashes(events, Shop.PRICING, e -> true)).hasSize(4);
        // then the breaker opens, and closes again once pricing is restarted by hand and its wait is over.
        // The opening is published by the caller whose ask failed, the give-up by pricing's supervisor:
        // two threads, so either may come first; both come before the restart by hand
        List<String> pricing = kinds(events, Shop.PRICING);
        assertThat(pricing).containsSubsequence("Failed", "Restarted", "CircuitStateChanged", "CircuitStateChanged");
        assertThat(pricing.subList(0, pricing.lastIndexOf("Restarted"))).contains("Failed", "CircuitStateChanged");
        assertThat(events).filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .map(e -> (SupervisionEvent.CircuitStateChanged) e)
                .extracting(e -> e.fromState() + "->" + e.toState())
                .containsExactly("CLOSED->CLOSED", "CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        // degraded mode: orders priced at the list price meanwhile
        assertThat(report.outcomes().degraded()).isPositive();
    }

    private static List<Throwable> crashes(List<SupervisionEvent> events, String path, Predicate<Throwable> cause) {
        return events.stream()
                .filter(e -> e instanceof SupervisionEvent.Crashed && e.path().equals(path))
                .map(e -> ((SupervisionEvent.Crashed) e).cause())
                .filter(cause)
                .collect(Collectors.toList());
    }

    private static List<String> kinds(List<SupervisionEvent> events, String path) {
        return events.stream().filter(e -> e.path().equals(path)).map(e -> e.getClass().getSimpleName())
                .collect(Collectors.toList());
    }
}
