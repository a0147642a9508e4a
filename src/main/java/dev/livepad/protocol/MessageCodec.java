package dev.livepad.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns client frames into {@link ClientMessage}s, checking every field's presence and type, so
 * that nothing past this class sees malformed input.
 */
public final class MessageCodec {
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_RANGES = 64;

    private final ObjectMapper mapper;
    private final int maxOpComponents;

    /**
     * {@code maxOpComponents} bounds an op after normalization: what transforming, storing and
     * broadcasting it costs grows with its components, not with the bytes of its message.
     */
    public MessageCodec(ObjectMapper mapper, int maxOpComponents) {
        this.mapper = mapper;
        this.maxOpComponents = maxOpComponents;
    }

    public ClientMessage decode(String frame) throws InvalidMessage {
        JsonNode node = parse(frame);
        String room = node.path("room").isTextual() ? node.get("room").asText() : null;
        String ref = node.path("id").isTextual() ? node.get("id").asText() : node.path("type").asText(null);
        try {
            return decode(node, room);
        } catch (ProtocolException e) {
            throw new InvalidMessage(e.code(), e.getMessage(), room, ref);
        }
    }

    /**
     * Reads an op as stored in the log (written by {@link ServerMessages#opJson}), with no frame
     * bound ({@link Json#TRUSTED}), or a room with a large op could never load again.
     */
    public TextOperation decodeStoredOp(String json) {
        try {
            return decodeOp(Json.TRUSTED.readTree(json));
        } catch (JacksonException | ProtocolException e) {
            throw new IllegalStateException("stored op is unreadable: " + e.getMessage(), e);
        }
    }

    private JsonNode parse(String frame) throws InvalidMessage {
        JsonNode node;
        try {
            node = Json.readTree(mapper, frame);
        } catch (JacksonException e) {
            throw new InvalidMessage(ErrorCode.BAD_JSON, "frame is not valid JSON", null, null);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidMessage(ErrorCode.BAD_JSON, "frame must be a JSON object", null, null);
        }
        return node;
    }

    private ClientMessage decode(JsonNode node, String room) {
        String type = requireText(node, "type");
        return switch (type) {
            case "join" -> new ClientMessage.Join(requireRoom(node, room), requireText(node, "token"),
                    optionalName(node), optionalRev(node), optionalRevId(node));
            case "op" -> new ClientMessage.Op(requireRoom(node, room), requireRev(node), requireId(node),
                    boundedOp(node.get("op")));
            case "cursor" -> new ClientMessage.Cursor(requireRoom(node, room), requireRev(node),
                    decodeRanges(node.get("ranges")));
            case "leave" -> new ClientMessage.Leave(requireRoom(node, room));
            case "ping" -> new ClientMessage.Ping(node.has("t") ? raw(node.get("t")) : null);
            default -> throw bad("unknown message type '" + clip(type) + "'");
        };
    }

    private static String requireRoom(JsonNode node, String room) {
        if (room == null) {
            throw bad("'room' must be a string");
        }
        if (!RoomNames.isValid(room)) {
            throw bad("'room' must be 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        return room;
    }

    private static String requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw bad("'" + field + "' must be a string");
        }
        return value.asText();
    }

    /** Whether {@code id} may name an op (an op's id, or a revId): 1 to {@link #MAX_ID_LENGTH} characters. */
    public static boolean isOpId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_LENGTH;
    }

    private static String requireId(JsonNode node) {
        String id = requireText(node, "id");
        if (!isOpId(id)) {
            throw bad("'id' must be 1 to " + MAX_ID_LENGTH + " characters");
        }
        return id;
    }

    /** A join's {@code revId}: absent, or an op id like any other. */
    private static Optional<String> optionalRevId(JsonNode node) {
        JsonNode value = node.get("revId");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !isOpId(value.asText())) {
            throw bad("'revId' must be 1 to " + MAX_ID_LENGTH + " characters");
        }
        return Optional.of(value.asText());
    }

    private static String optionalName(JsonNode node) {
        JsonNode value = node.get("name");
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual() || value.asText().length() > MAX_NAME_LENGTH) {
            throw bad("'name' must be a string of at most " + MAX_NAME_LENGTH + " characters");
        }
        return value.asText();
    }

    private static OptionalLong optionalRev(JsonNode node) {
        JsonNode value = node.get("rev");
        return value == null || value.isNull() ? OptionalLong.empty() : OptionalLong.of(revision(value));
    }

    private static long requireRev(JsonNode node) {
        JsonNode value = node.get("rev");
        if (value == null) {
            throw bad("'rev' is required");
        }
        return revision(value);
    }

    /** A revision; one too large for a long is simply far in the future. */
    private static long revision(JsonNode value) {
        if (!value.isIntegralNumber() || value.bigIntegerValue().signum() < 0) {
            throw bad("'rev' must be a non-negative integer");
        }
        return value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
    }

    private String raw(JsonNode value) {
        if (value.isDouble() && !Double.isFinite(value.doubleValue())) { // beyond a BigDecimal (Json.readTree)
            throw bad("'t' is a number too large to echo");
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JacksonException e) {
            throw bad("'t' cannot be echoed");
        }
    }

    private TextOperation boundedOp(JsonNode value) {
        TextOperation op = decodeOp(value);
        if (op.componentCount() > maxOpComponents) {
            throw new ProtocolException(ErrorCode.BAD_OP, "the op has " + op.componentCount()
                    + " components; at most " + maxOpComponents + " are allowed (split the edit)");
        }
        return op;
    }

    private static TextOperation decodeOp(JsonNode value) {
        if (value == null) {
            throw bad("'op' is required");
        }
        if (!value.isArray()) {
            throw new ProtocolException(ErrorCode.BAD_OP, "'op' must be an array");
        }
        List<Object> components = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (element.isTextual()) {
                components.add(element.asText());
            } else if (element.isIntegralNumber() && element.canConvertToInt()) {
                components.add(element.intValue());
            } else {
                throw new ProtocolException(ErrorCode.BAD_OP,
                        "op components must be integers (retain/delete) or strings (insert)");
            }
        }
        try {
            return TextOperation.fromComponents(components);
        } catch (InvalidOperationException e) {
            throw new ProtocolException(ErrorCode.BAD_OP, e.getMessage());
        }
    }

    private static Selection decodeRanges(JsonNode value) {
        if (value == null || !value.isArray() || value.size() > MAX_RANGES) {
            throw bad("'ranges' must be an array of at most " + MAX_RANGES + " [anchor, head] pairs");
        }
        List<Selection.Range> ranges = new ArrayList<>(value.size());
        for (JsonNode pair : value) {
            if (!pair.isArray() || pair.size() != 2 || !isIndex(pair.get(0)) || !isIndex(pair.get(1))) {
                throw bad("each range must be [anchor, head] with non-negative integers");
            }
            ranges.add(new Selection.Range(pair.get(0).intValue(), pair.get(1).intValue()));
        }
        return new Selection(ranges);
    }

    private static boolean isIndex(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }

    private static String clip(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "…" : text;
    }
}
