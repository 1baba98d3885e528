package io.reactorsupervisor.samples.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Chromium and chromedriver installed on the machine ({@code apt-get install chromium
 * chromium-driver} on Debian; other paths through the system properties {@code dashboard.chromium}
 * and {@code dashboard.chromedriver}), headless, with a fresh profile. Nothing is downloaded: the
 * driver's path is given, so Selenium Manager is not used, and the networking that Chromium does
 * on its own is off.
 */
final class HeadlessChromium implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("dashboard.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver");

    /** Selenium logs through java.util.logging; it warns that it has no CDP support for this Chromium, which it does not need. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    final WebDriver driver;
    private final Path profile;

    private HeadlessChromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** @return whether both are installed */
    static boolean installed() {
        return Files.isExecutable(Paths.get(CHROMIUM)) && Files.isExecutable(Paths.get(CHROMEDRIVER));
    }

    /**
     * Fails the test in CI ({@code CI=true}) when Chromium is missing; elsewhere skips it.
     *
     * @param test the test's name, for the message
     */
    static void requireInstalled(String test) {
        if (installed()) {
            return;
        }
        String missing = "Chromium (" + CHROMIUM + ") and chromedriver (" + CHROMEDRIVER + ") are needed for "
                + test + ": apt-get install -y chromium chromium-driver";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(missing);
        }
        System.err.println(test + " skipped: " + missing + " (outside CI only; with CI=true it fails)");
        Assumptions.abort(missing + " (skipped outside CI; with CI=true it fails)");
    }

    /**
     * @param width the window's width
     * @param height the window's height
     * @return a headless Chromium with a window of that size
     * @throws IOException if its profile directory cannot be made
     */
    static HeadlessChromium start(int width, int height) throws IOException {
        SELENIUM_LOG.setLevel(Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER); // a known driver: Selenium Manager stays off
        Path profile = Files.createTempDirectory("dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
