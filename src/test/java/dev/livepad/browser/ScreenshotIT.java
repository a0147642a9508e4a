package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TestServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Keys;

/**
 * Two people editing one room, side by side, each seeing the other's caret or selection. Writes
 * target/screenshots/two-browsers.png; {@code -Dlivepad.screenshot=docs/screenshot.png} also
 * writes the picture the README shows.
 */
class ScreenshotIT {
    private static final int WIDTH = 1040;
    private static final int HEIGHT = 840;
    private static final int GAP = 24;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void two_browsers_editing_one_room() throws IOException {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start();
             Browser ada = Chromium.launch("ada", WIDTH, HEIGHT);
             Browser lin = Chromium.launch("lin", WIDTH, HEIGHT)) {
            String room = "launch-plan";
            String owner = server.createRoom(room);
            ada.openRoom(server.http("/"), room, owner, "Ada");
            ada.waitConnected();
            ada.editor().click();
            ada.type("Launch plan\n\n1. Freeze the API on Monday\n2. Write the release notes\n"
                    + "3. Ship the desktop build\n\nOpen questions\n- Who announces it?\n");
            lin.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Lin");
            lin.waitConnected();
            lin.await(b -> b.text().equals(ada.text()), () -> "lin has ada's text");

            lin.caretToEnd();
            lin.type("- Do we need a beta week? ");
            lin.editor().sendKeys(Keys.chord(Keys.SHIFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT,
                    Keys.ARROW_LEFT, Keys.ARROW_LEFT));
            ada.script("const t = document.querySelector(\"[data-testid='editor']\");"
                    + "const at = t.value.indexOf('release notes') + 'release notes'.length;"
                    + "t.focus(); t.setSelectionRange(at, at);");
            ada.type(" (Ada)");
            lin.await(b -> b.text().equals(ada.text()), () -> "both show the same text");
            ada.await(b -> b.driver().findElements(org.openqa.selenium.By.cssSelector(".remote-selection")).size() > 0,
                    () -> "ada sees lin's selection");
            lin.await(b -> b.driver().findElements(org.openqa.selenium.By.cssSelector(".remote-caret")).size() > 0,
                    () -> "lin sees ada's caret");

            BufferedImage left = ImageIO.read(new ByteArrayInputStream(ada.screenshot()));
            BufferedImage right = ImageIO.read(new ByteArrayInputStream(lin.screenshot()));
            Path out = Path.of("target", "screenshots", "two-browsers.png");
            write(sideBySide(left, right), out);
            String extra = System.getProperty("livepad.screenshot");
            if (extra != null && !extra.isBlank()) {
                write(sideBySide(left, right), Path.of(extra));
            }
            assertTrue(Files.size(out) > 10_000, "a real picture was written");
        }
    }

    private static BufferedImage sideBySide(BufferedImage left, BufferedImage right) {
        int height = Math.max(left.getHeight(), right.getHeight()) + 2 * GAP;
        BufferedImage image = new BufferedImage(left.getWidth() + right.getWidth() + 3 * GAP, height,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x2b, 0x30, 0x3b));
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(left, GAP, GAP, null);
        g.drawImage(right, 2 * GAP + left.getWidth(), GAP, null);
        g.dispose();
        return image;
    }

    private static void write(BufferedImage image, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        ImageIO.write(image, "png", path.toFile());
    }
}
