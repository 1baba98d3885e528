package io.reactorsupervisor.samples;

import java.time.Duration;

import io.reactorsupervisor.samples.shop.Report;
import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopScenario;

/**
 * The one-command demo ({@code mvn -q -pl samples -am compile exec:java}): a supervised order
 * pipeline takes a steady stream of orders while faults are injected on a schedule, prints a
 * live timeline, shuts down gracefully and checks that nothing was lost. Exits with status 1
 * if the check fails.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        long started = System.nanoTime();
        System.out.println("Reactor Supervisor demo: an order pipeline under supervision.");
        System.out.println();
        System.out.println("  shop                 ONE_FOR_ONE");
        System.out.println("  |- pricing           flaky 'external' pricing; gives up after 3 restarts in 10 s");
        System.out.println("  |- pipeline          REST_FOR_ONE: a stage restarts with the stages started after it");
        System.out.println("  |  |- store          writes orders; redelivers the write that crashed it once");
        System.out.println("  |  |- price          asks pricing through a circuit breaker; list price when it cannot");
        System.out.println("  |  '- parse          a WebAssembly module (WAT in samples/src/main/resources/wasm)");
        System.out.println("  '- ingest            the entry: asks parse, hands valid orders to price");
        System.out.println();
        System.out.printf("%d order lines, one every %d ms; faults at %.1f s (store write fails),"
                + " %.1f s (oversized line),%n%.1f s (poison line), %.1f s (store hangs),"
                + " %.1f s (pricing backend down), %.1f s (backend fixed, pricing restarted).%n%n",
                ShopScenario.ORDERS, ShopScenario.TICK.toMillis(), at(ShopScenario.CONNECTION_RESET),
                at(ShopScenario.OVERSIZED), at(ShopScenario.POISON), at(ShopScenario.STORE_HANG),
                at(ShopScenario.PRICING_OUTAGE), at(ShopScenario.PRICING_FIXED));

        Report report = new ShopScenario(System.out).run().block(Duration.ofSeconds(50));
        if (report == null) {
            throw new IllegalStateException("the scenario completed without a report");
        }
        System.out.println();
        System.out.print(report.render());
        System.out.println();
        System.out.println("The tree after shutdown (" + Shop.ROOT + ".snapshot().render()):");
        System.out.print(report.snapshot().render());
        System.out.printf("%nDemo finished in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        if (!report.ok()) {
            System.exit(1);
        }
    }

    private static double at(int tick) {
        return tick * ShopScenario.TICK.toMillis() / 1000.0;
    }
}
