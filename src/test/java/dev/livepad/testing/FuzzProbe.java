package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One frame a fuzz test sends on one of its connections, and the reply the protocol demands for
 * it, worked out when the frame was made. {@code kind} names the family of input, so failures can
 * be grouped.
 */
public record FuzzProbe(Who who, String kind, String frame, Expect expect) {

    /** The fuzz test's long-lived connections. */
    public enum Who {
        /** An editor in the busy room and owner of the quiet room. */
        EDITOR,
        /** A viewer in the busy room. */
        VIEWER,
        /** A connection that never joins anything. */
        STRANGER,
        /** A connection that joins and leaves the busy room under hostile names. */
        JOINER
    }

    /**
     * The demanded reply: its {@code type}, and for errors the {@code code} and, where the frame
     * named them cleanly, {@code room} and {@code ref}. {@code NONE} means no reply at all (the
     * next probe on that connection must get the next reply). {@code check} runs on the reply.
     */
    public record Expect(String type, String code, String room, String ref, Consumer<JsonNode> check) {
        public static final String NONE = "none";

        public static Expect error(String code) {
            return new Expect("error", code, null, null, null);
        }

        public static Expect reply(String type, Consumer<JsonNode> check) {
            return new Expect(type, null, null, null, check);
        }

        public static Expect none() {
            return new Expect(NONE, null, null, null, null);
        }

        public Expect room(String room) {
            return new Expect(type, code, clean(room), ref, check);
        }

        public Expect ref(String ref) {
            return new Expect(type, code, room, clean(ref), check);
        }

        public Expect then(Consumer<JsonNode> more) {
            return new Expect(type, code, room, ref, check == null ? more : check.andThen(more));
        }

        /** Only strings the server can echo exactly are checked (see the lone-surrogate probes). */
        private static String clean(String s) {
            return s == null || HostileStrings.hasLoneSurrogate(s) ? null : s;
        }

        @Override
        public String toString() {
            return "error".equals(type) ? "error " + code : type;
        }
    }

    public FuzzProbe {
        if (expect == null) {
            throw new IllegalArgumentException("a probe must say what it expects");
        }
    }

    /** JSON values equal as the protocol sees them: numbers by value, everything else exactly. */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : a.properties()) {
                if (!sameJson(field.getValue(), b.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
