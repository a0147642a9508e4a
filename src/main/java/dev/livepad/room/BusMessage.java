package dev.livepad.room;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.ot.Selection;
import dev.livepad.protocol.MemberInfo;
import dev.livepad.protocol.Role;
import dev.livepad.store.StoredOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the instances of a cluster tell each other about a room on its bus channel. Every message
 * names the room's incarnation ({@code room}, its id), so a message about a deleted room never
 * reaches a new room of the same name, and the instance it came from ({@code from}).
 *
 * <p>Ops are published only after PostgreSQL committed them, with everything needed to apply
 * them without asking the store; a lost message is found again in the store, never trusted
 * to arrive. Presence and cursors are not stored: members are repeated every few seconds
 * ({@link Members}) so that a lost join or leave heals, and a dead instance's members expire.
 */
sealed interface BusMessage {
    String roomId();

    String from();

    /** Ops committed by {@code from}, consecutive revisions, oldest first. */
    record Ops(String roomId, String from, List<StoredOp> ops) implements BusMessage {
    }

    /**
     * Every member {@code from} has in the room right now; none when it has no more. Sent on every
     * join and leave and repeated every few seconds: receivers take the differences from what they
     * knew as joins and leaves, so one message kind serves both, and a lost one heals.
     */
    record Members(String roomId, String from, List<MemberInfo> members) implements BusMessage {
    }

    record Cursor(String roomId, String from, String clientId, long rev, Selection selection)
            implements BusMessage {
    }

    /** The room was deleted: members everywhere receive {@code closed}. */
    record Closed(String roomId, String from) implements BusMessage {
    }

    /** Tokens of older generations were revoked. */
    record Revoked(String roomId, String from, long generation) implements BusMessage {
    }

    static String encode(ObjectMapper json, BusMessage message) {
        ObjectNode node = json.createObjectNode();
        node.put("room", message.roomId());
        node.put("from", message.from());
        if (message instanceof Ops m) {
            node.put("t", "ops");
            ArrayNode ops = node.putArray("ops");
            for (StoredOp op : m.ops()) {
                ObjectNode o = ops.addObject();
                o.put("rev", op.rev());
                o.put("op", op.opJson()); // as stored, a JSON text: decoded once, where applied
                o.put("clientId", op.clientId());
                o.put("id", op.opId());
                o.put("time", op.timeMillis());
                o.put("fp", op.fingerprint());
            }
        } else if (message instanceof Members m) {
            node.put("t", "members");
            ArrayNode members = node.putArray("members");
            m.members().forEach(info -> member(members.addObject(), info));
        } else if (message instanceof Cursor m) {
            node.put("t", "cursor");
            node.put("clientId", m.clientId());
            node.put("rev", m.rev());
            ArrayNode ranges = node.putArray("ranges");
            m.selection().ranges().forEach(r -> ranges.addArray().add(r.anchor()).add(r.head()));
        } else if (message instanceof Closed) {
            node.put("t", "closed");
        } else if (message instanceof Revoked m) {
            node.put("t", "revoked");
            node.put("gen", m.generation());
        }
        return node.toString();
    }

    /** The message, or empty when it is not one this version understands (a newer instance's). */
    static Optional<BusMessage> decode(ObjectMapper json, String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        String roomId = node.path("room").asText(null);
        String from = node.path("from").asText(null);
        if (roomId == null || from == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (node.path("t").asText("")) {
            case "ops" -> {
                List<StoredOp> ops = new ArrayList<>();
                for (JsonNode o : node.path("ops")) {
                    ops.add(new StoredOp(o.path("rev").asLong(), o.path("op").asText(), o.path("id").asText(),
                            o.path("clientId").asText(), o.path("time").asLong(), o.path("fp").asLong()));
                }
                yield new Ops(roomId, from, ops);
            }
            case "members" -> {
                List<MemberInfo> members = new ArrayList<>();
                for (JsonNode m : node.path("members")) {
                    member(m).ifPresent(members::add);
                }
                yield new Members(roomId, from, members);
            }
            case "cursor" -> {
                List<Selection.Range> ranges = new ArrayList<>();
                for (JsonNode r : node.path("ranges")) {
                    ranges.add(new Selection.Range(r.path(0).asInt(), r.path(1).asInt()));
                }
                yield new Cursor(roomId, from, node.path("clientId").asText(), node.path("rev").asLong(),
                        new Selection(ranges));
            }
            case "closed" -> new Closed(roomId, from);
            case "revoked" -> new Revoked(roomId, from, node.path("gen").asLong());
            default -> null;
        });
    }

    private static void member(ObjectNode node, MemberInfo info) {
        node.put("clientId", info.clientId());
        if (info.name() != null) {
            node.put("name", info.name());
        }
        node.put("role", info.role().wireName());
    }

    private static Optional<MemberInfo> member(JsonNode node) {
        String clientId = node.path("clientId").asText(null);
        Optional<Role> role = Role.fromWire(node.path("role").asText(""));
        if (clientId == null || role.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MemberInfo(clientId, node.path("name").asText(null), role.get()));
    }
}
