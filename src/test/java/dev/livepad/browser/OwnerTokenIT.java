package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The owner's token in the browser: renewed when the owner opens the room and it is past half its life. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OwnerTokenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OWNER_TTL = Duration.ofDays(30); // the server's default

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
            assertEquals(OWNER_TTL.toSeconds(), claims.get("exp").asLong() - claims.get("iat").asLong(), "a full lifetime");
            assertEquals(201, server.post("/api/rooms/" + room + "/tokens", "{\"role\":\"viewer\"}", renewed).status(),
                    "the server takes the renewed token as the owner's");
            assertTrue(ada.driver().getCurrentUrl().endsWith("&name=Ada"), "the name stays in the address bar: "
                    + ada.driver().getCurrentUrl());

            ada.await(a -> a.byTestId("owner-link").getDomProperty("value").endsWith("token=" + renewed),
                    () -> "the renewed token in the share panel's owner link");
            String remembered = rememberedRooms(ada);
            assertTrue(remembered.contains(renewed) && !remembered.contains(old), "the start page's list: " + remembered);
        }
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
