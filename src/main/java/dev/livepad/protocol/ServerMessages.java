package dev.livepad.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Encodes every server-to-client message. Each method returns the finished frame text, so a
 * broadcast is encoded once and the same string is queued for every member.
 */
public final class ServerMessages {
    private static final JsonFactory FACTORY = Json.writerFactory();

    private ServerMessages() {
    }

    /** One op of a room's history, as carried by broadcasts and resume replies. */
    public record HistoryOp(long rev, TextOperation op, String clientId, String id) {
    }

    /** The reply to a join: either the whole text, or the ops since the client's revision. */
    /** {@code textJson} is the text already encoded as a JSON string ({@link #jsonString}), or null. */
    /** {@code revId}: the id of the op that made revision {@code rev}, or null (none, or no longer kept). */
    public record Joined(String room, String clientId, Role role, long rev, String revId, String textJson,
                         List<HistoryOp> ops, boolean reset, List<MemberInfo> members) {
    }

    public static String joined(Joined j) {
        int size = 256 + (j.textJson() == null ? 0 : j.textJson().length()); // a megabyte text: grown once, not doubled
        return write(size, g -> {
            start(g, "joined", j.room());
            g.writeStringField("clientId", j.clientId());
            g.writeStringField("role", j.role().wireName());
            g.writeNumberField("rev", j.rev());
            if (j.revId() != null) {
                g.writeStringField("revId", j.revId());
            }
            if (j.textJson() != null) {
                g.writeFieldName("text");
                g.writeRawValue(j.textJson());
            }
            if (j.ops() != null) {
                g.writeArrayFieldStart("ops");
                for (HistoryOp op : j.ops()) {
                    writeHistoryOp(g, op);
                }
                g.writeEndArray();
            }
            if (j.reset()) {
                g.writeBooleanField("reset", true);
            }
            g.writeArrayFieldStart("members");
            for (MemberInfo m : j.members()) {
                writeMember(g, m);
            }
            g.writeEndArray();
        });
    }

    public static String presence(String room, String event, MemberInfo member) {
        return write(g -> {
            start(g, "presence", room);
            g.writeStringField("event", event);
            g.writeFieldName("member");
            writeMember(g, member);
        });
    }

    public static String ack(String room, String id, long rev) {
        return write(g -> {
            start(g, "ack", room);
            g.writeStringField("id", id);
            g.writeNumberField("rev", rev);
        });
    }

    /** The broadcast of an op whose components are already encoded (as {@link #opJson} gives them). */
    public static String op(String room, HistoryOp op, String opJson) {
        return write(g -> {
            start(g, "op", room);
            g.writeNumberField("rev", op.rev());
            g.writeFieldName("op");
            g.writeRawValue(opJson);
            g.writeStringField("clientId", op.clientId());
            g.writeStringField("id", op.id());
        });
    }

    public static String cursor(String room, String clientId, long rev, Selection selection) {
        return write(g -> {
            start(g, "cursor", room);
            g.writeStringField("clientId", clientId);
            g.writeNumberField("rev", rev);
            g.writeArrayFieldStart("ranges");
            for (Selection.Range r : selection.ranges()) {
                g.writeStartArray();
                g.writeNumber(r.anchor());
                g.writeNumber(r.head());
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    public static String left(String room) {
        return write(g -> start(g, "left", room));
    }

    public static String closed(String room) {
        return write(g -> start(g, "closed", room));
    }

    public static String pong(String rawT) {
        return write(g -> {
            g.writeStringField("type", "pong");
            if (rawT != null) {
                g.writeFieldName("t");
                g.writeRawValue(rawT);
            }
        });
    }

    /**
     * The body of every HTTP error, from the API, the WebSocket upgrade and Jetty's own error pages
     * alike: {@code {"error": CODE, "message": TEXT}}, in that order.
     */
    public static String httpError(ErrorCode code, String message) {
        return write(g -> {
            g.writeStringField("error", code.wireName());
            g.writeStringField("message", message);
        });
    }

    public static String error(ErrorCode code, String message, String room, String ref) {
        return write(g -> {
            g.writeStringField("type", "error");
            g.writeStringField("code", code.wireName());
            g.writeStringField("message", message);
            if (room != null) {
                g.writeStringField("room", room);
            }
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }

    /** The ot.js JSON form of an op, as stored in the log. */
    public static String opJson(TextOperation op) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeOp(g, op);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeHistoryOp(JsonGenerator g, HistoryOp op) throws IOException {
        g.writeStartObject();
        g.writeNumberField("rev", op.rev());
        g.writeFieldName("op");
        writeOp(g, op.op());
        g.writeStringField("clientId", op.clientId());
        g.writeStringField("id", op.id());
        g.writeEndObject();
    }

    private static void writeOp(JsonGenerator g, TextOperation op) throws IOException {
        g.writeStartArray();
        for (Object component : op.toComponents()) {
            if (component instanceof String s) {
                g.writeString(s);
            } else {
                g.writeNumber((Integer) component);
            }
        }
        g.writeEndArray();
    }

    private static void writeMember(JsonGenerator g, MemberInfo m) throws IOException {
        g.writeStartObject();
        g.writeStringField("clientId", m.clientId());
        g.writeStringField("name", m.name());
        g.writeStringField("role", m.role().wireName());
        g.writeEndObject();
    }

    /**
     * A string as a JSON value, escaped as every server message escapes it: a room encodes its text
     * once per revision and hands it to every joiner's reply, however many join.
     */
    public static String jsonString(String text) {
        int surrogates = 0;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                surrogates++;
            }
        }
        // Sized once: doubling a buffer of megabytes needs three times the memory for a moment.
        StringWriter out = new StringWriter(text.length() + 5 * surrogates + 64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void start(JsonGenerator g, String type, String room) throws IOException {
        g.writeStringField("type", type);
        g.writeStringField("room", room);
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        return write(128, body);
    }

    private static String write(int size, Body body) {
        StringWriter out = new StringWriter(size);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
