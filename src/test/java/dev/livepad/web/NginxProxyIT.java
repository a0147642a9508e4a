package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.Nginx;
import dev.livepad.testing.RawHttp;
import dev.livepad.testing.RawWebSocket;
import dev.livepad.testing.SelfSignedTls;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * livepad behind a real nginx that terminates real TLS, configured with exactly the nginx block
 * of docs/operations.md (only its listen port, certificate paths and upstream port are
 * replaced), and livepad started as that page says: {@code TRUSTED_PROXIES=127.0.0.1/32}, with
 * per-address limits on for loopback (the default). Clients connect to nginx from 127.0.0.2 and
 * 127.0.0.3, so nginx and livepad see two different client addresses, while livepad's TCP peer
 * is always nginx on 127.0.0.1.
 */
@Timeout(120)
class NginxProxyIT {
    private static final String HOST = "pad.example.com";
    private static final String ALICE = "127.0.0.2";
    private static final String MALLORY = "127.0.0.3";

    @TempDir
    static Path dir;

    private static TestServer server;
    private static Nginx nginx;
    private static SelfSignedTls tls;

    @BeforeAll
    static void start() throws Exception {
        Nginx.requireInstalled();
        server = TestServer.start("EXEMPT_LOOPBACK", null, "TRUSTED_PROXIES", "127.0.0.1/32");
        tls = SelfSignedTls.create(dir, HOST);
        int port = Nginx.freePort();
        String site = documentedConfig();
        site = replaceOnce(site, "listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;");
        site = replaceOnce(site, "/etc/ssl/certs/pad.example.com.pem", tls.certificate().toString());
        site = replaceOnce(site, "/etc/ssl/private/pad.example.com.key", tls.privateKey().toString());
        site = replaceOnce(site, "http://127.0.0.1:3000;", "http://127.0.0.1:" + server.port() + ";");
        nginx = Nginx.start(dir, site, port);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The one nginx block in docs/operations.md, as an operator would copy it. */
    private static String documentedConfig() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("basedir", "."), "docs", "operations.md"));
        int start = doc.indexOf("```nginx\n");
        assertTrue(start >= 0 && doc.indexOf("```nginx\n", start + 1) < 0, "exactly one nginx block expected");
        return doc.substring(start + "```nginx\n".length(), doc.indexOf("\n```", start));
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "the documented config should contain once: " + from);
        return text.replace(from, to);
    }

    /** A TLS connection to nginx from {@code from}, as a browser at that address would open. */
    private static Socket connect(String from) {
        return tls.wrap(RawHttp.connectFrom(from, nginx.port()), HOST);
    }

    private static RawHttp.Response post(String from, String path, String body, String... headers) {
        return RawHttp.exchange(connect(from), "POST", path, HOST, List.of(headers), body);
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    @Test
    void an_event_stream_through_nginx_delivers_each_event_as_it_happens() throws IOException {
        String owner = new ObjectMapper().readTree(post(ALICE, "/api/rooms", "{\"name\":\"streamed\"}").body())
                .get("token").asText();
        try (Socket stream = connect(ALICE)) {
            stream.setSoTimeout(5000);
            stream.getOutputStream().write(("GET /api/rooms/streamed/events HTTP/1.1\r\nHost: " + HOST + "\r\n"
                    + bearer(owner) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            String joined = readUntil(stream, "\"type\":\"joined\"");
            assertTrue(joined.startsWith("HTTP/1.1 200"), joined);
            assertTrue(joined.toLowerCase(java.util.Locale.ROOT).contains("content-type: text/event-stream"), joined);
            assertEquals(200, post(ALICE, "/api/rooms/streamed/append", "{\"text\":\"live\"}", bearer(owner))
                    .status());
            // Within the socket timeout: nginx did not hold the event back in its buffer.
            assertTrue(readUntil(stream, "\"op\":[\"live\"]").contains("id: 1"), nginx.log());
        }
    }

    /** Reads from {@code socket} until {@code marker} has arrived; everything read. */
    private static String readUntil(Socket socket, String marker) throws IOException {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (read.indexOf(marker) < 0) {
            int n = socket.getInputStream().read(buffer);
            if (n < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + read);
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return read.toString();
    }

    @Test
    void two_clients_behind_nginx_have_separate_budgets() throws IOException {
        RawHttp.Response created = post(ALICE, "/api/rooms", "{\"name\":\"proxied\"}");
        assertEquals(201, created.status(), created + "\n" + nginx.log());
        String owner = new ObjectMapper().readTree(created.body()).get("token").asText();
        String mint = "{\"role\":\"viewer\"}";

        // AUTH_FAILURES_PER_MINUTE is 30 (the default); while guessing, a little of it refills.
        // Every other guess claims to come from Alice: nginx appends Mallory's real address.
        int failures = 0;
        while (true) {
            int status = post(MALLORY, "/api/rooms/proxied/tokens", mint, bearer("guess" + failures),
                    failures % 2 == 0 ? "X-Forwarded-For: " + ALICE : "X-Request-Id: " + failures).status();
            if (status == 429) {
                break;
            }
            assertEquals(401, status);
            assertTrue(++failures <= 40, "per-address limits are on behind the proxy, yet no lockout");
        }
        assertTrue(failures >= 30, "locked out after only " + failures + " failures");
        assertEquals(201, post(ALICE, "/api/rooms/proxied/tokens", mint, bearer(owner)).status(),
                "the other client, behind the same proxy, is not");
    }

    @Test
    void a_browser_on_the_public_https_origin_connects_through_nginx_and_a_foreign_origin_does_not()
            throws IOException {
        try (Socket socket = connect(ALICE)) {
            String head = RawWebSocket.requestUpgrade(socket, HOST, List.of("Origin: https://" + HOST));
            assertTrue(head.startsWith("HTTP/1.1 101"), head + "\n" + nginx.log());
            RawWebSocket ws = RawWebSocket.over(socket);
            ws.sendText("{\"type\":\"ping\",\"t\":7}");
            assertEquals("{\"type\":\"pong\",\"t\":7}", ws.readFrame().text());
        }
        for (String foreign : List.of("https://evil.example", "http://" + HOST, "https://" + HOST + ".evil.example")) {
            try (Socket socket = connect(ALICE)) {
                String head = RawWebSocket.requestUpgrade(socket, HOST, List.of("Origin: " + foreign));
                assertTrue(head.startsWith("HTTP/1.1 403"), foreign + ": " + head);
            }
        }
    }

    @Test
    void api_changes_through_nginx_follow_the_same_origin_rule() {
        List<String> results = new ArrayList<>();
        results.add(post(ALICE, "/api/rooms", "{\"name\":\"same-site\"}", "Origin: https://" + HOST).status() + "");
        results.add(post(ALICE, "/api/rooms", "{\"name\":\"cross-site\"}", "Origin: https://evil.example").status() + "");
        assertEquals(List.of("201", "403"), results);
    }
}
