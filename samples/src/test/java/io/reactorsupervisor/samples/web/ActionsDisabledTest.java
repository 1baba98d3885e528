package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The dashboard without {@code reactor-supervisor.dashboard.actions-enabled} (as any application
 * that does not set it): it only looks. The server refuses every action with 403, whatever the
 * page does, and nothing in the tree changes.
 */
@SpringBootTest(classes = DashboardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"reactor-supervisor.dashboard.actions-enabled=false", "dashboard.feed-interval=0",
                "logging.level.root=WARN", "logging.level.io.reactorsupervisor.Supervisor=OFF"})
@AutoConfigureWebTestClient
class ActionsDisabledTest {

    @Autowired
    WebTestClient client;

    @Autowired
    Shop shop;

    @LocalServerPort
    int port;

    @Test
    void theActionsAreOffByDefault() {
        assertThat(new ActionsProperties(false)).isEqualTo(
                new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource())
                        .bindOrCreate("reactor-supervisor.dashboard", ActionsProperties.class));
    }

    @Test
    void everyActionIs403AndNothingChanges() {
        client.get().uri("/api/config").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.actionsEnabled").isEqualTo(false);
        long restarts = shop.snapshot().restarts() + Shop.COMPONENTS.stream()
                .mapToLong(p -> shop.root().ref(p.substring(Shop.ROOT.length() + 1)).stats().restarts()).sum();
        long crashes = Shop.COMPONENTS.stream().mapToLong(p -> shop.root().ref(p.substring(Shop.ROOT.length() + 1)).stats().crashes()).sum();

        for (String uri : List.of("/api/components/crash?path=" + Shop.STORE, "/api/components/hang?path=" + Shop.STORE,
                "/api/children/restart?path=" + Shop.STORE, "/api/children/restart?path=" + Shop.ROOT,
                "/api/faults/pricing-outage?down=true", "/api/components/crash?path=shop/nothing")) {
            client.post().uri(uri).header(ShopController.ACTION_HEADER, ShopController.ACTION_HEADER_VALUE).exchange()
                    .expectStatus().isForbidden()
                    .expectBody()
                    .jsonPath("$.problem").isEqualTo("actions-disabled")
                    .jsonPath("$.detail").isEqualTo("actions are disabled: set "
                            + "reactor-supervisor.dashboard.actions-enabled=true to crash, hang or restart components "
                            + "from the dashboard");
        }

        assertThat(shop.faults().pricingDown()).isFalse();
        assertThat(shop.snapshot().restarts() + Shop.COMPONENTS.stream()
                .mapToLong(p -> shop.root().ref(p.substring(Shop.ROOT.length() + 1)).stats().restarts()).sum()).isEqualTo(restarts);
        assertThat(Shop.COMPONENTS.stream().mapToLong(p -> shop.root().ref(p.substring(Shop.ROOT.length() + 1)).stats().crashes()).sum())
                .isEqualTo(crashes);
        // looking still works
        client.get().uri("/api/tree").exchange().expectStatus().isOk();
        client.get().uri("/api/metrics").exchange().expectStatus().isOk();
        client.get().uri("/api/dead-letters").exchange().expectStatus().isOk();
    }

    @Test
    void thePageSaysReadOnlyAndDisablesEveryAction() throws IOException {
        HeadlessChromium.requireInstalled("the read-only page's browser test");
        try (HeadlessChromium chromium = HeadlessChromium.start(1400, 1000)) {
            WebDriver driver = chromium.driver;
            driver.get("http://localhost:" + port + "/");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(25));
            wait.until(ExpectedConditions.textToBe(By.cssSelector("li[data-path='" + Shop.STORE + "'] > .node .state"),
                    "RUNNING"));
            assertThat(driver.findElement(By.id("actions-mode")).getText()).isEqualTo("read-only");
            List<WebElement> actions = driver.findElements(By.cssSelector("button.action"));
            // crash and restart on the 5 components, hang on 3, restart on the 2 supervisors, the outage switch
            assertThat(actions).hasSize(5 * 2 + 3 + 2 + 1).noneMatch(WebElement::isEnabled);
        }
    }
}
