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
    private final WsClient ws;
    private final String room;
    private final String idPrefix;
    private OtClient ot;
    private String outstandingId;
    private int counter;

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

    /** Handles every message already received; returns how many. */
    public int pump() {
        List<JsonNode> messages = ws.drain();
        messages.forEach(this::handle);
        return messages.size();
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
        outstandingId = idPrefix + "-" + (++counter);
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

    public Optional<String> outstandingId() {
        return Optional.ofNullable(outstandingId);
    }

    @Override
    public void close() {
        ws.close();
    }
}
