package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.OtClient;
import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test editor: a real WebSocket connection plus the client side of OT (synchronized, awaiting
 * confirm, awaiting with buffer), used by one thread. Every incoming message is checked as it is
 * applied, so a protocol error or an out-of-order revision fails the test at once.
 */
public final class CollabClient implements AutoCloseable {
    private WsClient ws;
    private final String room;
    private final String idPrefix;
    private OtClient ot;
    private String outstandingId;
    private int counter;
    private final List<String> acked = new ArrayList<>();

    public CollabClient(WsClient ws, String room, String idPrefix) {
        this.ws = ws;
        this.room = room;
        this.idPrefix = idPrefix;
    }

    /** Joins and takes the document from the {@code joined} reply. */
    public JsonNode join(String token) {
        ws.send(WsClient.message("join").put("room", room).put("token", token));
        JsonNode joined = ws.next(m -> !"presence".equals(m.path("type").asText())
                && !"cursor".equals(m.path("type").asText()));
        if (!"joined".equals(joined.path("type").asText())) {
            throw new AssertionError("join failed: " + joined);
        }
        ot = new OtClient(joined.get("rev").asLong(), joined.get("text").asText());
        return joined;
    }

    /**
     * Reconnects on {@code newWs} and resumes from the last revision seen: applies the missed ops
     * (our own outstanding op among them counts as its ack), then resends what is still
     * unacknowledged with the same id. Fails if the server cannot resume (it lost acked history).
     */
    public void resume(WsClient newWs, String token) {
        ws.abort();
        ws = newWs;
        ws.send(WsClient.message("join").put("room", room).put("token", token).put("rev", ot.revision()));
        JsonNode joined = ws.next(m -> !"presence".equals(m.path("type").asText())
                && !"cursor".equals(m.path("type").asText()));
        if (!"joined".equals(joined.path("type").asText()) || joined.path("reset").asBoolean()) {
            throw new AssertionError("could not resume from rev " + ot.revision() + ": " + joined);
        }
        String unsent = outstandingId;
        for (JsonNode missed : joined.get("ops")) {
            if (missed.get("id").asText().equals(outstandingId)) {
                handle(WsClient.message("ack").put("id", outstandingId).put("rev", missed.get("rev").asLong()));
            } else {
                handle(((com.fasterxml.jackson.databind.node.ObjectNode) missed.deepCopy()).put("type", "op"));
            }
        }
        if (outstandingId != null && outstandingId.equals(unsent)) {
            sendOp(ot.outstanding().orElseThrow(), outstandingId);
        }
    }

    public String text() {
        return ot.text();
    }

    public long revision() {
        return ot.revision();
    }

    public boolean isSynchronized() {
        return ot.isSynchronized();
    }

    /** A local edit: applied at once, sent now or buffered until the outstanding op is acked. */
    public void edit(TextOperation op) {
        ot.applyLocal(op).ifPresent(this::sendOp);
    }

    /** Handles every message already received, one at a time; returns how many. */
    public int pump() {
        int handled = 0;
        for (JsonNode m = ws.poll(); m != null; m = ws.poll()) {
            handle(m);
            handled++;
        }
        return handled;
    }

    /** Handles messages, waiting for more, until the condition holds. */
    public void pumpUntil(java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            handle(ws.next());
        }
    }

    private void handle(JsonNode m) {
        switch (m.path("type").asText()) {
            case "op" -> {
                expectNextRev(m);
                ot.applyServer(parse(m.get("op")));
            }
            case "ack" -> {
                if (!m.get("id").asText().equals(outstandingId)) {
                    throw new AssertionError("ack for " + m.get("id") + " but outstanding is " + outstandingId);
                }
                expectNextRev(m);
                acked.add(outstandingId);
                outstandingId = null;
                ot.serverAck().ifPresent(this::sendOp);
            }
            case "presence", "cursor", "pong" -> { }
            default -> throw new AssertionError("unexpected message " + m);
        }
    }

    private void expectNextRev(JsonNode m) {
        if (m.get("rev").asLong() != ot.revision() + 1) {
            throw new AssertionError("expected rev " + (ot.revision() + 1) + " but got " + m);
        }
    }

    private void sendOp(TextOperation op) {
        sendOp(op, idPrefix + "-" + (++counter));
    }

    private void sendOp(TextOperation op, String id) {
        outstandingId = id;
        ObjectNode msg = WsClient.message("op").put("room", room).put("rev", ot.revision()).put("id", outstandingId);
        ArrayNode components = msg.putArray("op");
        for (Object c : op.toComponents()) {
            if (c instanceof String s) {
                components.add(s);
            } else {
                components.add((Integer) c);
            }
        }
        ws.send(msg);
    }

    public static TextOperation parse(JsonNode op) {
        List<Object> components = new ArrayList<>();
        for (JsonNode c : op) {
            components.add(c.isTextual() ? c.asText() : (Object) c.asInt());
        }
        try {
            return TextOperation.fromComponents(components);
        } catch (InvalidOperationException e) {
            throw new AssertionError("server sent a bad op " + op, e);
        }
    }

    /** Whether the connection is gone (closed by the server, or its process died). */
    public boolean isClosed() {
        return ws.isClosed();
    }

    public Optional<String> outstandingId() {
        return Optional.ofNullable(outstandingId);
    }

    /** Ids of our ops the server has acknowledged, in order. */
    public List<String> ackedIds() {
        return acked;
    }

    @Override
    public void close() {
        ws.close();
    }
}
