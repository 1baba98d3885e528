package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.reactorsupervisor.samples.shop.Faults;
import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The children's readiness in Actuator's readiness group, as Kubernetes' readiness probe reads it. */
class ShopHealthTest {

    private final Shop shop = Shop.start(ShopSettings.dashboard(), new Faults());
    private final ShopHealth health = new ShopHealth();

    @AfterEach
    void shutDown() {
        shop.close();
    }

    @Test
    void readinessIsOutOfServiceWhileAChildRestartsWithItsReason() {
        // once every child has started
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Health h = health.shopReadinessHealthIndicator(shop).health();
            assertThat(h).isNotNull();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(h.getDetails()).isEqualTo(Map.of("notReady", Map.of()));
        });

        shop.component(Shop.INGEST).tell(shop.chaos().crashCommand()); // 1.5 s restart delay

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Health h = health.shopReadinessHealthIndicator(shop).health();
            assertThat(h).isNotNull();
            assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(((Map<?, ?>) h.getDetails().get("notReady")).keySet()).extracting(String::valueOf).contains(Shop.INGEST);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                health.shopReadinessHealthIndicator(shop).health()).extracting(Health::getStatus).isEqualTo(Status.UP));
    }
}
