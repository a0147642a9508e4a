package dev.livepad.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One headless Chromium window on a livepad page, with the hooks the tests read and drive. */
final class Browser implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final String label;
    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;

    Browser(String label, ChromeDriver driver, Path profile, Path downloads) {
        this.label = label;
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
    }

    ChromeDriver driver() {
        return driver;
    }

    Path downloads() {
        return downloads;
    }

    Browser open(URI uri) {
        driver.get(uri.toString());
        return this;
    }

    /** Opens a room link as the client formats it: /#room=R&token=T&name=N. */
    Browser openRoom(URI base, String room, String token, String name) {
        return open(base.resolve("/#room=" + room + "&token=" + token + "&name=" + name));
    }

    WebElement byTestId(String id) {
        return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    WebElement editor() {
        return byTestId("editor");
    }

    /** The editor's current text, exactly (WebElement#getText would trim it). */
    String text() {
        return (String) driver.executeScript("return document.querySelector(\"[data-testid='editor']\").value;");
    }

    String connection() {
        return byTestId("connection").getText();
    }

    String members() {
        return byTestId("members").getText();
    }

    /** The client's OT state through the documented test hook. */
    Object debugState(String field) {
        return driver.executeScript("return window.livepad.debug.state()[arguments[0]];", field);
    }

    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    void waitConnected() {
        await(b -> b.connection().contains("connected") && !b.connection().contains("reconnecting"),
                () -> "connected, but the status says '" + connection() + "'");
    }

    void await(Predicate<Browser> condition, Supplier<String> expectation) {
        await(WAIT, condition, expectation);
    }

    /** As {@link #await(Predicate, Supplier)}, for conditions that take longer by design (a retry's backoff). */
    void await(Duration within, Predicate<Browser> condition, Supplier<String> expectation) {
        new WebDriverWait(driver, within)
                .withMessage(() -> label + ": expected " + expectation.get())
                .ignoring(StaleElementReferenceException.class) // the page may reload meanwhile
                .ignoring(JavascriptException.class)            // and not have its modules loaded yet
                .until(d -> condition.test(this));
    }

    /** Types with real key events into the editor, where its caret is. */
    void type(String keys) {
        editor().sendKeys(keys);
    }

    void caretToStart() {
        editor().click();
        editor().sendKeys(Keys.chord(Keys.CONTROL, Keys.HOME));
    }

    void caretToEnd() {
        editor().click();
        editor().sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
    }

    byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is harmless
        }
    }
}
