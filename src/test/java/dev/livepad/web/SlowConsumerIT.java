package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.DocTracker;
import dev.livepad.testing.FrameClient;
import dev.livepad.testing.RawWebSocket;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.Typist;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that stops reading while two others type as fast as they can. The server must close
 * the stalled member (its outbound queue is bounded), while the typists and an observer lose
 * nothing, see contiguous revisions and converge with the server; the stalled member can then
 * resume. The typists' ack latency before, during and after the stall is printed for the record
 * (never asserted: timing depends on the machine).
 */
@Timeout(180)
class SlowConsumerIT {
    private static final String ROOM = "slow";
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(30);
    private static final int EDITS_PER_PHASE = 1000;

    /** What the stalled member knew when it stopped reading, and how to tell whether it is gone. */
    private interface Stalled {
        String clientId();

        long rev();

        String text();

        /** After the server dropped it: the close code it got, if any frame said so (-1 if none did). */
        int closeCode();
    }

    @Test
    void a_member_that_stops_reading_is_closed_at_the_frame_bound_and_the_typists_lose_nothing() throws Exception {
        try (TestServer server = TestServer.start("OUTBOX_MAX_FRAMES", "64", "OUTBOX_MAX_BYTES", "1048576",
                "RATE_LIMIT_PER_SECOND", "1000000", "RATE_LIMIT_BURST", "1000000",
                "RATE_LIMIT_BYTES_PER_SECOND", "1000000000", "RATE_LIMIT_BYTES_BURST", "1000000000")) {
            stall(server, 200, owner -> {
                FrameClient client = FrameClient.connect(server.ws());
                JsonNode joined = FuzzIT.join(client, ROOM, owner);
                client.pauseReading();
                return new Stalled() {
                    public String clientId() {
                        return joined.get("clientId").asText();
                    }

                    public long rev() {
                        return joined.get("rev").asLong();
                    }

                    public String text() {
                        return joined.get("text").asText();
                    }

                    public int closeCode() {
                        client.resumeReading();
                        int code = client.awaitClose(Duration.ofSeconds(30));
                        client.abort();
                        return code;
                    }
                };
            });
        }
    }

    @Test
    void a_member_whose_socket_is_full_is_closed_at_the_byte_bound_and_the_typists_lose_nothing() throws Exception {
        try (TestServer server = TestServer.start("OUTBOX_MAX_FRAMES", "1000000", "OUTBOX_MAX_BYTES", "1048576",
                "RATE_LIMIT_PER_SECOND", "1000000", "RATE_LIMIT_BURST", "1000000",
                "RATE_LIMIT_BYTES_PER_SECOND", "1000000000", "RATE_LIMIT_BYTES_BURST", "1000000000")) {
            stall(server, 1500, owner -> {
                RawWebSocket raw = RawWebSocket.connect(server.port(), 4096);
                raw.sendText(FuzzIT.joinFrame(ROOM, owner, null));
                JsonNode joined = readJoined(raw);
                return new Stalled() {
                    public String clientId() {
                        return joined.get("clientId").asText();
                    }

                    public long rev() {
                        return joined.get("rev").asLong();
                    }

                    public String text() {
                        return joined.get("text").asText();
                    }

                    public int closeCode() {
                        raw.setReadTimeout(Duration.ofSeconds(1));
                        int code = raw.awaitClose(Duration.ofSeconds(30));
                        raw.close();
                        return code;
                    }
                };
            });
        }
    }

    /**
     * The outbound bound is for members that fall behind, not for one large reply: a client joining
     * (or resuming into) a document bigger than OUTBOX_MAX_BYTES has nothing queued and is not slow.
     */
    @Test
    void a_join_reply_larger_than_the_outbox_bound_still_reaches_a_new_member() {
        try (TestServer server = TestServer.start("OUTBOX_MAX_BYTES", "65536", "MAX_MESSAGE_BYTES", "65536",
                "RATE_LIMIT_PER_SECOND", "1000000", "RATE_LIMIT_BURST", "1000000")) {
            String owner = server.createRoom(ROOM);
            StringBuilder text = new StringBuilder();
            try (FrameClient writer = FrameClient.connect(server.ws())) {
                FuzzIT.join(writer, ROOM, owner);
                for (int rev = 0; rev < 20; rev++) {
                    String chunk = ("line " + rev + " ").repeat(1000).substring(0, 5000);
                    writer.send("{\"type\":\"op\",\"room\":\"" + ROOM + "\",\"rev\":" + rev + ",\"id\":\"w" + rev
                            + "\",\"op\":[" + (rev > 0 ? text.length() + "," : "") + "\"" + chunk + "\"]}");
                    assertEquals("ack", writer.next().path("type").asText());
                    text.append(chunk);
                }
            }
            try (FrameClient joiner = FrameClient.connect(server.ws())) {
                joiner.send(FuzzIT.joinFrame(ROOM, owner, null));
                JsonNode joined = joinedOrClosed(joiner, "a plain join of a 100,000-character document");
                assertEquals(
                        text.toString(), joined.get("text").asText(), "a plain join of a 100,000-character document");
            }
            try (FrameClient resumer = FrameClient.connect(server.ws())) {
                resumer.send(FuzzIT.joinFrame(ROOM, owner, 0L));
                JsonNode joined = joinedOrClosed(resumer, "a resume across 100,000 characters of ops");
                String resumed =
                        joined.has("text") ? joined.get("text").asText() : DocTracker.replay(joined.get("ops"));
                assertEquals(text.toString(), resumed, "a resume across 100,000 characters of ops");
            }
            assertEquals(0, server.status().get("slowConsumersClosed").asLong(), "nobody here was slow");
        }
    }

    private static JsonNode joinedOrClosed(FrameClient client, String what) {
        for (JsonNode m = client.nextUnlessClosed(); m != null; m = client.nextUnlessClosed()) {
            if ("joined".equals(m.path("type").asText())) {
                return m;
            }
        }
        throw new AssertionError(what + ": closed with " + client.awaitClose() + " instead of joined");
    }

    private interface StalledFactory {
        Stalled join(String owner) throws Exception;
    }

    private void stall(TestServer server, int chunk, StalledFactory slowMember) throws Exception {
        String owner = server.createRoom(ROOM);
        long seed = Seeds.seed(1_310L);
        System.out.println(
                "seed " + seed + " for the typists' edits (replay: " + Seeds.replay(SlowConsumerIT.class, seed) + ")");
        Random random = new Random(seed);
        FrameClient observer = FrameClient.connect(server.ws());
        JsonNode joined = FuzzIT.join(observer, ROOM, owner);
        DocTracker seen = new DocTracker(ROOM, joined.get("rev").asLong(), joined.get("text").asText());
        List<Typist> typists = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> typing = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            CollabClient client = new CollabClient(server.connect(), ROOM, "t" + i);
            client.join(owner);
            Typist typist = new Typist(client, random.nextLong(), (r, text) -> bulkEdit(r, text, chunk), 0);
            typist.phase("warm-up");
            typists.add(typist);
            typing.add(pool.submit(typist));
        }
        String closedAfter = "never (within " + CLOSE_BOUND.toSeconds() + " s)";
        try {
            awaitEdits(typists, EDITS_PER_PHASE / 2, observer, seen);
            typists.forEach(t -> t.phase("before"));
            awaitEdits(typists, EDITS_PER_PHASE * 3 / 2, observer, seen);

            Stalled stalled = slowMember.join(owner);
            typists.forEach(t -> t.phase("stalled"));
            long stalledAt = System.nanoTime();
            awaitPresence(observer, seen, "leave", stalled.clientId(), stalledAt);
            closedAfter = String.format("%.2f s", (System.nanoTime() - stalledAt) / 1e9);
            typists.forEach(t -> t.phase("after"));
            int editsAtClose = typists.stream().mapToInt(Typist::edits).sum();
            awaitEdits(typists, editsAtClose / 2 + EDITS_PER_PHASE, observer, seen);
            typists.forEach(Typist::stop);
            for (Future<?> f : typing) {
                f.get();
            }

            long head = typists.stream().mapToLong(t -> t.client().ackedIds().size()).sum();
            for (Typist typist : typists) {
                typist.client().pumpUntil(() -> typist.client().revision() >= head);
                assertEquals(head, typist.client().revision(), "a typist saw revisions nobody made");
            }
            pump(observer, seen, () -> seen.head() >= head);
            String text = server.get("/api/rooms/" + ROOM + "/text", owner).body();
            assertEquals(text, typists.get(0).client().text(), "typist 1 diverged");
            assertEquals(text, typists.get(1).client().text(), "typist 2 diverged");
            assertEquals(text, seen.text(), "the observer diverged");

            JsonNode status = awaitStatus(server, st -> st.get("connections").asLong() == 3);
            assertTrue(status.get("slowConsumersClosed").asLong() >= 1, "slowConsumersClosed: " + status);
            assertEquals(3, status.get("connections").asLong(), "connections after the stalled one left: " + status);
            assertEquals(3, status.get("members").asLong(), "members after the stalled one left: " + status);
            int code = stalled.closeCode();
            assertTrue(code == 1013 || code == 1006 || code == -1,
                    "a stalled member is closed with 1013 (try again later) or dropped, got " + code);
            resume(server, owner, stalled, text, head);
            System.out.printf("%d ops in all; close code the stalled member saw: %d; %s%n", head, code, status);
        } finally {
            typists.forEach(Typist::stop);
            pool.shutdownNow();
            observer.close();
            System.out.println("stalled member closed " + closedAfter + " after it stopped reading; "
                    + server.status());
            for (String phase : List.of("before", "stalled", "after")) {
                List<Long> all = new ArrayList<>();
                typists.forEach(t -> all.addAll(t.latencies(phase)));
                System.out.println("typists' ack latency " + phase + ": " + Typist.summary(all));
            }
        }
    }

    /**
     * The stalled member reconnects and resumes from the revision it had: it gets every op since,
     * or (the history being shorter than the stall) the whole text with {@code reset}.
     */
    private static void resume(TestServer server, String owner, Stalled stalled, String text, long head) {
        try (FrameClient again = FrameClient.connect(server.ws())) {
            again.send(FuzzIT.joinFrame(ROOM, owner, stalled.rev()));
            JsonNode joined = again.next(m -> "joined".equals(m.path("type").asText()));
            assertEquals(head, joined.get("rev").asLong(), "joined.rev after the stall");
            if (joined.path("reset").asBoolean()) {
                assertEquals(text, joined.get("text").asText(), "resuming after the stall gives the current text");
                return;
            }
            DocTracker doc = new DocTracker(ROOM, stalled.rev(), stalled.text());
            for (JsonNode op : joined.get("ops")) {
                doc.applyMessage(op);
            }
            assertEquals(head, doc.head());
            assertEquals(text, doc.text(), "resuming after the stall gives the current text");
        }
    }

    private static void awaitEdits(List<Typist> typists, int each, FrameClient observer, DocTracker seen) {
        pump(observer, seen, () -> typists.stream().allMatch(t -> t.edits() >= each));
    }

    /** Reads the observer's stream (applying every op, in order) until {@code done}. */
    private static void pump(FrameClient observer, DocTracker seen, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            JsonNode m = observer.next();
            if ("op".equals(m.path("type").asText())) {
                seen.applyMessage(m);
            } else if (!"presence".equals(m.path("type").asText()) && !"cursor".equals(m.path("type").asText())) {
                throw new AssertionError("the observer got " + FrameClient.clip(m.toString()));
            }
        }
    }

    private static void awaitPresence(
            FrameClient observer, DocTracker seen, String event, String clientId, long since) {
        long deadline = since + CLOSE_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode m = observer.next();
            String type = m.path("type").asText();
            if ("op".equals(type)) {
                seen.applyMessage(m);
            } else if ("presence".equals(type) && event.equals(m.path("event").asText())
                    && clientId.equals(m.path("member").path("clientId").asText())) {
                return;
            } else if (!"presence".equals(type) && !"cursor".equals(type)) {
                throw new AssertionError("the observer got " + FrameClient.clip(m.toString()));
            }
        }
        throw new AssertionError("the stalled member was not closed within " + CLOSE_BOUND);
    }

    private static JsonNode awaitStatus(TestServer server, java.util.function.Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode status = server.status();
        while (!wanted.test(status) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            status = server.status();
        }
        return status;
    }

    private static JsonNode readJoined(RawWebSocket raw) throws IOException {
        while (true) {
            RawWebSocket.Frame frame;
            try {
                frame = raw.readFrame();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no joined reply", e);
            }
            if (frame == null) {
                throw new AssertionError("closed before joining");
            }
            if (frame.opcode() == RawWebSocket.TEXT) {
                JsonNode m = FrameClient.parse(frame.text());
                if ("joined".equals(m.path("type").asText())) {
                    return m;
                }
            }
        }
    }

    /** Inserts of about {@code chunk} characters; big deletes once the document passes 20,000. */
    static TextOperation bulkEdit(Random random, String text, int chunk) {
        int length = text.length();
        if (length > 20_000) {
            int from = boundary(text, random.nextInt(length - 2 * chunk));
            int to = boundary(text, from + 2 * chunk);
            return TextOperation.builder().retain(from).delete(to - from).retain(length - to).build();
        }
        int at = boundary(text, random.nextInt(length + 1));
        StringBuilder insert = new StringBuilder();
        while (insert.length() < chunk) {
            insert.append(random.nextInt(10) == 0 ? "😀" : random.nextInt(5) == 0 ? "\n" : "word ");
        }
        return TextOperation.builder().retain(at).insert(insert.toString()).retain(length - at).build();
    }

    private static int boundary(String text, int index) {
        if (index > 0 && index < text.length() && Character.isLowSurrogate(text.charAt(index))
                && Character.isHighSurrogate(text.charAt(index - 1))) {
            return index - 1;
        }
        return index;
    }
}
