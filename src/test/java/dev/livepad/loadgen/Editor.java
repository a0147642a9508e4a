package dev.livepad.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.OtClient;
import dev.livepad.ot.TextOperation;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated member: a WebSocket joined to one room, running the client half of OT ({@link OtClient}: one op in
 * flight, later keystrokes composed until the ack). Each op's id carries its send time ({@link OpStamp}), so every
 * receiver measures end-to-end latency. Incoming messages arrive on the socket's event loop and keystrokes on a
 * timer thread, so the OT state is guarded by this object's lock. Any surprise is counted in the {@link Tally}.
 */
final class Editor implements WsListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    final String room;
    final int index;
    private final Tally tally;
    private final SplittableRandom random;
    private final CompletableFuture<Editor> joined = new CompletableFuture<>();
    private WsConnection socket;
    private OtClient ot;
    private String outstandingId;
    private OpStamp outstanding;
    private long seq;
    private int audience;
    private int maxChars = Integer.MAX_VALUE;
    private volatile boolean closing;
    private volatile boolean broken;

    Editor(String room, int index, Tally tally) {
        this.room = room;
        this.index = index;
        this.tally = tally;
        this.random = new SplittableRandom(index * 7919L + room.hashCode());
    }

    /** Connects and joins; completes once {@code joined} has arrived. */
    CompletableFuture<Editor> open(WsLoops sockets, URI ws, String token) {
        return sockets.connect(ws, this).thenCompose(s -> {
            synchronized (this) {
                socket = s;
                send("{\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\",\"name\":\"lg"
                        + index + "\"}");
            }
            return joined;
        });
    }

    /** How many others receive each op of ours, and the document length at which typing turns to deleting. */
    synchronized void configure(int audience, int maxChars) {
        this.audience = audience;
        this.maxChars = maxChars;
    }

    /** One keystroke: insert a letter at a random place, or delete one once the document is at its cap. */
    void type() {
        synchronized (this) {
            if (ot == null || broken || closing) {
                return;
            }
            int length = ot.length();
            int at = random.nextInt(length + 1);
            TextOperation op = length >= maxChars && length > 0
                    ? TextOperation.builder().retain(Math.min(at, length - 1)).delete(1)
                            .retain(length - Math.min(at, length - 1) - 1).build()
                    : TextOperation.builder().retain(at)
                            .insert(String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length()))))
                            .retain(length - at).build();
            tally.current().keystrokes.increment();
            ot.applyLocal(op).ifPresent(this::sendOp);
        }
    }

    /** Inserts {@code text} at the end as one op, to seed a document; acked once {@link #isSynchronized()}. */
    synchronized void append(String text) {
        int length = ot.length();
        ot.applyLocal(TextOperation.builder().retain(length).insert(text).build()).ifPresent(this::sendOp);
    }

    synchronized boolean isSynchronized() {
        return ot != null && ot.isSynchronized();
    }

    synchronized String text() {
        return ot == null ? null : ot.text();
    }

    synchronized long revision() {
        return ot == null ? -1 : ot.revision();
    }

    boolean isBroken() {
        return broken;
    }

    void close() {
        closing = true;
        WsConnection s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.close();
        }
    }

    /** Drops the socket without the closing handshake (after {@link #close()} had its chance). */
    void abort() {
        closing = true;
        WsConnection s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.abort();
        }
    }

    private void sendOp(TextOperation op) {
        Phase phase = tally.current();
        long now = System.nanoTime();
        outstandingId = OpStamp.id(tally.run, phase.name, index, ++seq, now);
        outstanding = new OpStamp(phase.name, now);
        phase.recordSent(audience);
        send("{\"type\":\"op\",\"room\":\"" + room + "\",\"rev\":" + ot.revision() + ",\"id\":\"" + outstandingId
                + "\",\"op\":" + op + "}");
    }

    private void send(String frame) {
        if (!socket.send(frame) && !closing) {
            tally.error("send_failed");
            broken = true;
        }
    }

    @Override
    public void onText(String message, long receivedNanos) {
        try {
            handle(JSON.readTree(message), receivedNanos);
        } catch (IOException | InvalidOperationException | RuntimeException e) {
            fail("client_exception", e);
        }
    }

    private synchronized void handle(JsonNode m, long now) throws InvalidOperationException {
        switch (m.path("type").asText()) {
            case "joined" -> {
                ot = new OtClient(m.get("rev").asLong(), m.get("text").asText());
                joined.complete(this);
            }
            case "op" -> {
                expectNext(m);
                ot.applyServer(parse(m.get("op")));
                OpStamp stamp = OpStamp.parse(tally.run, m.path("id").asText());
                Phase phase = tally.phaseOf(stamp);
                if (phase != null) {
                    phase.recordDelivery(stamp.sentNanos(), now);
                }
            }
            case "ack" -> acked(m, now);
            case "error" -> {
                tally.error(m.path("code").asText("error"));
                if (!joined.isDone()) {
                    joined.completeExceptionally(new IllegalStateException("join refused: " + m));
                }
                if (outstandingId != null && outstandingId.equals(m.path("ref").asText())) {
                    broken = true; // the op was refused: this editor can no longer stay in step
                }
            }
            case "closed" -> fail("room_closed", null);
            default -> { } // presence, cursor, pong, left
        }
    }

    private void acked(JsonNode m, long now) {
        if (outstandingId == null || !outstandingId.equals(m.path("id").asText())) {
            fail("unexpected_ack", null);
            return;
        }
        expectNext(m);
        Phase phase = tally.phaseOf(outstanding);
        if (phase != null) {
            phase.recordAck(outstanding.sentNanos(), now);
        }
        outstandingId = null;
        outstanding = null;
        ot.serverAck().ifPresent(this::sendOp);
    }

    private void expectNext(JsonNode m) {
        if (m.path("rev").asLong() != ot.revision() + 1) {
            fail("rev_gap", null);
        }
    }

    private static TextOperation parse(JsonNode op) throws InvalidOperationException {
        List<Object> components = new ArrayList<>(op.size());
        for (JsonNode c : op) {
            components.add(c.isTextual() ? c.asText() : (Object) c.asLong());
        }
        return TextOperation.fromComponents(components);
    }

    private void fail(String kind, Throwable cause) {
        if (closing) {
            return;
        }
        broken = true;
        tally.error(kind);
        if (cause != null && tally.errorCount() <= 3) {
            System.err.println("loadgen: " + kind + " in " + room + "/" + index + ": " + cause);
        }
        joined.completeExceptionally(new IllegalStateException(kind, cause));
    }

    @Override
    public void onClose(int statusCode) {
        if (!closing) {
            fail("closed_" + statusCode, null);
        }
    }
}
