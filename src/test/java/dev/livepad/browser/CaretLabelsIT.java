package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * Another member's name label stays whole inside the editor on a 360 px phone (issue 17), where a
 * caret on the first line or at the right edge is common: the label turns below or to the left
 * instead of being clipped.
 */
class CaretLabelsIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void a_label_at_the_top_right_corner_is_turned_inside_the_editor() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start(); Browser page = Screens.launch("page", 360, 640);
             WsClient lin = server.connect()) {
            String owner = server.createRoom("corner");
            page.openRoom(server.http("/"), "corner", owner, "Ada");
            page.waitConnected();
            lin.send(WsClient.message("join").put("room", "corner").put("token", server.mint("corner", owner, "editor"))
                    .put("name", "Lindqvist"));
            lin.nextOfType("joined");
            page.editor().click();
            // Fills the first visual line: the wrap falls at the width of the editor.
            page.type("x".repeat(80));
            page.await(p -> "synchronized".equals(p.debugState("state")), () -> "the text saved");
            int lastOnFirstLine = ((Number) page.script("""
                    const t = document.querySelector("[data-testid='editor']");
                    const style = getComputedStyle(t);
                    const probe = document.createElement('span');
                    probe.style.font = style.font;
                    probe.style.position = 'absolute';
                    probe.textContent = 'x';
                    document.body.append(probe);
                    const perChar = probe.getBoundingClientRect().width;
                    probe.remove();
                    const width = t.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                    return Math.floor(width / perChar);
                    """)).intValue();
            long rev = ((Number) page.debugState("revision")).longValue();
            ObjectNode cursor = WsClient.message("cursor").put("room", "corner").put("rev", rev);
            cursor.putArray("ranges").addArray().add(lastOnFirstLine - 1).add(lastOnFirstLine - 1);
            lin.send(cursor);
            page.await(p -> !p.driver().findElements(By.cssSelector(".remote-caret-label")).isEmpty(),
                    () -> "Lin's label at " + (lastOnFirstLine - 1) + " of rev " + rev + ", Lin had "
                            + lin.next(m -> m.path("type").asText().equals("error")));
            @SuppressWarnings("unchecked")
            List<Number> label = (List<Number>) page.script("""
                    const l = document.querySelector('.remote-caret-label').getBoundingClientRect();
                    const t = document.querySelector("[data-testid='editor']");
                    const e = t.getBoundingClientRect();
                    return [l.left - (e.left + t.clientLeft), l.top - (e.top + t.clientTop),
                      (e.left + t.clientLeft + t.clientWidth) - l.right,
                      (e.top + t.clientTop + t.clientHeight) - l.bottom];
                    """);
            assertTrue(label.stream().allMatch(n -> n.doubleValue() >= 0),
                    "the label lies inside the editor (left, top, right, bottom margins): " + label);
        }
    }
}
