package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.CollabClient;
import dev.livepad.testing.Nginx;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.Typist;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The operations dashboard at /admin in real Chromium against a real server: open on loopback
 * without a key, its figures, busiest rooms and events follow real WebSocket clients; with
 * ADMIN_KEY set it asks for the key first; without one, through a proxy, it says it is closed.
 * Writes target/screenshots/admin-dashboard*.png; {@code -Dlivepad.screenshots=docs} also writes
 * the pictures docs/operations.md shows.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS) // 20 s as a test; 45 s more to fill the charts for a picture
class AdminDashboardIT {
    private static final String KEY = "x".repeat(40);
    private static final String ROOM = "standup-notes";
    private static final long TYPING_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long SCREENSHOT_LOAD_MILLIS = 45_000;

    @Test
    void on_loopback_without_a_key_the_dashboard_goes_live_and_follows_the_load() throws Exception {
        Chromium.requireInstalled();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Typist> typists = new ArrayList<>();
        try (TestServer server = TestServer.start(); Browser page = Chromium.launch("admin", 1280, 800)) {
            page.open(server.http("/admin"));
            awaitState(page, "live");
            page.await(p -> figure(p, "admin-connections").equals("0"), () -> "no connections on a fresh server");

            String owner = server.createRoom(ROOM);
            try (WsClient mallory = server.connect()) {
                provokeErrors(mallory, owner);
                page.await(p -> events(p).contains("bad_op"), () -> "a bad_op error in the events list");
                page.await(p -> events(p).contains("<img src=x onerror=window.pwned=1>")
                        && events(p).contains("unknown message type '<b>bold</b>'"),
                        () -> "the room name and detail as text, got " + events(page));
                assertEquals(0, page.byTestId("admin-events").findElements(By.cssSelector("img, b")).size(),
                        "user input shown as markup");
                assertNull(page.script("return window.pwned;"));
                assertTrue(page.byTestId("admin-events").findElements(By.tagName("li")).get(0).getText()
                        .contains("<b>bold</b>"), "newest first: " + events(page));
                page.await(p -> !chartKey(p, 3).contains("peak 0 "), () -> "the errors chart peaks above 0, not "
                        + chartKey(page, 3));

                List<Future<?>> typing = new ArrayList<>();
                for (int i = 1; i <= 2; i++) {
                    CollabClient client = new CollabClient(server.connect(), ROOM, "t" + i);
                    client.join(owner);
                    Typist typist = new Typist(client, i, RandomEdits::next, TYPING_PAUSE_NANOS);
                    typists.add(typist);
                    typing.add(pool.submit(typist));
                }
                page.await(p -> figure(p, "admin-connections").equals("3"), () -> "3 connections, not "
                        + figure(page, "admin-connections"));
                page.await(p -> number(figure(p, "admin-ops")) > 0, () -> "ops/s above 0");
                page.await(p -> number(figure(p, "admin-ack-p50")) > 0 && number(figure(p, "admin-ack-p99")) > 0,
                        () -> "ack latencies measured");
                page.await(p -> busiestRow(p).startsWith(ROOM), () -> "the typists' room in the busiest rooms, not "
                        + page.byTestId("admin-busiest").getText());
                assertTrue(busiestRow(page).contains(" 3 "), "3 members: " + busiestRow(page));
                assertTrue(figure(page, "admin-active-rooms").startsWith("1 of 1"), figure(page, "admin-active-rooms"));
                page.await(p -> chartPath(p, 1).contains("L"), () -> "a line on the ops chart");
                screenshots(page);

                typists.forEach(Typist::stop);
                for (Future<?> f : typing) {
                    f.get(20, TimeUnit.SECONDS);
                }
                typists.forEach(t -> t.client().close());
                page.await(p -> figure(p, "admin-connections").equals("1") && number(figure(p, "admin-ops")) == 0,
                        () -> "1 connection and no ops once the typists are gone");
                page.await(p -> busiestRow(p).startsWith(ROOM + " 1 0"), () -> "the room with 1 member, not "
                        + busiestRow(page));
            }
            page.await(p -> figure(p, "admin-connections").equals("0"), () -> "no connections left");
        } finally {
            typists.forEach(Typist::stop);
            pool.shutdownNow();
        }
    }

    @Test
    void with_an_admin_key_the_page_asks_for_it_refuses_a_wrong_one_and_says_when_the_feed_is_gone() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start("ADMIN_KEY", KEY);
                Browser page = Chromium.launch("admin", 1000, 800)) {
            page.open(server.http("/admin"));
            awaitState(page, "key needed");
            assertTrue(page.byTestId("admin-key-form").isDisplayed());
            assertFalse(page.byId("dashboard").isDisplayed());
            assertEquals(
                    "admin-key", page.driver().switchTo().activeElement().getDomAttribute("id"), "the key has focus");

            page.byId("admin-key").sendKeys("y".repeat(40), Keys.ENTER);
            page.await(p -> p.byId("key-error").isDisplayed(), () -> "an error for a wrong key");
            assertTrue(
                    page.byId("key-error").getText().contains("not the admin key"),
                    page.byId("key-error").getText());
            assertTrue(page.byTestId("admin-state").getText().contains("key needed"));

            page.byId("admin-key").clear();
            page.byId("admin-key").sendKeys(KEY, Keys.ENTER);
            awaitState(page, "live");
            page.await(p -> p.byId("dashboard").isDisplayed() && !p.byTestId("admin-key-form").isDisplayed(),
                    () -> "the dashboard instead of the key form");

            page.open(server.http("/admin"));
            awaitState(page, "live"); // the session cookie is kept
            page.await(p -> figure(p, "admin-connections").equals("0"), () -> "figures after a reload");

            server.close();
            awaitState(page, "reconnecting");
            assertTrue(page.byId("dashboard").isDisplayed(), "the last figures stay while the feed is away");
        }
    }

    @Test
    void without_a_key_a_browser_behind_a_proxy_is_told_the_dashboard_is_loopback_only(@TempDir Path dir)
            throws IOException {
        Chromium.requireInstalled();
        Nginx.requireInstalled();
        int port = Nginx.freePort();
        try (TestServer server = TestServer.start();
             Nginx proxy = Nginx.start(dir, Nginx.loadBalancing(port, List.of(server.port())), port);
             Browser page = Chromium.launch("admin", 1000, 800)) {
            page.open(URI.create("http://127.0.0.1:" + port + "/admin"));
            awaitState(page, "forbidden");
            assertTrue(
                    page.byId("forbidden-view").getText().contains("ADMIN_KEY"),
                    page.byId("forbidden-view").getText());
            assertFalse(page.byId("dashboard").isDisplayed());
            assertFalse(page.byTestId("admin-key-form").isDisplayed());
        }
    }

    /** Three error replies to a member of the room: a bad op, and two that carry markup. */
    private static void provokeErrors(WsClient client, String token) {
        client.send(WsClient.message("join").put("room", ROOM).put("token", token));
        long rev = client.nextOfType("joined").path("rev").asLong();
        client.sendRaw(
                "{\"type\":\"op\",\"room\":\"" + ROOM + "\",\"rev\":" + rev + ",\"id\":\"bad\",\"op\":[999999]}");
        assertEquals("bad_op", client.nextOfType("error").path("code").asText());
        client.sendRaw("{\"type\":\"leave\",\"room\":\"<img src=x onerror=window.pwned=1>\"}");
        client.nextOfType("error");
        client.sendRaw("{\"type\":\"<b>bold</b>\"}");
        client.nextOfType("error");
    }

    private static void awaitState(Browser page, String state) {
        page.await(p -> p.byTestId("admin-state").getText().contains(state),
                () -> "'" + state + "', not '" + page.byTestId("admin-state").getText() + "'");
    }

    private static String figure(Browser page, String testId) {
        return page.byTestId(testId).getText().trim();
    }

    /** A figure as a number; -1 for a dash (nothing measured). */
    private static double number(String figure) {
        try {
            return Double.parseDouble(figure.replace(",", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String busiestRow(Browser page) {
        List<org.openqa.selenium.WebElement> rows =
                page.byTestId("admin-busiest").findElements(By.cssSelector("tbody tr"));
        return rows.isEmpty() ? "" : rows.get(0).getText() + " ";
    }

    private static String events(Browser page) {
        return page.byTestId("admin-events").getText();
    }

    private static String chartKey(Browser page, int chart) {
        return page.driver().findElements(By.cssSelector(".chart")).get(chart).findElement(By.cssSelector(".chart-key"))
                .getText() + " ";
    }

    private static String chartPath(Browser page, int chart) {
        return String.valueOf(page.script("const l = document.querySelectorAll('.chart')[arguments[0]]"
                + ".querySelector('.chart-line'); return l ? l.getAttribute('d') : '';", chart));
    }

    /**
     * The whole page at 1280 px wide, and a phone's first screen (390 x 844). With
     * {@code -Dlivepad.screenshots=DIR} the load first runs for a while, so the charts have lines.
     */
    private static void screenshots(Browser page) throws IOException, InterruptedException {
        if (System.getProperty("livepad.screenshots") != null) {
            Thread.sleep(SCREENSHOT_LOAD_MILLIS); // for the picture only: nothing waits on this
        }
        viewport(page, 1280, 800, false);
        long height = ((Number) page.script("return document.documentElement.scrollHeight;")).longValue();
        write(capture(page, Map.of("captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", 1280, "height", height, "scale", 1))), "admin-dashboard.png");
        viewport(page, 390, 844, true);
        page.await(p -> p.byId("dashboard").getSize().getWidth() < 390, () -> "the phone layout");
        write(capture(page, Map.of()), "admin-dashboard-phone.png");
        page.driver().executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    private static void viewport(Browser page, int width, int height, boolean mobile) {
        page.driver().executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    private static byte[] capture(Browser page, Map<String, Object> options) {
        Map<String, Object> params = new HashMap<>(options);
        params.put("format", "png");
        return Base64.getDecoder().decode((String) page.driver().executeCdpCommand("Page.captureScreenshot", params)
                .get("data"));
    }

    private static void write(byte[] png, String name) throws IOException {
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.write(target, png);
        String dir = System.getProperty("livepad.screenshots");
        if (dir != null && !dir.isBlank()) {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), png);
        }
    }
}
