package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The owner's token in the browser: renewed when the owner opens the room and it is past half its
 * life, and replaced everywhere when the owner revokes every link of the room.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OwnerTokenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OWNER_TTL = Duration.ofDays(30); // the server's default

    @RegisterExtension
    static final Site site = new Site();

    private final TestServer server = site.server();

    @Test
    void an_owner_token_past_half_its_life_is_renewed_when_the_owner_opens_the_room() {
        String room = "renewal";
        JsonNode created = claims(server.createRoom(room));
        // An owner token of this room minted 20 days ago, expiring in 10: a third of its life left.
        Instant mintedAt = Instant.now().minus(Duration.ofDays(20));
        String old = new TokenService(TestServer.SECRET, Clock.fixed(mintedAt, ZoneOffset.UTC))
                .mint(room, created.get("rid").asText(), created.path("gen").asLong(0), Role.OWNER, OWNER_TTL);
        assertEquals(200, server.get("/api/rooms/" + room + "/text", old).status(), "the old token still works");

        try (Browser ada = Chromium.launch("ada", 1200, 900)) {
            ada.openRoom(server.http("/"), room, old, "Ada");
            ada.waitConnected();
            ada.await(a -> !old.equals(tokenInAddressBar(a)), () -> "a renewed token in the address bar");
            String renewed = tokenInAddressBar(ada);
            JsonNode claims = claims(renewed);
            assertEquals("owner", claims.get("role").asText());
            assertEquals(room, claims.get("room").asText());
            assertEquals(created.get("rid").asText(), claims.get("rid").asText());
            long now = Instant.now().getEpochSecond();
            assertTrue(Math.abs(claims.get("iat").asLong() - now) < 120, () -> "minted just now: " + claims);
            assertEquals(
                    OWNER_TTL.toSeconds(),
                    claims.get("exp").asLong() - claims.get("iat").asLong(),
                    "a full lifetime");
            assertEquals(201, server.post("/api/rooms/" + room + "/tokens", "{\"role\":\"viewer\"}", renewed).status(),
                    "the server takes the renewed token as the owner's");
            assertTrue(ada.driver().getCurrentUrl().endsWith("&name=Ada"), "the name stays in the address bar: "
                    + ada.driver().getCurrentUrl());

            ada.await(a -> a.byTestId("owner-link").getDomProperty("value").endsWith("token=" + renewed),
                    () -> "the renewed token in the share panel's owner link");
            String remembered = rememberedRooms(ada);
            assertTrue(
                    remembered.contains(renewed) && !remembered.contains(old), "the start page's list: " + remembered);
        }
    }

    @Test
    void revoking_all_links_stops_every_earlier_link_and_the_owner_page_keeps_working() {
        String room = "revocation";
        String first = server.createRoom(room);
        String earlierInvite = server.mint(room, first, "editor");
        try (Browser ada = Chromium.launch("ada", 1200, 900); WsClient stayer = server.connect()) {
            assertEquals("joined", join(stayer, room, earlierInvite).get("type").asText());
            ada.openRoom(server.http("/"), room, first, "Ada");
            ada.waitConnected();
            String panelInvite = tokenOf(invite(ada));

            // Keyboard only: the button opens the dialog, which starts on Cancel; Escape changes nothing.
            ada.byTestId("revoke-links").sendKeys(Keys.ENTER);
            ada.await(a -> a.byId("revoke-dialog").isDisplayed(), () -> "the confirmation dialog");
            String explained = ada.byId("revoke-dialog").getText();
            assertTrue(explained.contains("stops working") && explained.contains("stay until they leave"), explained);
            assertEquals("revoke-cancel", ada.script("return document.activeElement.id;"));
            ada.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
            ada.await(a -> !a.byId("revoke-dialog").isDisplayed(), () -> "the dialog closed by Escape");
            assertEquals(first, tokenInAddressBar(ada), "nothing revoked on Escape");

            ada.byTestId("revoke-links").sendKeys(Keys.ENTER);
            ada.await(a -> a.byId("revoke-dialog").isDisplayed(), () -> "the confirmation dialog again");
            ada.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            assertEquals("revoke-confirm", ada.script("return document.activeElement.id;"));
            ada.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            ada.await(a -> a.byTestId("revoke-status").getText().startsWith("Done"),
                    () -> "a confirmation, has '" + ada.byTestId("revoke-status").getText() + "'");

            String current = tokenInAddressBar(ada);
            assertNotEquals(first, current);
            assertEquals("owner", claims(current).get("role").asText());
            assertTrue(ada.byTestId("owner-link").getDomProperty("value").endsWith("token=" + current));
            assertTrue(ada.driver().findElements(By.cssSelector("[data-testid='invite-link']")).isEmpty(),
                    "the revoked invites are no longer listed");
            String remembered = rememberedRooms(ada);
            assertTrue(remembered.contains(current) && !remembered.contains(first), remembered);

            for (String revoked : List.of(first, earlierInvite, panelInvite)) {
                try (WsClient late = server.connect()) {
                    JsonNode refused = join(late, room, revoked);
                    assertEquals("invalid_token", refused.path("code").asText(), refused::toString);
                }
            }

            // Who was in the room stays, and the owner's page goes on editing, also after a reconnect.
            ada.caretToEnd();
            ada.type("still here");
            stayer.next(m -> "op".equals(m.path("type").asText()));
            ada.script("window.livepad.debug.dropConnection(0);");
            ada.waitConnected();
            ada.type(", and after a reconnect");
            ada.await(
                    a -> "still here, and after a reconnect"
                            .equals(server.get("/api/rooms/" + room + "/text", current)
                                    .body()),
                    () -> "the owner's typing on the server");
            assertFalse(ada.byId("fatal").isDisplayed());

            String newInvite = tokenOf(invite(ada));
            try (WsClient guest = server.connect()) {
                JsonNode joined = join(guest, room, newInvite);
                assertEquals("joined", joined.path("type").asText(), joined::toString);
                assertEquals("still here, and after a reconnect", joined.get("text").asText());
            }
        }
    }

    private static JsonNode join(WsClient client, String room, String token) {
        client.send(WsClient.message("join").put("room", room).put("token", token));
        return client.next(m -> m.path("type").asText().matches("joined|error"));
    }

    /** Creates an editor invite in the owner's share panel and returns its link. */
    private static String invite(Browser owner) {
        int before = owner.driver().findElements(By.cssSelector("[data-testid='invite-link']")).size();
        owner.byTestId("invite-submit").click();
        owner.await(o -> o.driver().findElements(By.cssSelector("[data-testid='invite-link']")).size() > before,
                () -> "a new invite link");
        return owner.driver().findElement(By.cssSelector("[data-testid='invite-link']")).getDomProperty("value");
    }

    private static String tokenInAddressBar(Browser page) {
        return tokenOf(page.driver().getCurrentUrl());
    }

    /** The token in a room link's fragment. */
    private static String tokenOf(String link) {
        for (String param : link.substring(link.indexOf('#') + 1).split("&")) {
            if (param.startsWith("token=")) {
                return URLDecoder.decode(param.substring("token=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no token in " + link);
    }

    private static String rememberedRooms(Browser page) {
        return String.valueOf(page.script("return localStorage.getItem('livepad.rooms');"));
    }

    /** A JWT's payload, read without checking it (the server does that when the token is used). */
    private static JsonNode claims(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
