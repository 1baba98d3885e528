package io.reactorsupervisor.samples.web;

import java.time.Duration;

import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopScenario;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** A background stream of order lines, so that the dashboard has something to show. */
final class OrderFeed implements AutoCloseable {

    private final @Nullable Disposable feed;

    OrderFeed(Shop shop, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            feed = null;
            return;
        }
        // order lines from the demo's generator, numbered from 1001: never the demo's poison line
        feed = Flux.interval(interval)
                .subscribe(i -> shop.ingest().tell(ShopScenario.orderLine((int) (1001 + i % 1_000_000))));
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.dispose();
        }
    }
}
