package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's feed, {@code /admin/events}, read as a plain server-sent event stream from a
 * real server: who may open it, and what it says while clients type.
 */
@Timeout(60)
class AdminFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = "k".repeat(40);

    @Test
    void on_this_machine_without_a_key_the_feed_starts_with_history_then_samples_that_follow_the_traffic()
            throws Exception {
        try (TestServer server = TestServer.start()) {
            String token = server.createRoom("busy");
            try (Stream<String> lines = open(server, Map.of()).body(); WsClient alice = server.connect()) {
                Events events = new Events(lines);
                JsonNode history = events.next("history", any -> true);
                assertEquals(1, history.get("intervalSeconds").asInt());
                assertTrue(history.get("samples").isArray());

                alice.send(WsClient.message("join").put("room", "busy").put("token", token));
                alice.next(m -> "joined".equals(m.path("type").asText()));
                JsonNode busy = null;
                for (int rev = 0; busy == null; rev++) {
                    String op = rev == 0 ? "[\"x\"]" : "[" + rev + ",\"x\"]";
                    alice.sendRaw("{\"type\":\"op\",\"room\":\"busy\",\"rev\":" + rev + ",\"id\":\"o" + rev
                            + "\",\"op\":" + op + "}");
                    alice.next(m -> "ack".equals(m.path("type").asText()));
                    busy = events.poll("sample", s -> s.get("opsPerSecond").asDouble() > 0);
                }
                assertEquals(1, busy.get("connections").asInt());
                assertEquals("busy", busy.get("busiestRooms").get(0).get("room").asText());
                assertEquals(1, busy.get("busiestRooms").get(0).get("members").asInt());
                assertTrue(busy.get("ackP99Ms").asDouble() > 0, busy::toString);

                alice.sendRaw("{\"type\":\"op\",\"room\":\"busy\",\"rev\":0,\"id\":\"bad\",\"op\":[99999]}");
                JsonNode withError = events.next("sample", s -> s.get("events").size() > 0);
                JsonNode event = withError.get("events").get(0);
                assertEquals("error", event.get("kind").asText());
                assertTrue(event.get("time").asLong() > 0, event::toString);
                assertEquals("bad_op", event.get("code").asText());
                assertEquals("busy", event.get("room").asText());
                assertTrue(withError.get("errorsPerSecond").asDouble() > 0);
            }
        }
    }

    @Test
    void without_a_key_a_request_through_a_proxy_is_forbidden() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpResponse<Stream<String>> refused = open(server, Map.of("X-Forwarded-For", "203.0.113.5"));
            assertEquals(403, refused.statusCode());
            assertEquals("forbidden", JSON.readTree(String.join("", refused.body().toList())).get("error").asText());
            assertEquals(403, post(server, "/admin/session", "{\"key\":\"" + KEY + "\"}", Map.of()).statusCode());
        }
    }

    @Test
    void with_a_key_the_feed_takes_the_key_or_the_session_cookie_it_buys_and_nothing_else() throws Exception {
        try (TestServer server = TestServer.start("ADMIN_KEY", KEY)) {
            assertEquals(401, open(server, Map.of()).statusCode(), "loopback is not enough once a key is set");
            assertEquals(200, open(server, Map.of("Authorization", "Bearer " + KEY)).statusCode());
            assertEquals(401, open(server, Map.of("Authorization", "Bearer " + "j".repeat(40))).statusCode());

            assertEquals(401, post(server, "/admin/session", "{\"key\":\"wrong\"}", Map.of()).statusCode());
            assertEquals(403, post(server, "/admin/session", "{\"key\":\"" + KEY + "\"}",
                    Map.of("Origin", "https://elsewhere.example")).statusCode(), "a cross-site login");
            HttpResponse<String> login = post(server, "/admin/session", "{\"key\":\"" + KEY + "\"}", Map.of());
            assertEquals(204, login.statusCode());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict")
                    && setCookie.contains("Path=/admin"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertEquals(200, open(server, Map.of("Cookie", cookie)).statusCode());

            String forged =
                    cookie.substring(0, cookie.indexOf('=') + 1) + "9999999999" + cookie.substring(cookie.indexOf('.'));
            assertEquals(401, open(server, Map.of("Cookie", forged)).statusCode(), "a later expiry, same signature");
        }
    }

    private static HttpResponse<Stream<String>> open(TestServer server, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.http("/admin/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    private static HttpResponse<String> post(TestServer server, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.http(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The stream's events, parsed, read on a thread of their own. */
    private static final class Events {
        private final BlockingQueue<Map.Entry<String, JsonNode>> queue = new LinkedBlockingQueue<>();

        Events(Stream<String> lines) {
            Thread reader = new Thread(() -> {
                String event = "message";
                Iterator<String> it = lines.iterator();
                while (hasNext(it)) {
                    String line = it.next();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        try {
                            queue.add(Map.entry(event, JSON.readTree(line.substring(6))));
                        } catch (IOException e) {
                            throw new AssertionError("not JSON: " + line, e);
                        }
                    }
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** False at the end of the stream, and when the test closed it. */
        private static boolean hasNext(Iterator<String> it) {
            try {
                return it.hasNext();
            } catch (UncheckedIOException e) {
                return false;
            }
        }

        JsonNode next(String event, Predicate<JsonNode> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Map.Entry<String, JsonNode> entry = queue.poll(100, TimeUnit.MILLISECONDS);
                if (entry != null && entry.getKey().equals(event) && wanted.test(entry.getValue())) {
                    return entry.getValue();
                }
            }
            throw new AssertionError("no matching '" + event + "' event within 10 s");
        }

        /** A matching event already received (or arriving within 50 ms), or null. */
        JsonNode poll(String event, Predicate<JsonNode> wanted) throws InterruptedException {
            Map.Entry<String, JsonNode> entry;
            while ((entry = queue.poll(50, TimeUnit.MILLISECONDS)) != null) {
                if (entry.getKey().equals(event) && wanted.test(entry.getValue())) {
                    assertNotNull(entry.getValue());
                    return entry.getValue();
                }
            }
            return null;
        }
    }
}
