package dev.livepad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The client messages tests send most, as docs/protocol.md spells them, and the join most tests begin with. */
public final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Messages() {
    }

    /** Joins {@code room} and returns the {@code joined} reply; fails the test on an error instead. */
    public static JsonNode join(WsClient client, String room, String token) {
        client.send(joinMessage(room, token));
        JsonNode joined = client.next(m -> "joined".equals(m.path("type").asText())
                || "error".equals(m.path("type").asText()));
        assertEquals("joined", joined.get("type").asText(), () -> "join failed: " + joined);
        return joined;
    }

    public static ObjectNode joinMessage(String room, String token) {
        return WsClient.message("join").put("room", room).put("token", token);
    }

    public static ObjectNode opMessage(String room, long rev, String id, ArrayNode op) {
        ObjectNode message = WsClient.message("op").put("room", room).put("rev", rev).put("id", id);
        message.set("op", op);
        return message;
    }

    /**
     * An op message with its components written inline, as docs/protocol.md writes ops: an Integer
     * retains that many characters (a negative one deletes them), a String inserts itself.
     */
    public static ObjectNode op(String room, long rev, String id, Object... components) {
        ArrayNode op = JSON.createArrayNode();
        for (Object part : components) {
            if (part instanceof Integer n) {
                op.add(n);
            } else {
                op.add((String) part);
            }
        }
        return opMessage(room, rev, id, op);
    }
}
