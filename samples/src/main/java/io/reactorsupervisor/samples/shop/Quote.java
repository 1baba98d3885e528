package io.reactorsupervisor.samples.shop;

import java.util.Objects;

/**
 * A unit price for a sku.
 *
 * @param sku the sku, upper case
 * @param cents the unit price in cents
 * @param degraded true when it is the list price given while pricing was unavailable
 */
public record Quote(String sku, long cents, boolean degraded) {

    /** Checks the quote. */
    public Quote {
        Objects.requireNonNull(sku, "sku");
    }

    /**
     * The list price, used when the pricing component cannot answer (degraded mode).
     *
     * @param sku the sku
     * @return the list price of the sku, marked degraded
     */
    public static Quote listPrice(String sku) {
        return new Quote(sku, 100 + Math.floorMod(sku.hashCode(), 400), true);
    }
}
