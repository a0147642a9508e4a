package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The room page at phone and desktop sizes (issue 17): the editor, the member list with the name
 * field, the connection state, Download, History, Authors and the share panel never lie on top of
 * each other, each is on screen or one tap away, nothing scrolls sideways, the editor keeps most of
 * a phone's screen, and on phones every control is a usable touch target.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayoutIT {
    /** WCAG 2.5.5 (target size, enhanced) and the platforms' own guidelines: 44 CSS px. */
    static final int TOUCH_TARGET = 44;

    /** What must be reachable, by selector. The name field is the one the issue found under the editor. */
    private static final List<String> PARTS = List.of("#editor", "[data-testid='connection']",
            "[data-testid='members']", "#my-name", "[data-testid='download']", "[data-testid='owner-link']",
            "[data-testid='history']", "[data-testid='authorship-toggle']");

    /**
     * Geometry of the page as JSON: the viewport, the document's scroll width, the box of every part
     * (null when not rendered), and every visible control smaller than a touch target.
     */
    private static final String MEASURE = """
            const box = (el) => {
              if (!el || !el.getClientRects().length) return null;
              const r = el.getBoundingClientRect();
              const style = getComputedStyle(el);
              if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') return null;
              return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
            };
            const parts = {};
            for (const selector of arguments[0]) parts[selector] = box(document.querySelector(selector));
            const small = [];
            for (const el of document.querySelectorAll('#room button, #room a[href], #room input, #room select,'
                + ' #room textarea, .topbar button, .topbar a[href]')) {
              const b = box(el);
              if (b && (b.width < arguments[1] || b.height < arguments[1])) {
                small.push((el.id || el.textContent.trim() || el.outerHTML.slice(0, 60)) + ' ' + Math.round(b.width)
                    + 'x' + Math.round(b.height));
              }
            }
            return JSON.stringify({ innerWidth, innerHeight,
              scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
              parts, small });
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        Chromium.requireInstalled();
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"360, 640", "390, 844", "1280, 800"})
    void every_part_of_the_room_page_is_reachable_and_nothing_overlaps(int width, int height) throws Exception {
        String room = "layout-" + width;
        String owner = server.createRoom(room);
        try (Browser page = Screens.launch("page", width, height)) {
            page.openRoom(server.http("/"), room, owner, "Ada");
            page.waitConnected();
            page.await(p -> p.members().contains("Ada") || !p.byTestId("members").isDisplayed(),
                    () -> "the member list filled");
            boolean phone = width <= Screens.PHONE_MAX_WIDTH;

            JsonNode closed = measure(page);
            assertEquals(width, closed.get("innerWidth").asInt(), "the viewport is the width under test");
            assertEquals(height, closed.get("innerHeight").asInt(), "the viewport is the height under test");
            checkLayout(closed, phone, "with every panel closed");
            if (phone) {
                double editorHeight = closed.get("parts").get("#editor").get("height").asDouble();
                assertTrue(editorHeight >= 0.5 * height, "the editor takes most of a phone's screen: "
                        + editorHeight + " px of " + height);
            }

            for (String part : PARTS) {
                if (closed.get("parts").get(part).isNull()) {
                    WebElement toggle = toggleFor(page, part);
                    assertTrue(toggle.isDisplayed(), part + " is hidden, and so is its toggle");
                    toggle.click();
                    JsonNode open = measure(page);
                    assertTrue(!open.get("parts").get(part).isNull(), part + " is shown after one tap on its toggle");
                    assertTrue(inViewportHorizontally(open, part), part + " lies within the screen's width");
                    assertEquals("true", toggle.getDomAttribute("aria-expanded"), "the toggle says it is open");
                    checkLayout(open, phone, "with " + toggle.getText() + " open");
                    toggle.click();
                } else {
                    assertTrue(inViewportHorizontally(closed, part), part + " lies within the screen's width");
                }
            }
        }
    }

    /** The disclosure button whose aria-controls names the panel holding {@code part}. */
    private static WebElement toggleFor(Browser page, String part) {
        String panel = (String) page.script("const panel = document.querySelector(arguments[0]).closest('.panel');"
                + "return panel ? panel.id : null;", part);
        assertTrue(panel != null && !panel.isEmpty(), part + " is hidden and in no panel that could be opened");
        List<WebElement> toggles = page.driver().findElements(By.cssSelector("[aria-controls='" + panel + "']"));
        assertEquals(1, toggles.size(), "one toggle for #" + panel);
        return toggles.get(0);
    }

    private static JsonNode measure(Browser page) throws Exception {
        return JSON.readTree((String) page.script(MEASURE, PARTS, TOUCH_TARGET));
    }

    private static void checkLayout(JsonNode m, boolean phone, String state) {
        assertTrue(m.get("scrollWidth").asInt() <= m.get("clientWidth").asInt(), "no sideways scrolling " + state
                + ": the page is " + m.get("scrollWidth") + " px wide in a " + m.get("clientWidth") + " px viewport");
        List<String> shown = new ArrayList<>();
        PARTS.forEach(p -> {
            if (!m.get("parts").get(p).isNull()) {
                shown.add(p);
            }
        });
        for (int i = 0; i < shown.size(); i++) {
            for (int j = i + 1; j < shown.size(); j++) {
                JsonNode a = m.get("parts").get(shown.get(i));
                JsonNode b = m.get("parts").get(shown.get(j));
                assertTrue(
                        !overlap(a, b),
                        shown.get(i) + " " + a + " and " + shown.get(j) + " " + b + " overlap " + state);
            }
        }
        if (phone) {
            assertEquals(0, m.get("small").size(), "touch targets under " + TOUCH_TARGET + " px " + state + ": "
                    + m.get("small"));
        }
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        double slack = 0.5; // sub-pixel rounding of adjacent boxes
        return a.get("left").asDouble() < b.get("right").asDouble() - slack
                && b.get("left").asDouble() < a.get("right").asDouble() - slack
                && a.get("top").asDouble() < b.get("bottom").asDouble() - slack
                && b.get("top").asDouble() < a.get("bottom").asDouble() - slack;
    }

    private static boolean inViewportHorizontally(JsonNode m, String part) {
        JsonNode box = m.get("parts").get(part);
        return box.get("left").asDouble() >= 0 && box.get("right").asDouble() <= m.get("innerWidth").asDouble();
    }
}
