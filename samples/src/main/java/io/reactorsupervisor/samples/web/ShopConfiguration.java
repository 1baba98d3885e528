package io.reactorsupervisor.samples.web;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.samples.shop.Faults;
import io.reactorsupervisor.samples.shop.Shop;
import io.reactorsupervisor.samples.shop.ShopSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * The supervised shop as beans. Its root is the application's {@link Supervisor} bean, so the
 * Reactor Supervisor starter adopts it: the starter waits for it at startup, drains it after the
 * web server has stopped taking requests ({@code spring.lifecycle.timeout-per-shutdown-phase}),
 * reports it in {@code /actuator/health} ({@code reactorSupervisor}), turns liveness BROKEN if
 * it ends while the application runs, and serves {@code /actuator/supervision}. The shop builds
 * its tree itself (its components are wired to each other once it runs), so the starter's
 * {@code reactor-supervisor.defaults} and {@code components} overrides do not apply to it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DashboardProperties.class, ActionsProperties.class})
class ShopConfiguration {

    /** How long the charts look back, one sample a second. */
    static final int HISTORY_SECONDS = 300;
    /** How many dead letters the page can inspect. */
    static final int DEAD_LETTERS_KEPT = 200;

    @Bean
    Faults faults() {
        return new Faults();
    }

    /**
     * The starter's lifecycle drains the tree first; closing the shop afterwards finds it ended.
     * Closed (a graceful shutdown of the tree, 5 s to drain) if the starter is turned off.
     */
    @Bean
    Shop shop(DashboardProperties properties, Faults faults) {
        return Shop.start(ShopSettings.dashboard().withIngestMailbox(properties.ingestMailbox()), faults);
    }

    /** The tree the starter manages; the shop, not the context, closes it. */
    @Bean(destroyMethod = "")
    Supervisor shopRoot(Shop shop) {
        return shop.root();
    }

    /**
     * The charts' data: the shop's counters read from the application's registry once a second, for
     * 5 minutes. The starter binds the shop's meters there ({@code reactor-supervisor.metrics.tags.app=shop},
     * and an observation of each ask and handling in the application's observation registry), and
     * removes them when the context closes, before the shop.
     */
    @Bean
    MetricsHistory metricsHistory(MeterRegistry meterRegistry) {
        return new MetricsHistory(meterRegistry, HISTORY_SECONDS).start(Duration.ofSeconds(1), Schedulers.parallel());
    }

    /** The last dead letters, for the page to inspect. */
    @Bean
    DeadLetterLog deadLetterLog(Shop shop) {
        return new DeadLetterLog(shop.root().deadLetters(), DEAD_LETTERS_KEPT);
    }

    @Bean
    ShopDetails shopDetails(Shop shop) {
        return new ShopDetails(shop);
    }

    /** Closed before the shop, which it depends on. */
    @Bean
    OrderFeed orderFeed(Shop shop, DashboardProperties properties) {
        return new OrderFeed(shop, properties.feedInterval());
    }
}
