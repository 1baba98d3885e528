package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.samples.shop.Faults;
import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopSettings;
import org.junit.jupiter.api.Test;

/** What the tree view adds to a snapshot, on a running shop and on one that has ended. */
class ShopDetailsTest {

    @Test
    void limitsAreTheShopsAndStatsAreLive() {
        try (Shop shop = Shop.start(ShopSettings.dashboard().withIngestMailbox(32), new Faults())) {
            ShopDetails details = new ShopDetails(shop);
            assertThat(details.limit(Shop.PRICING)).isEqualTo(RestartLimit.of(3, Duration.ofSeconds(30)));
            assertThat(details.limit(Shop.STORE)).isEqualTo(RestartLimit.DEFAULT);
            assertThat(details.limit(Shop.PIPELINE)).isNull();
            assertThat(details.limit("elsewhere/x")).isNull();
            assertThat(details.stats(Shop.INGEST)).isNotNull().satisfies(s -> assertThat(s.mailboxCapacity())
                    .isEqualTo(32));
            assertThat(details.stats(Shop.ROOT)).isNull();
            assertThat(details.stats("shop/nothing")).isNull();
            assertThat(details.breaker("other", "CLOSED")).isNull();
            assertThat(details.breaker(Shop.BREAKER, "CLOSED")).isEqualTo(new TreeView.BreakerView("CLOSED", -1, 0, 0));
        }
    }

    @Test
    void theTreeOfAShopThatHasEndedStillRenders() {
        Shop shop = Shop.start(ShopSettings.dashboard(), new Faults());
        shop.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));

        TreeView tree = TreeView.of(shop.snapshot(), Shop.ASYNC_COMPONENTS, new ShopDetails(shop));

        assertThat(tree.state()).isEqualTo("STOPPED");
        assertThat(tree.children()).isNotNull().hasSize(3);
        TreeView pricing = tree.children().get(0);
        assertThat(pricing.state()).isEqualTo("STOPPED");
        assertThat(pricing.restartLimit()).isEqualTo(new TreeView.LimitView(3, 30_000));
    }
}
