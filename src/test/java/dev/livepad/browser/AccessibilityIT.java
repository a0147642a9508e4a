package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * axe-core, run in the page by Deque's Selenium runner, finds no serious or critical violation of
 * WCAG 2.x A and AA on any view of the client, at a phone's size and a desktop's (issue 17): the
 * start page, the room page with a second member's caret on it (and with author colours), the
 * history view and its restore confirmation (issue 15), the share panel open with an invite, the
 * view of a refused link and that of a server that cannot be reached.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AccessibilityIT {
    private static final List<String> WCAG_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");
    private static final Set<String> BLOCKING = Set.of("serious", "critical");

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
    @CsvSource({"390, 844", "1280, 800"})
    void every_view_passes_the_audit(int width, int height) {
        String room = "audit-" + width;
        String owner = server.createRoom(room);
        try (Browser page = Screens.launch("page", width, height); WsClient lin = server.connect()) {
            page.open(server.http("/"));
            page.await(p -> p.byId("create-room").isDisplayed(), () -> "the start page");
            audit(page, "the start page");

            page.openRoom(server.http("/"), room, owner, "Ada");
            page.waitConnected();
            lin.send(WsClient.message("join").put("room", room).put("token", server.mint(room, owner, "editor"))
                    .put("name", "Lin"));
            lin.nextOfType("joined");
            page.editor().click();
            page.type("Notes for the week\nMonday: plan");
            page.await(p -> "synchronized".equals(p.debugState("state")), () -> "the text saved");
            long rev = ((Number) page.debugState("revision")).longValue();
            ObjectNode cursor = WsClient.message("cursor").put("room", room).put("rev", rev);
            cursor.putArray("ranges").addArray().add(5).add(5);
            lin.send(cursor);
            page.await(p -> !p.driver().findElements(By.cssSelector(".remote-caret-label")).isEmpty(),
                    () -> "Lin's caret and label on the page");
            audit(page, "the room page");

            page.byTestId("authorship-toggle").click();
            page.await(p -> !p.driver().findElements(By.cssSelector("#authorship-layer .author-run")).isEmpty(),
                    () -> "the text coloured by author");
            audit(page, "the room page with author colours");
            page.byTestId("authorship-toggle").click();

            page.byTestId("history").click();
            page.await(p -> !p.driver().findElements(By.cssSelector("#history-text .author-run")).isEmpty()
                    && p.byTestId("history-text").getDomAttribute("aria-busy") == null, () -> "the history view");
            page.byTestId("history-slider").sendKeys(Keys.ARROW_LEFT);
            page.await(p -> p.byTestId("history-restore").isEnabled(), () -> "an earlier revision chosen");
            audit(page, "the history view");
            page.byTestId("history-restore").click();
            page.await(p -> p.byTestId("restore-dialog").isDisplayed(), () -> "the restore's confirmation");
            audit(page, "the restore's confirmation");
            page.byId("restore-cancel").click();
            page.byTestId("history-close").click();

            if (page.byId("share-toggle").isDisplayed()) {
                page.byId("share-toggle").click();
            }
            page.byTestId("invite-submit").click();
            page.await(p -> !p.driver().findElements(By.cssSelector("[data-testid='invite-link']")).isEmpty(),
                    () -> "an invite in the share panel");
            audit(page, "the share panel");

            page.openRoom(server.http("/"), room, "not-a-token", "Eve");
            page.await(p -> p.byId("fatal").isDisplayed(), () -> "the refused link's view");
            audit(page, "the view of a refused link");

            // Its WebSockets refused from now on, as in RoomViewsIT: the page waits for a server.
            page.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                    const RealWebSocket = window.WebSocket;
                    window.WebSocket = class extends RealWebSocket {
                      constructor(url, protocols) { super(url + '-nowhere', protocols); }
                    };
                    """));
            // A room this browser has never opened: of one it has, it keeps a copy that opens offline.
            String unseen = room + "-unseen";
            page.openRoom(server.http("/"), unseen, server.createRoom(unseen), "Ada");
            page.await(p -> p.byId("unreachable").isDisplayed(), () -> "the 'cannot be reached' view");
            audit(page, "the view of a server that cannot be reached");
        }
    }

    private static void audit(Browser page, String view) {
        Results results = new AxeBuilder().withTags(WCAG_AA).analyze(page.driver());
        assertTrue(!results.isErrored(), "axe-core ran on " + view + ": " + results.getErrorMessage());
        List<Rule> blocking = results.getViolations().stream().filter(r -> BLOCKING.contains(r.getImpact())).toList();
        if (!blocking.isEmpty()) {
            fail("axe-core on " + view + ":\n" + blocking.stream().map(AccessibilityIT::describe)
                    .collect(Collectors.joining("\n")));
        }
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + rule.getNodes().stream()
                .map(n -> "\n    " + n.getTarget() + " " + summary(n))
                .collect(Collectors.joining());
    }

    private static String summary(CheckedNode node) {
        String s = node.getFailureSummary() == null ? "" : node.getFailureSummary().replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
