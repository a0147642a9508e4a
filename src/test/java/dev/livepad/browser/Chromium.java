package dev.livepad.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livepad.testing.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Launches Debian's Chromium through its own chromedriver, never a downloaded one. Tests skip when
 * either is missing, unless LIVEPAD_REQUIRE_SERVICES=true (CI), where that is a failure.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio",
            "--force-device-scale-factor=1", "--lang=en-US");

    /** Selenium warns that it has no CDP bindings for this Chromium; the tests use none. Kept to stay configured. */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
    }

    private Chromium() {
    }

    /** Skips the calling test when there is no browser, or fails it when CI demands one. */
    static void requireInstalled() {
        boolean present = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
        if (!present && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but " + BINARY + " or " + DRIVER
                    + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "Chromium or chromedriver is not installed; browser tests skipped");
    }


    /**
     * Browsers for {@code labels}, launched side by side (each takes seconds), at one window size;
     * all or none: if one fails to start, those that did are closed.
     */
    static List<Browser> launchAll(int width, int height, String... labels) {
        List<CompletableFuture<Browser>> starting = new ArrayList<>();
        for (String label : labels) {
            starting.add(CompletableFuture.supplyAsync(() -> launch(label, width, height), r -> new Thread(r).start()));
        }
        try {
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            return starting.stream().map(CompletableFuture::join).toList();
        } catch (Exception e) {
            starting.forEach(f -> f.thenAccept(Browser::close));
            throw new IllegalStateException("could not launch " + List.of(labels), e);
        }
    }

    /** A fresh headless browser with its own profile and download directory, at the given window size. */
    static Browser launch(String label, int width, int height) {
        requireInstalled();
        try {
            Path profile = Files.createTempDirectory("livepad-chromium-");
            Path downloads = Files.createDirectories(profile.resolve("downloads"));
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY.toFile());
            options.addArguments(FLAGS);
            options.addArguments(
                    "--user-data-dir=" + profile.resolve("profile"), "--window-size=" + width + "," + height);
            options.setExperimentalOption("prefs", Map.of(
                    "download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of(
                    "behavior", "allow", "downloadPath", downloads.toString()));
            return new Browser(label, driver, profile, downloads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
