package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.DocTracker;
import dev.livepad.testing.ForgedTokens;
import dev.livepad.testing.FrameClient;
import dev.livepad.testing.FuzzPlan;
import dev.livepad.testing.FuzzProbe;
import dev.livepad.testing.FuzzProbe.Expect;
import dev.livepad.testing.FuzzProbe.Who;
import dev.livepad.testing.FuzzRunner;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.ThrowawaySockets;
import dev.livepad.testing.Typist;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of random and malformed frames against a live server while two real editors type in
 * the same room. Every bad frame must get exactly the error code docs/protocol.md gives it and
 * leave its connection open; afterwards the server must be alive, an untouched room unchanged,
 * and every document equal to the replay of its log. Seeded ({@link Seeds}): {@code -Dseed=N} runs
 * another seed (the typists' timing still varies), {@code -Dfuzz.frames=N} sets its length.
 */
@Timeout(300)
class FuzzIT {
    private static final long SEED = Seeds.seed(1_303L);
    private static final int FRAMES = Integer.getInteger("fuzz.frames", 4000);
    private static final int MAX_DOC = 20_000;
    private static final int MAX_FRAME = 65_536;
    private static final int PIPELINED_BATCHES = 4;
    private static final int PIPELINED_BATCH = 40;
    private static final FuzzPlan.Rooms ROOMS = new FuzzPlan.Rooms("fuzz", "quiet", "bystander");

    /** A {@code joined} reply the joiner got, to compare with the busy room's log at the end. */
    private record Joined(JsonNode reply, Long resumedFrom) {
    }

    private TestServer server;
    private FuzzRunner runner;
    private DocTracker busy;
    private DocTracker quiet;
    private FuzzPlan.Tokens tokens;
    private final List<Joined> joinedReplies = new ArrayList<>();

    @Test
    void thousands_of_hostile_frames_each_get_their_documented_error_and_harm_no_one() throws Exception {
        Seeds.replayable(FuzzIT.class, SEED, () -> {
            server = TestServer.start("MAX_DOC_CHARS", "" + MAX_DOC, "MAX_MESSAGE_BYTES", "" + MAX_FRAME,
                    "HISTORY_OPS", "1000000", "HISTORY_MAX_BYTES", "1000000000", "RESUME_MAX_BYTES", "1000000000",
                    "RATE_LIMIT_PER_SECOND", "1000000", "RATE_LIMIT_BURST", "1000000",
                    "AUTH_FAILURES_PER_MINUTE", "1000000", "ROOM_CREATES_PER_MINUTE", "1000",
                    "MAX_CONNECTIONS_PER_IP", "10000", "MAX_ROOMS_PER_CONNECTION", "64",
                    "OUTBOX_MAX_FRAMES", "1000000", "OUTBOX_MAX_BYTES", "1000000000");
            try {
                fuzz(new Random(SEED));
            } finally {
                server.close();
            }
        });
    }

    /**
     * The rate limit, kept out of the way above, on its own server: a connection gets its whole
     * burst, then every message is dropped with {@code rate_limited} (an op among them changes
     * nothing) until the bucket refills, others are unaffected, and a further full burst sent while
     * limited closes the connection with 1008.
     */
    @Test
    void an_empty_bucket_answers_rate_limited_and_a_sustained_flood_is_closed_with_1008() throws Exception {
        Seeds.replayable(FuzzIT.class, SEED, () -> {
            try (TestServer limited = TestServer.start("RATE_LIMIT_PER_SECOND", "2", "RATE_LIMIT_BURST", "20")) {
                rateLimited(limited);
            }
        });
    }

    /** With a short history, revisions before it are bad_rev for ops and cursors, and a resume gets the text. */
    @Test
    void ops_and_cursors_on_revisions_memory_let_go_are_refused_and_a_resume_reads_the_store() throws Exception {
        Seeds.replayable(FuzzIT.class, SEED, () -> {
            try (TestServer shortHistory = TestServer.start("HISTORY_OPS", "4", "RATE_LIMIT_PER_SECOND", "100000",
                    "RATE_LIMIT_BURST", "100000")) {
                forgottenRevisions(shortHistory, new Random(SEED));
            }
        });
    }

    private void fuzz(Random random) throws Exception {
        String busyOwner = server.createRoom(ROOMS.busy());
        String busyEditor = server.mint(ROOMS.busy(), busyOwner, "editor");
        String bystanderOwner = server.createRoom(ROOMS.bystander());
        tokens = new FuzzPlan.Tokens(busyEditor, server.mint(ROOMS.busy(), busyOwner, "viewer"),
                server.createRoom(ROOMS.quiet()), server.mint(ROOMS.bystander(), bystanderOwner, "viewer"),
                ForgedTokens.forRoom(ROOMS.busy(), ForgedTokens.roomIdOf(busyOwner), busyEditor));
        Bystander bystander = new Bystander(server, bystanderOwner);
        String editorId = connect();

        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Typist> typists = new ArrayList<>();
        List<Future<?>> typing = new ArrayList<>();
        Set<String> typistIds = new HashSet<>();
        for (int i = 1; i <= 2; i++) {
            CollabClient client = new CollabClient(server.connect(), ROOMS.busy(), "t" + i);
            typistIds.add(client.join(busyEditor).get("clientId").asText());
            Typist typist = new Typist(client, random.nextLong(), RandomEdits::next, 1_000_000);
            typists.add(typist);
            typing.add(pool.submit(typist));
        }

        long errorsBefore = server.status().get("errors").asLong();
        long started = System.nanoTime();
        FuzzPlan plan = new FuzzPlan("fz", random, ROOMS, tokens, MAX_DOC, MAX_FRAME, busy, quiet, observer());
        lockStep(plan, new ThrowawaySockets(server.port(), MAX_FRAME, new Random(random.nextLong())), random);
        pipelined(pool, random);
        double seconds = (System.nanoTime() - started) / 1e9;

        typists.forEach(Typist::stop);
        for (Future<?> f : typing) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("%d frames (%d should be errors) in %.1f s, %d typist ops; by kind: %s%n",
                runner.framesSent.get(), runner.errorFramesExpected.get(), seconds,
                typists.stream().mapToInt(Typist::edits).sum(), runner.kindReport());

        assertAll(
                () -> assertTrue(runner.clean(), "wrong answers:" + runner.mismatchReport()),
                () -> errorsCounted(errorsBefore),
                this::serverAlive,
                bystander::untouched,
                () -> assertLogReplays(ROOMS.bystander(), bystander.token(), Bystander.TEXT, 1),
                () -> busyRoomIsItsLog(typists, typistIds),
                () -> quietRoomIsItsLog(editorId),
                this::allConnectionsClosedCleanly);
    }

    /** Opens the fuzz test's four connections; returns the editor's client id. */
    private String connect() {
        runner = new FuzzRunner();
        FrameClient editor = FrameClient.connect(server.ws());
        JsonNode joined = join(editor, ROOMS.busy(), tokens.busyEditor());
        busy = new DocTracker(ROOMS.busy(), joined.get("rev").asLong(), joined.get("text").asText());
        JsonNode joinedQuiet = join(editor, ROOMS.quiet(), tokens.quietOwner());
        quiet = new DocTracker(ROOMS.quiet(), joinedQuiet.get("rev").asLong(), joinedQuiet.get("text").asText());
        runner.connection(Who.EDITOR, editor, m -> {
            if ("op".equals(m.path("type").asText())) {
                if (!ROOMS.busy().equals(m.path("room").asText())) {
                    throw new AssertionError("an op broadcast from a room nobody else writes in: " + m);
                }
                busy.applyMessage(m);
            }
        });
        FrameClient viewer = FrameClient.connect(server.ws());
        join(viewer, ROOMS.busy(), tokens.busyViewer());
        runner.connection(Who.VIEWER, viewer, m -> inRoom(m, ROOMS.busy()));
        runner.connection(Who.STRANGER, FrameClient.connect(server.ws()), m -> {
            throw new AssertionError("a connection in no room received " + FrameClient.clip(m.toString()));
        });
        runner.connection(Who.JOINER, FrameClient.connect(server.ws()), m -> inRoom(m, ROOMS.busy()));
        return joined.get("clientId").asText();
    }

    private static void inRoom(JsonNode m, String room) {
        if (!room.equals(m.path("room").asText())) {
            throw new AssertionError(
                    "traffic from a room this connection is not in: " + FrameClient.clip(m.toString()));
        }
    }

    private FuzzPlan.Observer observer() {
        return new FuzzPlan.Observer() {
            @Override
            public void presenceSeen(String event, String clientId, String name) {
                JsonNode presence = runner.awaitTraffic(Who.VIEWER, m -> "presence".equals(m.path("type").asText())
                        && event.equals(m.path("event").asText())
                        && clientId.equals(m.path("member").path("clientId").asText()), "presence " + event);
                String seen = presence.path("member").path("name").asText(null);
                if (!name.equals(seen)) {
                    throw new AssertionError("the others saw the name " + FrameClient.clip(String.valueOf(seen))
                            + " instead of " + FrameClient.clip(name) + " (" + presence + ")");
                }
            }

            @Override
            public void joinedBusy(JsonNode joined, Long resumedFrom) {
                joinedReplies.add(new Joined(joined, resumedFrom));
            }
        };
    }

    private void lockStep(FuzzPlan plan, ThrowawaySockets throwaways, Random random) {
        int throwaway = 0;
        while (runner.framesSent.get() < FRAMES) {
            runner.drain(Who.EDITOR);
            if (random.nextInt(150) == 0) {
                throwaway(throwaways, throwaway++);
            }
            runner.run(plan.next());
        }
        while (throwaway < ThrowawaySockets.CASES) {
            throwaway(throwaways, throwaway++);
        }
    }

    private void throwaway(ThrowawaySockets throwaways, int index) {
        String kind = ThrowawaySockets.kind(index);
        runner.tally(kind);
        String problem = throwaways.run(index);
        if (problem != null) {
            runner.mismatch(kind, problem);
        }
    }

    /** Three connections at once, each sending batches without waiting, replies matched by ref. */
    private void pipelined(ExecutorService pool, Random random) throws Exception {
        List<Future<?>> senders = new ArrayList<>();
        for (Who who : List.of(Who.EDITOR, Who.VIEWER, Who.STRANGER)) {
            FuzzPlan plan = new FuzzPlan("p" + who.ordinal() + "-", new Random(random.nextLong()), ROOMS, tokens,
                    MAX_DOC, MAX_FRAME, busy, quiet, observer());
            senders.add(pool.submit(() -> {
                for (int batch = 0; batch < PIPELINED_BATCHES; batch++) {
                    List<FuzzProbe> probes = new ArrayList<>();
                    Set<String> refs = new HashSet<>();
                    while (probes.size() < PIPELINED_BATCH) {
                        FuzzProbe probe = plan.pipelined(who);
                        // long numbers come back as bad_json with no ref; the lock-step phase reports that
                        if (probe.expect().ref() != null && !probe.kind().equals("long-number")
                                && refs.add(probe.expect().ref())) {
                            probes.add(probe);
                        }
                    }
                    runner.runPipelined(who, probes);
                }
                return null;
            }));
        }
        for (Future<?> sender : senders) {
            sender.get();
        }
    }

    private void errorsCounted(long before) {
        long counted = server.status().get("errors").asLong() - before;
        assertEquals(runner.errorsReceived.get(), counted, "/status errors must count every error reply sent");
        assertTrue(counted >= runner.errorFramesExpected.get(), "/status errors grew by " + counted
                + " but " + runner.errorFramesExpected.get() + " bad frames were sent");
    }

    private void serverAlive() {
        assertEquals(200, server.get("/status", null).status());
        try (FrameClient fresh = FrameClient.connect(server.ws())) {
            JsonNode joined = join(fresh, ROOMS.busy(), tokens.busyEditor());
            assertTrue(joined.get("text").isTextual(), "a new client must get the text: " + joined);
        }
        for (Who who : Who.values()) {
            assertFalse(runner.client(who).isClosed(), who + " was closed by the fuzz");
            runner.run(List.of(() -> new FuzzProbe(who, "final-ping", "{\"type\":\"ping\",\"t\":\"alive\"}",
                    Expect.reply("pong", null))));
        }
        assertTrue(runner.clean(), "after the fuzz:" + runner.mismatchReport());
    }

    private void busyRoomIsItsLog(List<Typist> typists, Set<String> typistIds) {
        long head = typists.stream().mapToLong(t -> t.client().ackedIds().size()).sum();
        for (Typist typist : typists) {
            typist.client().pumpUntil(() -> typist.client().revision() >= head);
            assertEquals(head, typist.client().revision(), "a typist saw revisions nobody made");
        }
        runner.pumpUntil(Who.EDITOR, () -> busy.head() >= head, "catching up with the typists");
        String text = typists.get(0).client().text();
        assertEquals(text, typists.get(1).client().text(), "the typists diverged");
        assertEquals(text, busy.text(), "the fuzzing editor's copy diverged");
        JsonNode log = assertLogReplays(ROOMS.busy(), tokens.busyViewer(), text, head);
        for (JsonNode op : log) {
            assertTrue(typistIds.contains(op.get("clientId").asText()), "an op not made by a typist: " + op);
        }
        checkJoinedReplies(log);
    }

    /** Joins from revision 0 (the whole log), replays it, and compares with a plain join and GET text. */
    private JsonNode assertLogReplays(String room, String token, String expectedText, long expectedHead) {
        try (FrameClient reader = FrameClient.connect(server.ws())) {
            reader.send(joinFrame(room, token, 0L));
            JsonNode resumed = reader.next(m -> "joined".equals(m.path("type").asText()));
            JsonNode ops = resumed.get("ops");
            assertTrue(ops != null && ops.isArray() && !resumed.has("text"), "the whole log was not kept: " + resumed);
            assertEquals(expectedHead, ops.size(), room + ": log length");
            String replayed = DocTracker.replay(ops);
            assertEquals(expectedText, replayed, room + ": the log does not replay to the text");
            reader.send("{\"type\":\"leave\",\"room\":\"" + room + "\"}");
            reader.next(m -> "left".equals(m.path("type").asText()));
            reader.send(joinFrame(room, token, null));
            JsonNode plain = reader.next(m -> "joined".equals(m.path("type").asText()));
            assertEquals(replayed, plain.get("text").asText(), room + ": joined.text differs from the log");
            assertEquals(expectedHead, plain.get("rev").asLong(), room + ": joined.rev");
            assertEquals(replayed, server.get("/api/rooms/" + room + "/text", token).body(),
                    room + ": GET text differs from the log");
            return ops;
        }
    }

    /** Every {@code joined} the joiner got: its text is the log's at that revision, its ops the log's. */
    private void checkJoinedReplies(JsonNode log) {
        DocTracker replay = new DocTracker("replay", 0, "");
        List<Joined> byRev = new ArrayList<>(joinedReplies);
        byRev.sort((a, b) -> Long.compare(a.reply().get("rev").asLong(), b.reply().get("rev").asLong()));
        int next = 0;
        for (Joined joined : byRev) {
            long rev = joined.reply().get("rev").asLong();
            while (replay.head() < rev) {
                replay.applyMessage(log.get(next++));
            }
            if (joined.reply().has("text")) {
                assertEquals(replay.text(), joined.reply().get("text").asText(), "joined.text at rev " + rev);
            } else {
                JsonNode ops = joined.reply().get("ops");
                assertEquals(rev - joined.resumedFrom(), ops.size(), "resumed ops from " + joined.resumedFrom());
                for (int i = 0; i < ops.size(); i++) {
                    JsonNode logged = log.get((int) (joined.resumedFrom() + i));
                    assertTrue(
                            FuzzProbe.sameJson(logged, ops.get(i)), "resumed op " + ops.get(i) + " vs log " + logged);
                }
            }
        }
    }

    private void quietRoomIsItsLog(String editorId) {
        JsonNode log = assertLogReplays(ROOMS.quiet(), tokens.quietOwner(), quiet.text(), quiet.head());
        for (JsonNode op : log) {
            assertEquals(editorId, op.get("clientId").asText(), "the server must name the real sender, "
                    + "whatever clientId the frame claimed: " + op);
        }
    }

    private void allConnectionsClosedCleanly() {
        for (Who who : Who.values()) {
            runner.client(who).close();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode status = server.status();
        while (System.nanoTime() < deadline && (status.get("members").asLong() > 3
                || status.get("connections").asLong() > 3)) {
            pause();
            status = server.status();
        }
        // left: the bystander and the two typists
        assertEquals(3, status.get("connections").asLong(), "connections after closing the fuzzers: " + status);
        assertEquals(3, status.get("members").asLong(), "memberships after closing the fuzzers: " + status);
    }

    /** A short wait between two looks at a condition. */
    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode join(FrameClient client, String room, String token) {
        client.send(joinFrame(room, token, null));
        JsonNode joined = client.next(m -> !"presence".equals(m.path("type").asText())
                && !"cursor".equals(m.path("type").asText()));
        assertEquals("joined", joined.path("type").asText(), () -> "join failed: " + joined);
        return joined;
    }

    static String joinFrame(String room, String token, Long rev) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\""
                + (rev == null ? "" : ",\"rev\":" + rev) + "}";
    }

    // ---- the rate limit and the kept history, each on a server of its own

    private static void rateLimited(TestServer server) {
        int rate = 2;
        int burst = 20;
        String owner = server.createRoom("limited");
        try (FrameClient calm = FrameClient.connect(server.ws())) {
            join(calm, "limited", owner);
            long start = System.nanoTime();
            try (FrameClient flooder = FrameClient.connect(server.ws())) {
                flood(server, owner, calm, flooder, start, rate, burst);
            }
            calm.next(m -> "presence".equals(m.path("type").asText()) && "leave".equals(m.path("event").asText()));
            calm.send("{\"type\":\"ping\",\"t\":2}");
            assertEquals(2, calm.next(m -> "pong".equals(m.path("type").asText())).get("t").asInt());
        }
    }

    /** The first burst is served; then ops are dropped (changing nothing) until a further burst closes with 1008. */
    private static void flood(TestServer server, String owner, FrameClient calm, FrameClient flooder, long start,
                              int rate, int burst) {
        join(flooder, "limited", owner);
        for (int i = 1; i < burst; i++) {
            flooder.send("{\"type\":\"ping\",\"t\":" + i + "}");
            assertEquals(i, flooder.next(m -> "pong".equals(m.path("type").asText())).get("t").asInt(),
                    "every message of the first burst is served");
        }
        int allowed = 0;
        int limited = 0;
        for (int i = 0; limited < 5 && i < 200; i++) {
            flooder.send("{\"type\":\"op\",\"room\":\"limited\",\"rev\":" + allowed + ",\"id\":\"r" + i
                    + "\",\"op\":[\"x\"" + (allowed > 0 ? "," + allowed : "") + "]}");
            JsonNode reply = flooder.next(FuzzIT::isReply);
            if ("ack".equals(reply.path("type").asText())) {
                allowed++;
            } else {
                assertError(reply, "rate_limited", "a message over the limit");
                limited++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(limited >= 5, "nothing was rate limited");
        assertTrue(allowed <= rate * seconds + 1, allowed + " ops were let through in " + seconds
                + " s after the burst, at " + rate + " per second");
        assertEquals("x".repeat(allowed), server.get("/api/rooms/limited/text", owner).body(),
                "a rate-limited op must change nothing");
        calm.send("{\"type\":\"ping\",\"t\":\"calm\"}");
        assertEquals("calm", calm.next(m -> "pong".equals(m.path("type").asText())).get("t").asText(),
                "another connection is not limited by the flooder's bucket");
        assertFalse(flooder.isClosed(), "dropping messages must not close the connection");
        // One at a time, so nothing is in flight when the server gives up (a flood in flight turns
        // its close into a reset).
        int sent = 0;
        for (JsonNode reply = null; sent < 40 * burst; sent++) {
            flooder.send("{\"type\":\"ping\",\"t\":" + sent + "}");
            reply = flooder.nextUnlessClosed();
            if (reply == null) {
                break;
            }
            assertTrue("pong".equals(reply.path("type").asText()) || "rate_limited".equals(reply.path("code").asText()),
                    "while limited: " + reply);
        }
        assertTrue(sent < 40 * burst, "a connection that keeps sending while limited must be closed");
        assertEquals(
                1008, flooder.awaitClose(), "a further full burst while limited closes with 1008 (policy violation)");
    }

    private static void forgottenRevisions(TestServer server, Random random)
            throws dev.livepad.ot.InvalidOperationException {
        String owner = server.createRoom("short");
        try (FrameClient editor = FrameClient.connect(server.ws());
                FrameClient other = FrameClient.connect(server.ws())) {
            join(editor, "short", owner);
            join(other, "short", owner);
            DocTracker doc = new DocTracker("short", 0, "");
            for (int i = 0; i < 60; i++) {
                long head = doc.head();
                long k = random.nextInt((int) head + 1);
                boolean kept = k >= head - 4;
                String id = "h" + i;
                if (random.nextInt(4) == 0) {
                    editor.send("{\"type\":\"cursor\",\"room\":\"short\",\"rev\":" + k + ",\"ranges\":[[0,0]]}");
                    if (!kept) {
                        assertError(
                                editor.next(FuzzIT::isReply),
                                "bad_rev",
                                "a cursor on forgotten revision " + k + " of " + head);
                    }
                    continue;
                }
                // an op that fits revision k: an insert at its start (the tracker keeps every length)
                editor.send("{\"type\":\"op\",\"room\":\"short\",\"rev\":" + k + ",\"id\":\"" + id + "\",\"op\":[\"x\""
                        + (doc.lengthAt(k) > 0 ? "," + doc.lengthAt(k) : "") + "]}");
                JsonNode reply = editor.next(FuzzIT::isReply);
                if (kept) {
                    assertEquals(
                            "ack",
                            reply.path("type").asText(),
                            "an op on kept revision " + k + " of " + head + ": " + reply);
                    List<dev.livepad.ot.TextOperation> since = doc.opsSince(k);
                    dev.livepad.ot.TextOperation op = dev.livepad.ot.TextOperation.builder().insert("x")
                            .retain(doc.lengthAt(k)).build();
                    for (dev.livepad.ot.TextOperation concurrent : since) {
                        op = dev.livepad.ot.TextOperation.transform(op, concurrent).aPrime();
                    }
                    doc.apply(reply.get("rev").asLong(), op);
                } else {
                    assertError(reply, "bad_rev", "an op on forgotten revision " + k + " of " + head);
                }
            }
            other.send("{\"type\":\"leave\",\"room\":\"short\"}");
            other.next(m -> "left".equals(m.path("type").asText()));
            other.send(joinFrame("short", owner, 1L));
            JsonNode resumed = other.next(m -> "joined".equals(m.path("type").asText()));
            // Memory let revision 1 go, the store did not: the resume is its ops, read back from the store.
            assertFalse(resumed.has("reset"), "resuming from revision 1 is served from the store: " + resumed);
            String text = "x"; // revision 1: the first op inserted "x" into the empty text
            for (JsonNode op : resumed.get("ops")) {
                text = dev.livepad.ot.TextOperation.fromComponents(
                        new com.fasterxml.jackson.databind.ObjectMapper().convertValue(op.get("op"), List.class))
                        .apply(text);
            }
            assertEquals(doc.text(), text);
            assertEquals(doc.text(), server.get("/api/rooms/short/text", owner).body());
        }
    }

    /** Not another member's traffic. */
    private static boolean isReply(JsonNode m) {
        String type = m.path("type").asText();
        return !"presence".equals(type) && !"cursor".equals(type) && !"op".equals(type);
    }

    private static void assertError(JsonNode reply, String code, String what) {
        assertEquals("error", reply.path("type").asText(), what + ": " + reply);
        assertEquals(code, reply.path("code").asText(), what + ": " + reply);
    }

    /** A member of a room of its own, set up before the fuzz; it must never hear anything. */
    private static final class Bystander {
        private static final String TEXT = "bystander text 😀 <b>bold</b> \u0000 end";
        private final TestServer server;
        private final String token;
        private final FrameClient client;

        Bystander(TestServer server, String token) {
            this.server = server;
            this.token = token;
            this.client = FrameClient.connect(server.ws());
            join(client, ROOMS.bystander(), token);
            client.send("{\"type\":\"op\",\"room\":\"bystander\",\"rev\":0,\"id\":\"b1\",\"op\":["
                    + dev.livepad.testing.HostileStrings.quote(TEXT) + "]}");
            assertEquals(1, client.next(m -> "ack".equals(m.path("type").asText())).get("rev").asLong());
        }

        void untouched() {
            assertNull(client.poll(), "the bystander received something");
            assertFalse(client.isClosed(), "the bystander was disconnected");
            client.send("{\"type\":\"ping\",\"t\":1}");
            assertEquals("pong", client.next().path("type").asText());
            assertEquals(TEXT, server.get("/api/rooms/bystander/text", token).body());
        }

        String token() {
            return token;
        }
    }
}
