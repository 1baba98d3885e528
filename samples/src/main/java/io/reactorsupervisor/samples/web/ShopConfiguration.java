package io.reactorsupervisor.samples.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.micrometer.SupervisorMetrics;
import io.reactorsupervisor.samples.shop.Faults;
import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The supervised shop as a bean: started with the application, shut down gracefully with it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DashboardProperties.class)
class ShopConfiguration {

    @Bean
    Faults faults() {
        return new Faults();
    }

    /** Closed (a graceful shutdown of the tree, 5 s to drain) when the application stops. */
    @Bean
    Shop shop(DashboardProperties properties, Faults faults) {
        return Shop.start(ShopSettings.dashboard().withIngestMailbox(properties.ingestMailbox()), faults);
    }

    /**
     * The shop's meters in the application's registry (scraped at {@code /actuator/prometheus}),
     * and an observation of each ask and handling in the application's observation registry.
     * Closed before the shop: its meters are removed.
     */
    @Bean
    SupervisorMetrics.Binding shopMetrics(Shop shop, MeterRegistry meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry) {
        SupervisorMetrics metrics = SupervisorMetrics.of(shop.root()).withTags("app", "shop");
        ObservationRegistry observations = observationRegistry.getIfAvailable();
        return (observations != null ? metrics.withObservationRegistry(observations) : metrics).bindTo(meterRegistry);
    }

    /** Closed before the shop, which it depends on. */
    @Bean
    OrderFeed orderFeed(Shop shop, DashboardProperties properties) {
        return new OrderFeed(shop, properties.feedInterval());
    }
}
