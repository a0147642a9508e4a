package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.RawHttp;
import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A page on another site can make a visitor's browser POST a form to the API; such requests
 * carry an {@code Origin} that is not ours, or {@code Sec-Fetch-Site: cross-site}, and change
 * nothing. Scripts and curl send neither and keep working, with or without a Content-Type.
 */
@Timeout(30)
class CrossSiteRequestTest {
    private static final String EVIL = "Origin: https://evil.example";

    private static RawHttp.Response send(TestServer server, String from, String method, String path, String body,
                                         String... headers) {
        return RawHttp.exchange(RawHttp.connectFrom(from, server.port()), method, path, "127.0.0.1:" + server.port(),
                List.of(headers), body);
    }

    private static void assertForbidden(RawHttp.Response r) {
        assertEquals(403, r.status(), r.toString());
        assertTrue(r.header("content-type").startsWith("application/json"), r.toString());
        assertTrue(r.body().contains("\"error\":\"forbidden\""), r.toString());
    }

    private static String[] withToken(String token, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.add("Authorization: Bearer " + token);
        return all.toArray(String[]::new);
    }

    @Test
    void state_changing_requests_from_other_sites_are_forbidden_and_change_nothing() {
        try (TestServer server = TestServer.start()) {
            String own = "Origin: http://127.0.0.1:" + server.port();
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"csrf\"}", EVIL,
                    "Content-Type: application/x-www-form-urlencoded"));
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"csrf\"}", "Origin: null"));
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"csrf\"}",
                    "Sec-Fetch-Site: cross-site"));
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"csrf\"}",
                    "Origin: http://127.0.0.1:" + server.port() + ".evil.example"));

            String owner = server.createRoom("csrf"); // none of the above created it
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms/csrf/tokens", "{\"role\":\"editor\"}",
                    withToken(owner, EVIL)));
            assertForbidden(send(server, "127.0.0.1", "DELETE", "/api/rooms/csrf", null, withToken(owner, EVIL)));
            assertForbidden(send(server, "127.0.0.1", "PUT", "/api/rooms/csrf/text", "{\"text\":\"x\"}",
                    withToken(owner, EVIL)));
            assertForbidden(send(server, "127.0.0.1", "PATCH", "/api/rooms/csrf", "{}", withToken(owner, EVIL)));
            assertEquals(200, send(server, "127.0.0.1", "GET", "/api/rooms/csrf/text", null,
                    withToken(owner, EVIL)).status(), "reads change nothing and need a token no form can send");

            assertEquals(201, send(server, "127.0.0.1", "POST", "/api/rooms/csrf/tokens", "{\"role\":\"editor\"}",
                    withToken(owner, own, "Sec-Fetch-Site: same-origin")).status());
            assertEquals(204, send(server, "127.0.0.1", "DELETE", "/api/rooms/csrf", null,
                    withToken(owner, own)).status());
        }
    }

    @Test
    void scripts_without_origin_or_content_type_keep_working() {
        try (TestServer server = TestServer.start()) {
            RawHttp.Response created = send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"curl\"}");
            assertEquals(201, created.status(), created.toString());
            assertEquals(201, send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"form\"}",
                    "Content-Type: application/x-www-form-urlencoded").status());
        }
    }

    @Test
    void the_origin_rule_is_the_websockets_including_trusted_proxies_and_the_allowlist() {
        try (TestServer server = TestServer.start("TRUSTED_PROXIES", "127.0.0.1")) {
            String[] behindTls = {"X-Forwarded-Proto: https", "X-Forwarded-Host: pad.example.com",
                "Origin: https://pad.example.com"};
            assertEquals(201, send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"p1\"}", behindTls).status());
            assertForbidden(send(server, "127.0.0.2", "POST", "/api/rooms", "{\"name\":\"p2\"}", behindTls));
        }
        try (TestServer server = TestServer.start("ALLOWED_ORIGINS", "https://pad.example.com")) {
            assertEquals(201, send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"a1\"}",
                    "Origin: https://pad.example.com").status());
            assertForbidden(send(server, "127.0.0.1", "POST", "/api/rooms", "{\"name\":\"a2\"}",
                    "Origin: http://127.0.0.1:" + server.port()));
        }
    }
}
