package io.reactorsupervisor.samples.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import io.reactorsupervisor.samples.shop.Shop;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Takes the README's screenshot of the dashboard: starts the application with its background
 * feed, lets a minute of trouble happen (a crash of store, a line that traps parse, a pricing
 * outage that opens the breaker, a hang of price), and saves the page as Chromium shows it.
 *
 * <pre>
 * mvn -q -pl samples -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.reactorsupervisor.samples.web.DashboardScreenshot -Dexec.args=docs/dashboard.png
 * </pre>
 *
 * Needs Chromium and chromedriver, as the browser test does ({@link HeadlessChromium}).
 */
public final class DashboardScreenshot {

    private DashboardScreenshot() {
    }

    /**
     * @param args the PNG file to write
     * @throws Exception if the application, the browser or the file fails
     */
    public static void main(String[] args) throws Exception {
        Path png = Paths.get(args.length > 0 ? args[0] : "docs/dashboard.png");
        ConfigurableApplicationContext app = SpringApplication.run(DashboardApplication.class, "--server.port=0",
                "--dashboard.feed-interval=200ms", "--logging.level.root=WARN",
                "--logging.level.io.reactorsupervisor.Supervisor=OFF");
        HeadlessChromium chromium = HeadlessChromium.start(1400, 1900);
        WebDriver driver = chromium.driver;
        try {
            Shop shop = app.getBean(Shop.class);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            driver.get("http://localhost:" + port + "/");
            new WebDriverWait(driver, Duration.ofSeconds(10))
                    .until(ExpectedConditions.attributeToBe(By.id("connection"), "data-status", "live"));
            pause(20);
            shop.component(Shop.STORE).tell(shop.chaos().crashCommand());
            pause(10);
            shop.parse().tell("77,fig,\u0001"); // traps the WebAssembly guest
            pause(10);
            shop.faults().pricingOutage(true);
            pause(15);
            shop.component(Shop.PRICE).tell(shop.chaos().hangCommand());
            pause(10);
            shop.faults().pricingOutage(false);
            pause(15);
            driver.findElement(By.cssSelector("#dead-letters li:not(.none) summary")).click();
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            System.out.println("wrote " + png.toAbsolutePath());
        } finally {
            chromium.close();
            app.close();
        }
    }

    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L); // a script, not a test: real time passes for the charts
    }
}
