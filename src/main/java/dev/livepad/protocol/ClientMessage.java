package dev.livepad.protocol;

import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import java.util.Optional;
import java.util.OptionalLong;

/** A decoded message from a client; {@link MessageCodec#decode} is the only way to make one. */
public sealed interface ClientMessage {

    /** The room the message is about, or null for connection-level messages. */
    String room();

    /** What an error reply names as {@code ref}: the op id, or the message type. */
    String ref();

    /** {@code revId}: the id of the op that made revision {@code rev}, as the client saw it (extension). */
    record Join(String room, String token, String name, OptionalLong rev, Optional<String> revId)
            implements ClientMessage {
        public String ref() {
            return "join";
        }
    }

    record Op(String room, long rev, String id, TextOperation op) implements ClientMessage {
        public String ref() {
            return id;
        }
    }

    record Cursor(String room, long rev, Selection selection) implements ClientMessage {
        public String ref() {
            return "cursor";
        }
    }

    record Leave(String room) implements ClientMessage {
        public String ref() {
            return "leave";
        }
    }

    /** {@code t} is echoed back verbatim as raw JSON. */
    record Ping(String rawT) implements ClientMessage {
        public String room() {
            return null;
        }

        public String ref() {
            return "ping";
        }
    }
}
