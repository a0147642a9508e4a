package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ForgedTokens;
import dev.livepad.testing.FrameClient;
import dev.livepad.testing.HostileStrings;
import dev.livepad.testing.RawHttp;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile HTTP against a live server: bodies that are not JSON, too deep, too large, or JSON
 * followed by more; room names in paths that traverse, smuggle NULs, are not UTF-8, or are very
 * long; wrong methods and unknown paths; broken request framing. Every failure must be the
 * contract's {@code {"error","message"}} JSON with the right status and nothing internal in it
 * (no stack trace, class name or file path), and a refused creation must create nothing.
 * Seeded ({@link Seeds}): {@code -Dseed=N} replays the random part with another seed.
 */
@Timeout(120)
class HostileHttpIT {
    private static final long SEED = Seeds.seed(1_302L);
    private static final int MAX_BODY = 4096;
    private static final int RANDOM_REQUESTS = Integer.getInteger("fuzz.requests", 1500);
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "at dev.", "at org.", "at java.",
            "dev.livepad", "org.eclipse", "io.javalin", "com.fasterxml", "/work/", "/tmp/", "/home/", ".java:",
            "<html", "Caused by");

    private static TestServer server;
    /** The current test's checks: all run, all failures reported together. */
    private final List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
    private static String owner;
    private static String editor;
    private static String viewer;
    private static String otherOwner;
    private static List<ForgedTokens.Forged> forged;

    @BeforeAll
    static void startServer() {
        server = TestServer.start("MAX_BODY_BYTES", "" + MAX_BODY, "ROOM_CREATES_PER_MINUTE", "1000000",
                "AUTH_FAILURES_PER_MINUTE", "1000000");
        owner = server.createRoom("r1");
        editor = server.mint("r1", owner, "editor");
        viewer = server.mint("r1", owner, "viewer");
        otherOwner = server.createRoom("r2");
        forged = ForgedTokens.forRoom("r1", ForgedTokens.roomIdOf(owner), editor).stream()
                .filter(f -> !f.token().isEmpty() && f.token().chars().allMatch(c -> c > 0x20 && c < 0x7f)
                        && f.token().length() < 4000)
                .toList();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void bodies_that_are_not_a_json_object_of_the_right_shape_are_bad_request_and_create_nothing() {
        for (String body : List.of("not json", "", " ", "[\"x\"]", "\"r9\"", "42", "null", "{}", "{\"name\":7}",
                "{\"name\":null}", "{\"name\":[\"r9\"]}", "{\"name\":{\"name\":\"r9\"}}", "[".repeat(2000),
                HostileStrings.nest(new Random(1), 200, "{\"name\":\"r9\"}"), "{\"name\":\"r9\"", "{'name':'r9'}",
                "{\"name\":\"r9\",\"name\":\"r10\"}", "\ufeff{\"name\":\"r9\"}")) {
            refusedCreation(body, 400, "bad_request");
        }
        // a JSON object followed by more text is not JSON either (each with its own name, in case one is created)
        for (String trailing : List.of("garbage", " {\"name\":\"t0\"}", "}", "]", ",", " null", "\"\"")) {
            refusedCreation("{\"name\":\"t" + Math.abs(trailing.hashCode()) + "\"}" + trailing, 400, "bad_request");
        }
    }

    @Test
    void hostile_room_names_are_refused_with_invalid_room_name_and_create_nothing() {
        for (String name : HostileStrings.INVALID_ROOMS) {
            String body = "{\"name\":" + HostileStrings.quote(name, true) + "}";
            boolean tooLarge = body.length() > MAX_BODY;
            refusedCreation(body, tooLarge ? 413 : 400, tooLarge ? "too_large" : "invalid_room_name");
        }
        for (String name : HostileStrings.LONE_SURROGATES) {
            refusedCreation("{\"name\":" + HostileStrings.quote(name, true) + "}", 400, "invalid_room_name");
        }
        refusedCreation("{\"name\":\"r1\"}", 409, "room_exists");
    }

    @Test
    void a_body_over_the_limit_is_too_large_and_one_just_under_it_is_served() {
        refusedCreation("{\"name\":\"big1\",\"pad\":\"" + "x".repeat(MAX_BODY) + "\"}", 413, "too_large");
        String padded = "{\"name\":\"big2\",\"pad\":\"" + "é".repeat((MAX_BODY - 40) / 2) + "\"}";
        assertTrue(padded.getBytes(StandardCharsets.UTF_8).length <= MAX_BODY);
        long before = rooms();
        RawHttp.Response created = RawHttp.send(server.port(), "POST", "/api/rooms", null, padded);
        assertEquals(201, created.status(), created.toString());
        assertEquals(before + 1, rooms());
        String content = "{\"name\":\"big3\",\"p\":\"" + "x".repeat(MAX_BODY * 2) + "\"}";
        String chunked =
                "POST /api/rooms HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(content.length()) + "\r\n"
                        + content
                        + "\r\n0\r\n\r\n";
        expectFailure(
                RawHttp.exchange(server.port(), chunked.getBytes(StandardCharsets.UTF_8)),
                Set.of(413),
                "too_large",
                "a chunked body over the limit");
        assertEquals(before + 1, rooms(), "the chunked body over the limit created a room");
    }

    @Test
    void token_calls_refuse_in_the_documented_order() {
        String rid = "/api/rooms/r1";
        expect("POST", rid + "/tokens", null, "{\"role\":\"viewer\"}", 401, "invalid_token");
        expect("POST", rid + "/tokens", "Basic " + owner, "{\"role\":\"viewer\"}", 401, "invalid_token");
        expect("POST", rid + "/tokens", "Bearer", "{\"role\":\"viewer\"}", 401, "invalid_token");
        for (ForgedTokens.Forged f : forged) {
            expect("POST", rid + "/tokens", "Bearer " + f.token(), "{\"role\":\"viewer\"}", 401, f.code());
            expect("DELETE", rid, "Bearer " + f.token(), null, 401, f.code());
            expect("GET", rid + "/text", "Bearer " + f.token(), null, 401, f.code());
        }
        for (String notOwner : List.of(editor, viewer, otherOwner)) {
            expect("POST", rid + "/tokens", "Bearer " + notOwner, "{\"role\":\"viewer\"}", 403, "forbidden");
            expect("DELETE", rid, "Bearer " + notOwner, null, 403, "forbidden");
        }
        expect("GET", rid + "/text", "Bearer " + otherOwner, null, 403, "forbidden");
        String ghost = ForgedTokens.forMissingRoom("ghost");
        expect("POST", "/api/rooms/ghost/tokens", "Bearer " + ghost, "{\"role\":\"viewer\"}", 404, "no_such_room");
        expect("DELETE", "/api/rooms/ghost", "Bearer " + ghost, null, 404, "no_such_room");
        expect("GET", "/api/rooms/ghost/text", "Bearer " + ghost, null, 404, "no_such_room");
        for (String body : List.of("{\"role\":\"owner\"}", "{\"role\":\"admin\"}", "{\"role\":7}", "{}",
                "{\"role\":\"viewer\",\"ttlSeconds\":0}", "{\"role\":\"viewer\",\"ttlSeconds\":-1}",
                "{\"role\":\"viewer\",\"ttlSeconds\":1.5}", "{\"role\":\"viewer\",\"ttlSeconds\":\"60\"}",
                "{\"role\":\"viewer\",\"ttlSeconds\":1e3}", "{\"role\":\"viewer\",\"ttlSeconds\":99999999999999999999}",
                "{\"role\":\"viewer\",\"ttlSeconds\":" + "9".repeat(40) + "}", "not json", "[]",
                "{\"role\":\"viewer\"}trailing")) {
            expect("POST", rid + "/tokens", "Bearer " + owner, body, 400, "bad_request");
        }
        assertEquals(200, RawHttp.send(server.port(), "GET", rid + "/text", "Bearer " + viewer, (String) null).status(),
                "the fixtures must still work");
    }

    @Test
    void hostile_room_names_in_paths_are_no_such_room() {
        List<String> names = new ArrayList<>();
        for (String name : HostileStrings.INVALID_ROOMS) {
            if (!HostileStrings.hasLoneSurrogate(name) && !name.contains("\u0000") && !name.isEmpty()) {
                names.add(percentEncode(name));
            }
        }
        names.addAll(List.of("%2e%2e%2f%2e%2e", "..%2f..%2fetc", "r1%2f..", "r1%5c..", "%2E%2E%5C", "r1%20", "%20r1",
                "r1%0a", "r1%3b", "%F0%9F%98%80", "%C3%BC", "x".repeat(300)));
        for (String name : names) {
            for (String[] call : new String[][] {{"POST", "/tokens"}, {"DELETE", ""}, {"GET", "/text"}}) {
                expect(call[0], "/api/rooms/" + name + call[1], "Bearer " + owner,
                        "POST".equals(call[0]) ? "{\"role\":\"viewer\"}" : null, 404, "no_such_room");
            }
        }
    }

    @Test
    void wrong_methods_are_method_not_allowed_and_unknown_paths_not_found() {
        String[][] wrong = {{"GET", "/api/rooms"}, {"PUT", "/api/rooms"}, {"DELETE", "/api/rooms"},
            {"PATCH", "/api/rooms"}, {"GET", "/api/rooms/r1"}, {"PUT", "/api/rooms/r1"}, {"POST", "/api/rooms/r1"},
            {"GET", "/api/rooms/r1/tokens"}, {"DELETE", "/api/rooms/r1/tokens"}, {"POST", "/api/rooms/r1/text"},
            {"DELETE", "/api/rooms/r1/text"}, {"GET", "/api/rooms/r1/ops"}, {"PUT", "/api/rooms/r1/append"},
            {"POST", "/api/rooms/r1/events"}, {"POST", "/status"}, {"DELETE", "/status"}, {"TRACE", "/status"}};
        for (String[] call : wrong) {
            expect(
                    call[0],
                    call[1],
                    "Bearer " + owner,
                    "POST".equals(call[0]) || "PUT".equals(call[0]) || "PATCH".equals(call[0])
                            ? "{\"name\":\"m1\",\"role\":\"viewer\"}"
                            : null,
                    405,
                    "method_not_allowed");
        }
        for (String path : List.of("/api", "/api/", "/api/rooms/r1/tokens/x", "/api/rooms/r1/text/x", "/administrator",
                "/.env", "/WEB-INF/web.xml", "/api/room", "/STATUS", "/.git/config", "/metrics.php")) {
            expect("GET", path, null, null, 404, "not_found");
        }
    }

    @Test
    void requests_the_server_cannot_even_parse_still_get_a_json_error() {
        String[] targets = {"/%2e%2e/status", "/api/rooms/%ZZ/text", "/api/rooms/r1%00/text",
            "/api/rooms/%C0%AE%C0%AE/text", "/api/rooms/%ED%A0%80/text", "/..;/status", "/js/%2e%2e/%2e%2e/pom.xml",
            "*", "http://evil.example/status", "/api/rooms/%u002e/text", "/api/rooms/r%u0031/text"};
        for (String target : targets) {
            expectFailure(RawHttp.send(server.port(), "GET", target, "Bearer " + owner, (String) null), Set.of(400),
                    "bad_request", "GET " + target);
        }
        expectFailure(RawHttp.send(server.port(), "GET", "/api/rooms/" + "a".repeat(20_000) + "/text", null,
                (String) null), Set.of(414), null, "a 20,000-character path");
        expectFailure(RawHttp.send(server.port(), "GET", "/status", "Bearer " + "x".repeat(20_000), (String) null),
                Set.of(431), null, "a 20,000-byte header");
        for (String head : List.of("Content-Length: -1", "Content-Length: 12\r\nContent-Length: 13",
                "Content-Length: abc", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked",
                "Transfer-Encoding: gzip")) {
            String request =
                    "POST /api/rooms HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head + "\r\n\r\n{\"name\":\"f1\"}";
            expectFailure(
                    RawHttp.exchange(server.port(), request.getBytes(StandardCharsets.UTF_8)),
                    Set.of(400, 411, 501),
                    null,
                    head.replace("\r\n", " | "));
        }
        assertEquals(200, server.get("/status", null).status(), "the server must still answer");
    }

    /** Random methods, paths, tokens and bodies: never a 5xx, every failure JSON, creation only on 201. */
    @Test
    void random_requests_never_leak_internals_or_create_rooms_they_refused() throws Exception {
        Seeds.replayable(HostileHttpIT.class, SEED, () -> {
            Random random = new Random(SEED);
            long rooms = rooms();
            int created = 0;
            Problems problems = new Problems();
            for (int i = 0; i < RANDOM_REQUESTS; i++) {
                String method = pick(
                        random,
                        List.of("GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"));
                String target = randomPath(random);
                String auth = randomAuth(random, method);
                byte[] body = "GET".equals(method) || "DELETE".equals(method) && random.nextBoolean()
                        ? null
                        : randomBody(random);
                String what = method + " " + FrameClient.clip(target) + " auth="
                        + FrameClient.clip(String.valueOf(auth)) + " body="
                        + (body == null ? "none" : FrameClient.clip(new String(body, StandardCharsets.UTF_8)));
                RawHttp.Response r = RawHttp.send(server.port(), method, target, auth, body);
                if (r.status() >= 500) {
                    problems.add("5xx", what + " -> " + r);
                } else if (r.status() >= 400) {
                    try {
                        assertFailure(r, null, null, what);
                    } catch (AssertionError e) {
                        problems.add(r.status() + " not the contract's JSON error", e.getMessage());
                    }
                }
                // A path such as /api/rooms/x/.. is /api/rooms once normalized, so a 201 naming a room is a creation
                // too.
                boolean creation = "POST".equals(method)
                        && ("/api/rooms".equals(target)
                                || r.status() == 201 && r.body().contains("\"room\""));
                if (creation && r.status() == 201) {
                    created++;
                } else if (r.status() == 204) {
                    created--;
                }
                if ((creation || r.status() == 204) && rooms() != rooms + created) {
                    problems.add(
                            "room count",
                            what + " -> " + r + " left " + rooms() + " rooms, expected " + (rooms + created));
                    created = (int) (rooms() - rooms);
                }
                if (creation && r.status() == 201 && body != null && !looksLikeOneObject(body)) {
                    problems.add("created from a body that is not a JSON object", what + " -> " + r);
                }
            }
            System.out.println(RANDOM_REQUESTS + " random requests; " + created + " rooms created net");
            assertTrue(problems.none(), "wrong answers:" + problems);
            try (FrameClient ws = FrameClient.connect(server.ws())) {
                FuzzIT.join(ws, "r1", owner);
            }
        });
    }

    // ---- helpers

    /** Failures grouped by kind, with a few examples each. */
    private static final class Problems {
        private final java.util.Map<String, List<String>> byKind = new java.util.TreeMap<>();
        private final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();

        void add(String kind, String example) {
            counts.merge(kind, 1, Integer::sum);
            List<String> examples = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
            if (examples.size() < 3) {
                examples.add(FrameClient.visible(example).replace("\\u000a", " "));
            }
        }

        boolean none() {
            return byKind.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            byKind.forEach((kind, examples) -> {
                out.append("\n  [").append(kind).append("] ").append(counts.get(kind)).append(" times, e.g.");
                examples.forEach(e -> out.append("\n    - ").append(e));
            });
            return out.toString();
        }
    }

    /** Whether the body is exactly one JSON object (checked strictly, trailing content included). */
    private static boolean looksLikeOneObject(byte[] body) {
        try (com.fasterxml.jackson.core.JsonParser parser = FrameClient.EXACT.createParser(body)) {
            JsonNode node = FrameClient.EXACT.readTree(parser);
            return node != null && node.isObject() && parser.nextToken() == null;
        } catch (Exception e) {
            return false;
        }
    }

    private void refusedCreation(String body, int status, String code) {
        long before = rooms();
        RawHttp.Response r = RawHttp.send(server.port(), "POST", "/api/rooms", null, body);
        long after = rooms();
        String what = "POST /api/rooms " + FrameClient.clip(body);
        checks.add(() -> assertFailure(r, Set.of(status), code, what));
        checks.add(() -> assertEquals(before, after, "a refused creation created a room: " + what));
    }

    private void expect(String method, String target, String auth, String body, int status, String code) {
        RawHttp.Response r = RawHttp.send(server.port(), method, target, auth, body);
        checks.add(() -> assertFailure(r, Set.of(status), code, method + " " + FrameClient.clip(target) + " with "
                + FrameClient.clip(String.valueOf(auth)) + (body == null ? "" : " body " + FrameClient.clip(body))));
    }

    private void expectFailure(RawHttp.Response r, Set<Integer> statuses, String code, String what) {
        checks.add(() -> assertFailure(r, statuses, code, what));
    }

    @org.junit.jupiter.api.AfterEach
    void reportEveryFailure() {
        org.junit.jupiter.api.Assertions.assertAll(checks.stream());
    }

    /** The contract's error shape, the right status and code, and nothing internal. */
    static void assertFailure(RawHttp.Response r, Set<Integer> statuses, String code, String what) {
        assertTrue(r != null, what + ": the server closed the connection without an answer");
        if (statuses != null) {
            assertTrue(statuses.contains(r.status()), what + ": expected " + statuses + " but got " + r);
        }
        String type = String.valueOf(r.header("content-type"));
        assertTrue(type.startsWith("application/json"), what + ": an error must be JSON, got " + r);
        JsonNode json;
        try {
            json = FrameClient.EXACT.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(what + ": the error body is not JSON: " + r, e);
        }
        assertTrue(json != null && json.isObject() && json.path("error").isTextual() && json.path("message").isTextual()
                && !json.path("message").asText().isEmpty(), what + ": not {\"error\",\"message\"}: " + r);
        if (code != null) {
            assertEquals(code, json.get("error").asText(), what + ": " + r);
        }
        for (String leak : LEAKS) {
            assertTrue(!r.body().contains(leak), what + ": the body reveals internals (" + leak + "): " + r);
        }
    }

    private static long rooms() {
        return server.status().get("rooms").asLong();
    }

    private static String randomPath(Random random) {
        String room = randomRoom(random);
        return switch (random.nextInt(9)) {
            case 0, 1 -> "/api/rooms";
            case 2 -> "/api/rooms/" + room;
            case 3, 4 -> "/api/rooms/" + room + "/tokens";
            case 5 -> "/api/rooms/" + room + "/text";
            case 6 -> "/status";
            case 7 -> "/" + room + "/" + randomRoom(random);
            default ->
                "/api/rooms/" + room + "/" + pick(random, List.of("tokens/x", "..", "%2e%2e", "text%00", "", "text/"));
        };
    }

    private static String randomRoom(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "r1";
            case 1 -> pick(random, HostileStrings.ODD_VALID_ROOMS);
            case 2 ->
                pick(random, List.of("..", ".", "%2e%2e", "%2E", "..%2f..", "%00", "%ff", "%", "a%2fb", "%u002e"));
            case 3 -> "x".repeat(1 + random.nextInt(random.nextBoolean() ? 70 : 3000));
            default ->
                percentEncode(pick(
                        random,
                        HostileStrings.INVALID_ROOMS.stream()
                                .filter(s -> !HostileStrings.hasLoneSurrogate(s))
                                .toList()));
        };
    }

    private static String randomAuth(Random random, String method) {
        int roll = random.nextInt(8);
        if (roll == 0 && !"DELETE".equals(method)) {
            return "Bearer " + owner;
        }
        return switch (roll) {
            case 1 -> "Bearer " + editor;
            case 2 -> "Bearer " + viewer;
            case 3 -> "Bearer " + pick(random, forged).token();
            case 4 -> pick(random, List.of("Bearer", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer x.y.z", "bearer "
                    + editor, "Bearer  " + viewer, "Token " + owner));
            default -> null;
        };
    }

    private static byte[] randomBody(Random random) {
        String body = switch (random.nextInt(12)) {
            case 0 -> pick(random, HostileStrings.NOT_JSON);
            case 1 -> pick(random, HostileStrings.NOT_OBJECTS);
            case 2 -> HostileStrings.nest(random, 1 + random.nextInt(3000), "1");
            case 3 -> "{\"name\":\"" + "x".repeat(MAX_BODY + random.nextInt(5000)) + "\"}";
            case 4 -> "{\"pad\":\"" + "y".repeat(random.nextInt(MAX_BODY - 100)) + "\"}";
            case 5, 6 -> "{\"name\":" + HostileStrings.quote(randomName(random), random.nextBoolean()) + "}";
            case 7 ->
                "{\"role\":" + HostileStrings.quote(pick(random, List.of("viewer", "editor", "owner", "admin", "")))
                        + ",\"ttlSeconds\":"
                        + pick(random, List.of("60", "0", "-5", "1.5", "1e9", "\"60\"", "null", "99999999999")) + "}";
            case 8 -> "{\"name\":\"dup\",\"name\":\"dup2\"}";
            case 9 ->
                "{\"name\":" + HostileStrings.quote(randomName(random)) + "}"
                        + pick(random, List.of("x", " {}", "]", "}"));
            case 10 -> "";
            default -> new String(randomBytes(random), StandardCharsets.ISO_8859_1);
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomName(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "f" + random.nextInt(1_000_000);
            case 1 -> pick(random, HostileStrings.ODD_VALID_ROOMS);
            case 2 -> pick(random, HostileStrings.INVALID_ROOMS);
            default -> pick(random, HostileStrings.NAMES);
        };
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Every byte outside the unreserved set as %XX (UTF-8), so the request target is always legal ASCII. */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
