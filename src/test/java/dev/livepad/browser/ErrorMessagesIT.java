package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import dev.livepad.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every refusal the server can send shows up as a clear message, and a dead link stops retrying. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ErrorMessagesIT {
    @RegisterExtension
    static final Site site = new Site();

    private final TestServer server = site.server();
    private final Browser page = site.window("page", 1000, 800);

    @Test
    void a_damaged_token_is_reported_and_the_page_goes_offline() {
        server.createRoom("damaged");
        page.openRoom(server.http("/"), "damaged", "not-a-token", "Eve");
        expectFatal("not valid");
    }

    @Test
    void an_expired_token_says_it_expired() {
        server.createRoom("expired");
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        String stale = new TokenService(TestServer.SECRET, twoDaysAgo).mint("expired", "any", Role.EDITOR,
                Duration.ofHours(1));
        page.openRoom(server.http("/"), "expired", stale, "Eve");
        expectFatal("expired");
    }

    @Test
    void a_token_for_another_room_says_so() {
        String other = server.createRoom("other-room");
        server.createRoom("this-room");
        page.openRoom(server.http("/"), "this-room", other, "Eve");
        expectFatal("different room");
    }

    @Test
    void deleting_the_room_tells_its_members_and_stops_reconnecting() {
        String owner = server.createRoom("doomed");
        page.openRoom(server.http("/"), "doomed", server.mint("doomed", owner, "editor"), "Eve");
        page.waitConnected();
        page.editor().click();
        page.type("last words");
        page.await(p -> "last words".equals(server.get("/api/rooms/doomed/text", owner).body()), () -> "text stored");
        assertEquals(204, server.delete("/api/rooms/doomed", owner).status());
        expectFatal("deleted");
        assertEquals("last words", page.text(), "the text stays on the page to download");
        assertEquals("true", page.editor().getDomAttribute("readonly"));
    }

    @Test
    void a_link_to_a_deleted_room_says_the_room_is_gone() {
        String owner = server.createRoom("gone");
        server.delete("/api/rooms/gone", owner);
        page.openRoom(server.http("/"), "gone", owner, "Eve");
        expectFatal("deleted");
    }

    private void expectFatal(String words) {
        page.await(p -> p.byId("fatal").isDisplayed() && p.byId("fatal-message").getText().contains(words),
                () -> "a message containing '" + words + "'");
        page.await(p -> p.connection().contains("offline"), () -> "'offline' once the link is refused");
        assertTrue(page.byId("fatal-message").getText().length() > 20, "a sentence, not a code");
    }
}
