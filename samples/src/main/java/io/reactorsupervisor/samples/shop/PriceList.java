package io.reactorsupervisor.samples.shop;

import java.util.Map;

/**
 * The state of the pricing component: a client of a pretend external pricing service, which
 * fails every call while {@link Faults#pricingOutage(boolean) the outage} lasts.
 */
final class PriceList {

    private static final Map<String, Long> PRICES = Map.of(
            "APPLE", 45L, "PEAR", 60L, "PLUM", 35L, "FIG", 120L, "KIWI", 50L, "LIME", 30L);

    private final Faults faults;

    PriceList(Faults faults) {
        this.faults = faults;
    }

    Quote quote(String sku) {
        if (faults.pricingDown()) {
            throw new PricingUnavailableException("pricing backend answered 503 for " + sku);
        }
        Long cents = PRICES.get(sku);
        return cents != null ? new Quote(sku, cents, false) : Quote.listPrice(sku);
    }

    /** The pretend backend is down. */
    static final class PricingUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PricingUnavailableException(String message) {
            super(message, null, false, false);
        }
    }
}
