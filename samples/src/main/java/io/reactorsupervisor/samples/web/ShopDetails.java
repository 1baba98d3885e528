package io.reactorsupervisor.samples.web;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.reactorsupervisor.ComponentStats;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.samples.shop.Shop;
import org.jspecify.annotations.Nullable;

/**
 * What the page shows beside the snapshot: each component's live stats, its restart limit and
 * the breaker's failure rate.
 *
 * <p>The limits are the shop's: pricing has {@code ShopSettings.pricingLimit()}, the others
 * the library's default, {@link RestartLimit#DEFAULT}. A snapshot does not carry a component's
 * limit, so this repeats what {@link Shop} builds its specs with.
 */
final class ShopDetails implements TreeView.Details {

    private final Shop shop;

    ShopDetails(Shop shop) {
        this.shop = shop;
    }

    @Override
    public @Nullable ComponentStats stats(String path) {
        if (!path.startsWith(Shop.ROOT + "/")) {
            return null;
        }
        try {
            return shop.root().ref(path.substring(Shop.ROOT.length() + 1)).stats();
        } catch (IllegalArgumentException e) {
            return null; // removed meanwhile
        }
    }

    @Override
    public @Nullable RestartLimit limit(String path) {
        if (path.equals(Shop.PRICING)) {
            return shop.settings().pricingLimit();
        }
        return Shop.COMPONENTS.contains(path) ? RestartLimit.DEFAULT : null;
    }

    @Override
    public TreeView.@Nullable BreakerView breaker(String name, String state) {
        if (!name.equals(Shop.BREAKER)) {
            return null;
        }
        CircuitBreaker.Metrics m = shop.breaker().getMetrics();
        return new TreeView.BreakerView(state, m.getFailureRate(), m.getNumberOfBufferedCalls(),
                m.getNumberOfFailedCalls());
    }
}
