package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.RawHttp;
import dev.livepad.testing.RawWebSocket;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server behind a reverse proxy on 127.0.0.1 ({@code TRUSTED_PROXIES}), with per-address limits
 * on for loopback: requests from 127.0.0.1 play the proxy and name the client in
 * {@code X-Forwarded-For}; requests from 127.0.0.2 play a client that is not a proxy.
 */
@Timeout(30)
class BehindProxyTest {
    private static final String PROXY = "127.0.0.1";
    private static final String STRANGER = "127.0.0.2";
    private static final String CREATE = "{\"name\":\"r\"}";
    private static final String MINT = "{\"role\":\"viewer\"}";

    private final List<Socket> open = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
    }

    private static TestServer server(String... settings) {
        List<String> env = new ArrayList<>(List.of("EXEMPT_LOOPBACK", "false", "TRUSTED_PROXIES", "127.0.0.1/32"));
        env.addAll(List.of(settings));
        return TestServer.start(env.toArray(String[]::new));
    }

    private static RawHttp.Response post(TestServer server, String from, String path, String body, String token,
                                         String... headers) {
        List<String> lines = new ArrayList<>(List.of(headers));
        if (token != null) {
            lines.add("Authorization: Bearer " + token);
        }
        return RawHttp.exchange(RawHttp.connectFrom(from, server.port()), "POST", path,
                "127.0.0.1:" + server.port(), lines, body);
    }

    private static String ownerToken(RawHttp.Response created) {
        assertEquals(201, created.status(), created.toString());
        try {
            return new ObjectMapper().readTree(created.body()).get("token").asText();
        } catch (IOException e) {
            throw new AssertionError(created.toString(), e);
        }
    }

    private int upgrade(TestServer server, String from, String... headers) throws IOException {
        return upgradeTo(server, from, "127.0.0.1:" + server.port(), headers);
    }

    /** Opens a WebSocket (kept open until the test ends) and returns the upgrade's status. */
    private int upgradeTo(TestServer server, String from, String host, String... headers) throws IOException {
        Socket socket = RawHttp.connectFrom(from, server.port());
        open.add(socket);
        String head = RawWebSocket.requestUpgrade(socket, host, List.of(headers));
        int status = Integer.parseInt(head.split(" ")[1]);
        if (status == 101) { // wait until the server counts it: a ping answered means open
            RawWebSocket ws = RawWebSocket.over(socket);
            ws.sendText("{\"type\":\"ping\",\"t\":1}");
            assertTrue(ws.readFrame().text().contains("pong"));
        }
        return status;
    }

    /** Joins with each of {@code tokens} on one socket; each must be refused as invalid. */
    private static void joinWithBadTokens(TestServer server, String from, List<String> tokens, String... headers)
            throws IOException {
        try (Socket socket = RawHttp.connectFrom(from, server.port())) {
            String head = RawWebSocket.requestUpgrade(socket, "127.0.0.1:" + server.port(), List.of(headers));
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            RawWebSocket ws = RawWebSocket.over(socket);
            for (String token : tokens) {
                ws.sendText("{\"type\":\"join\",\"room\":\"r\",\"token\":\"" + token + "\"}");
                String reply = ws.readFrame().text();
                assertTrue(reply.contains("invalid_token"), reply);
            }
        }
    }

    @Test
    void each_client_behind_a_trusted_proxy_has_its_own_failure_budget() {
        try (TestServer server = server("AUTH_FAILURES_PER_MINUTE", "2")) {
            String owner = ownerToken(post(server, PROXY, "/api/rooms", CREATE, null, "X-Forwarded-For: 198.51.100.1"));
            for (int i = 0; i < 2; i++) {
                assertEquals(401, post(server, PROXY, "/api/rooms/r/tokens", MINT, "bad" + i,
                        "X-Forwarded-For: 198.51.100.7").status());
            }
            assertEquals(429, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.7").status());
            assertEquals(201, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.8").status());
            assertEquals(201, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 203.0.113.5, 198.51.100.9").status(), "only the rightmost hop is the client");
        }
    }

    @Test
    void a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address() {
        try (TestServer server = server("AUTH_FAILURES_PER_MINUTE", "2")) {
            String owner = ownerToken(post(server, PROXY, "/api/rooms", CREATE, null));
            for (int i = 0; i < 2; i++) {
                assertEquals(401, post(server, STRANGER, "/api/rooms/r/tokens", MINT, "bad" + i,
                        "X-Forwarded-For: 198.51.100." + i).status());
            }
            assertEquals(429, post(server, STRANGER, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.99").status());
        }
    }

    @Test
    void websocket_connections_and_their_token_failures_count_under_the_forwarded_address() throws IOException {
        try (TestServer server = server("MAX_CONNECTIONS_PER_IP", "1", "AUTH_FAILURES_PER_MINUTE", "2")) {
            String owner = ownerToken(post(server, PROXY, "/api/rooms", CREATE, null));
            assertEquals(101, upgrade(server, PROXY, "X-Forwarded-For: 198.51.100.1"));
            assertEquals(429, upgrade(server, PROXY, "X-Forwarded-For: 198.51.100.1"));
            assertEquals(101, upgrade(server, PROXY, "X-Forwarded-For: 198.51.100.2"));

            joinWithBadTokens(server, PROXY, List.of("bad1", "bad2"), "X-Forwarded-For: 198.51.100.3");
            assertEquals(429, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.3").status(), "the socket's failures are the address's failures");
            assertEquals(201, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.4").status());
        }
    }

    @Test
    void garbage_in_x_forwarded_for_falls_back_to_the_last_good_hop_and_never_fails_the_request() {
        try (TestServer server = server("AUTH_FAILURES_PER_MINUTE", "2")) {
            String owner = ownerToken(post(server, PROXY, "/api/rooms", CREATE, null, "X-Forwarded-For: ,,garbage"));
            assertEquals(401, post(server, PROXY, "/api/rooms/r/tokens", MINT, "bad1",
                    "X-Forwarded-For: 198.51.100.1, not an address").status());
            assertEquals(401, post(server, PROXY, "/api/rooms/r/tokens", MINT, "bad2",
                    "X-Forwarded-For: 999.0.0.1").status());
            assertEquals(429, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner).status(),
                    "both failures counted under the proxy's own address");
            assertEquals(201, post(server, PROXY, "/api/rooms/r/tokens", MINT, owner,
                    "X-Forwarded-For: 198.51.100.5", "X-Forwarded-For:  127.0.0.1 ").status(),
                    "several headers are one list; the trusted hop is skipped");
        }
    }

    @Test
    void behind_a_tls_terminating_proxy_the_public_https_origin_may_open_websockets() throws IOException {
        try (TestServer server = server()) {
            String local = "127.0.0.1:" + server.port();
            String[] forwarded = {"X-Forwarded-Proto: https", "X-Forwarded-Host: pad.example.com"};
            assertEquals(101, upgradeTo(server, PROXY, local, with(forwarded, "Origin: https://pad.example.com")));
            assertEquals(403, upgradeTo(server, PROXY, local, with(forwarded, "Origin: http://pad.example.com")));
            assertEquals(403, upgradeTo(server, PROXY, local, with(forwarded, "Origin: https://evil.example")));
            assertEquals(403, upgradeTo(server, PROXY, local, with(forwarded, "Origin: https://pad.example.com.evil")));
            assertEquals(101, upgradeTo(server, PROXY, "pad.example.com", "X-Forwarded-Proto: https",
                    "Origin: https://pad.example.com"), "without X-Forwarded-Host, Host names the origin");
            assertEquals(101, upgradeTo(server, PROXY, local, "Origin: http://" + local),
                    "without forwarding headers the request's own scheme and Host count");
        }
    }

    @Test
    void forwarding_headers_from_a_client_that_is_not_a_trusted_proxy_change_no_origin() throws IOException {
        try (TestServer server = server()) {
            String local = "127.0.0.1:" + server.port();
            assertEquals(403, upgradeTo(server, STRANGER, local, "X-Forwarded-Proto: https",
                    "X-Forwarded-Host: pad.example.com", "Origin: https://pad.example.com"));
            assertEquals(101, upgradeTo(server, STRANGER, local, "X-Forwarded-Proto: https",
                    "X-Forwarded-Host: pad.example.com", "Origin: http://" + local));
        }
    }

    private static String[] with(String[] headers, String more) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.add(more);
        return all.toArray(String[]::new);
    }
}
