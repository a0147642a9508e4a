package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The way people meet livepad: create a room on the start page, share invite links, open them,
 * rename yourself, download the text. Tokens only ever travel in the fragment.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomLinksIT {
    @RegisterExtension
    static final Site site = new Site();

    private final TestServer server = site.server();

    @Test
    void an_owner_creates_a_room_invites_an_editor_and_a_viewer_and_downloads_the_text() throws IOException {
        try (Browser ada = Chromium.launch("ada", 1200, 900); Browser bob = Chromium.launch("bob", 1200, 900)) {
            ada.open(server.http("/"));
            ada.byId("create-room").sendKeys("standup");
            ada.byId("create-name").sendKeys("Ada");
            ada.byId("create-submit").click();
            ada.waitConnected();
            String ownerUrl = ada.driver().getCurrentUrl();
            assertTrue(ownerUrl.contains("/#room=standup&token="), ownerUrl);
            assertFalse(URI.create(ownerUrl).getRawQuery() != null, "no query string: " + ownerUrl);
            assertTrue(ada.byTestId("owner-link")
                    .getDomProperty("value")
                    .startsWith(server.http("/#room=standup&token=").toString()));

            String editorLink = invite(ada, "editor");
            bob.open(URI.create(editorLink));
            bob.waitConnected();
            ada.await(a -> a.members().contains("Anonymous"), () -> "ada sees the unnamed guest: " + ada.members());
            bob.byId("my-name").sendKeys("Bob", Keys.TAB);
            ada.await(a -> a.members().contains("Bob"), () -> "ada sees bob under his new name: " + ada.members());
            bob.waitConnected();
            assertTrue(bob.members().contains("Ada"), bob.members());

            bob.editor().click();
            bob.type("notes from bob\nand a second line");
            String text = "notes from bob\nand a second line";
            ada.await(a -> a.text().equals(text), () -> "ada sees bob's text");

            bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's typing confirmed");
            String viewerLink = invite(ada, "viewer");
            bob.open(URI.create(viewerLink)); // another room link in the same tab: the page starts afresh
            bob.await(b -> b.byId("viewer-banner").isDisplayed(), () -> "the viewer banner");
            bob.waitConnected();
            assertEquals(text, bob.text());

            ada.byTestId("download").click();
            Path file = ada.downloads().resolve("standup.txt");
            ada.await(a -> Files.exists(file) && read(file).equals(text), () -> "standup.txt with the text in "
                    + ada.downloads());

            ada.open(server.http("/"));
            ada.await(a -> a.byId("recent-list").getText().contains("standup"), () -> "the room under 'Your rooms'");
        }
    }

    @Test
    void an_invalid_room_name_or_a_taken_one_is_explained_on_the_start_page() {
        server.createRoom("taken");
        try (Browser ada = Chromium.launch("ada", 1000, 800)) {
            ada.open(server.http("/"));
            ada.byId("create-room").sendKeys("no spaces allowed");
            ada.byId("create-submit").click();
            ada.await(a -> a.byId("create-error").getText().contains("1 to 64 characters"), () -> "a room name hint");
            ada.byId("create-room").clear();
            ada.byId("create-room").sendKeys("taken");
            ada.byId("create-submit").click();
            ada.await(a -> a.byId("create-error").getText().contains("already exists"), () -> "room_exists explained");
        }
    }

    /** Creates an invite for {@code role} in the owner's share panel and returns the link. */
    private String invite(Browser owner, String role) {
        new Select(owner.byTestId("invite-role")).selectByValue(role);
        int before = owner.driver().findElements(By.cssSelector("[data-testid='invite-link']")).size();
        owner.byTestId("invite-submit").click();
        owner.await(o -> o.driver().findElements(By.cssSelector("[data-testid='invite-link']")).size() > before,
                () -> "a new " + role + " invite link");
        String link = owner.driver().findElement(By.cssSelector("[data-testid='invite-link']")).getDomProperty("value");
        assertTrue(link.startsWith(server.http("/#room=standup&token=").toString()), link);
        return link;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
