package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard page in a real headless Chromium, driven by Selenium: a crash asked for from
 * the page is confirmed first, then shows the component RESTARTING (for the 1.5 s of its
 * restart delay), then RUNNING, in the event log (which filters by component and kind) and on
 * the charts; a dead letter opens to show what it is. The first test leaves a screenshot of the
 * page in {@code target/dashboard.png}.
 *
 * <p>It uses the Chromium and chromedriver installed on the machine ({@link HeadlessChromium}) and
 * downloads nothing. Without them the test is skipped, except in CI ({@code CI=true}), where it
 * fails.
 */
@DashboardTest
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static HeadlessChromium chromium;
    private static WebDriver driver;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startChromium() throws IOException {
        if (HeadlessChromium.installed()) { // otherwise each test fails or is skipped, with the reason
            chromium = HeadlessChromium.start(1400, 1000);
            driver = chromium.driver;
        }
    }

    @BeforeEach
    void needsChromium() {
        HeadlessChromium.requireInstalled("the dashboard's browser test");
    }

    @AfterAll
    static void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aCrashAskedForFromThePageIsConfirmedThenShowsInTheTreeTheLogAndTheCharts() throws IOException {
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(25));
        By storeState = state(Shop.STORE);
        By storeRestarts = figure(Shop.STORE, "restarts");

        // the page has read the tree and follows the event stream
        wait.until(textToBe(storeState, "RUNNING"));
        wait.until(attributeToBe(By.id("connection"), "data-status", "live"));
        wait.until(attributeToBe(By.id("actions-mode"), "data-enabled", "true"));
        long restartsBefore = Long.parseLong(driver.findElement(storeRestarts).getText());
        long crashesCharted = charted("crashes", Shop.STORE);
        assertThat(driver.findElement(By.cssSelector("li[data-path='" + Shop.PIPELINE + "'] > .node .head")).getText())
                .startsWith("pipeline REST_FOR_ONE");
        // drawn as a tree: store is a child of pipeline's list, pipeline of the root's
        assertThat(driver.findElements(By.cssSelector("#tree > li[data-path='shop'] > ul > li[data-path='"
                + Shop.PIPELINE + "'] > ul > li[data-path='" + Shop.STORE + "']"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("li[data-path='" + Shop.PRICING + "'] .breaker")).getText())
                .matches("pricing: (CLOSED|OPEN|HALF_OPEN)");
        assertThat(driver.findElement(By.cssSelector("li[data-path='" + Shop.PRICING + "'] .failure-rate")).getText())
                .matches("([0-9]+ calls, too few for a rate|[0-9.]+% of [0-9]+ calls failed)");
        assertThat(driver.findElement(figure(Shop.INGEST, "mailbox")).getText()).matches("[0-9]+ / 16");
        assertThat(driver.findElement(figure(Shop.STORE, "window")).getText()).matches("[0-9]+ / 10 in 60 s");

        // a crash asks first; cancelled, nothing is sent
        By crash = By.cssSelector("li[data-path='" + Shop.STORE + "'] > .node button[data-action='crash']");
        driver.findElement(crash).click();
        Alert question = wait.until(alertIsPresent());
        assertThat(question.getText()).startsWith("Crash " + Shop.STORE + "?");
        question.dismiss();
        wait.until(textToBe(By.id("status"), "Crash of " + Shop.STORE + " cancelled"));
        assertThat(driver.findElement(storeState).getText()).isEqualTo("RUNNING");
        assertThat(driver.findElement(storeRestarts).getText()).isEqualTo(String.valueOf(restartsBefore));

        // confirmed, it is sent
        driver.findElement(crash).click();
        wait.until(alertIsPresent()).accept();

        // store waits out its 1.5 s restart delay; under REST_FOR_ONE, price (started after it) waits with it
        wait.until(textToBe(storeState, "RESTARTING"));
        wait.until(textToBe(state(Shop.PRICE), "RESTARTING"));
        wait.until(presenceOfElementLocated(event("Crashed", Shop.STORE)));
        wait.until(textToBe(storeState, "RUNNING"));
        wait.until(textToBe(storeRestarts, String.valueOf(restartsBefore + 1)));
        wait.until(textToBe(state(Shop.PRICE), "RUNNING"));
        wait.until(presenceOfElementLocated(event("Restarted", Shop.STORE)));
        // the charts read the registry once a second: the crash and the restart show there too
        wait.until(d -> charted("crashes", Shop.STORE) > crashesCharted);
        wait.until(d -> charted("restarts", Shop.STORE) >= 1);
        assertThat(driver.findElements(By.cssSelector("#chart-crashes canvas"))).isNotEmpty();

        // the log filtered to store's crashes shows those only
        new Select(driver.findElement(By.id("filter-path"))).selectByValue(Shop.STORE);
        new Select(driver.findElement(By.id("filter-kind"))).selectByValue("Crashed");
        List<WebElement> shown = driver.findElements(By.cssSelector("#events li:not([hidden])"));
        assertThat(shown).isNotEmpty().allSatisfy(li -> {
            assertThat(li.getAttribute("data-path")).isEqualTo(Shop.STORE);
            assertThat(li.getAttribute("data-type")).isEqualTo("Crashed");
        });
        List<WebElement> hidden = driver.findElements(By.cssSelector("#events li[hidden]"));
        assertThat(hidden).isNotEmpty().noneMatch(WebElement::isDisplayed);
        assertThat(shown).allMatch(WebElement::isDisplayed);
        new Select(driver.findElement(By.id("filter-path"))).selectByValue("");
        new Select(driver.findElement(By.id("filter-kind"))).selectByValue("");
        assertThat(driver.findElements(By.cssSelector("#events li[hidden]"))).isEmpty();

        screenshot();
    }

    @Test
    void aDeadLetterOpensToShowItsReasonCauseAndMessage() {
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(25));
        new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(25))
                .until(textToBe(state(Shop.INGEST), "RUNNING"));
        wait.until(attributeToBe(By.id("connection"), "data-status", "live"));

        // ingest does not redeliver: the message that crashed it is a dead letter
        driver.findElement(By.cssSelector("li[data-path='" + Shop.INGEST + "'] > .node button[data-action='crash']"))
                .click();
        wait.until(alertIsPresent()).accept();
        By letter = By.cssSelector("#dead-letters li[data-path='" + Shop.INGEST + "'][data-reason='CRASHED']");
        WebElement li = wait.until(presenceOfElementLocated(letter));
        li.findElement(By.tagName("summary")).click();
        assertThat(li.findElement(By.cssSelector("dd[data-field='reason']")).getText()).isEqualTo("CRASHED");
        assertThat(li.findElement(By.cssSelector("dd[data-field='component']")).getText()).isEqualTo(Shop.INGEST);
        assertThat(li.findElement(By.cssSelector("dd[data-field='message']")).getText()).matches("\"!crash#[0-9]+\"");
        assertThat(li.findElement(By.cssSelector("dd[data-field='cause']")).getText())
                .matches("InjectedCrash: crash injected \\(!crash#[0-9]+\\)");
        new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(25))
                .until(textToBe(state(Shop.INGEST), "RUNNING"));
    }

    /** How many of {@code series} the chart says happened to the component in its window, 0 if none. */
    private static long charted(String series, String path) {
        List<WebElement> total = driver.findElements(
                By.cssSelector("#chart-" + series + " .totals [data-path='" + path + "']"));
        return total.isEmpty() ? 0 : Long.parseLong(total.get(0).getAttribute("data-count"));
    }

    /**
     * The page as the test left it, in {@code target/dashboard.png}: what the browser saw, to look
     * at after a run (the README's screenshot comes from {@link DashboardScreenshot}).
     */
    private static void screenshot() throws IOException {
        Path png = Paths.get("target", "dashboard.png");
        Files.createDirectories(png.getParent());
        Dimension size = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(1400, 1900)); // the whole page
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        try {
            Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    private static By event(String type, String path) {
        return By.cssSelector("#events li[data-type='" + type + "'][data-path='" + path + "']");
    }

    private static By state(String path) {
        return By.cssSelector("li[data-path='" + path + "'] > .node .state");
    }

    private static By figure(String path, String figure) {
        return By.cssSelector("li[data-path='" + path + "'] > .node .figures ." + figure);
    }
}
