package dev.livepad.testing;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.FuzzProbe.Expect;
import dev.livepad.testing.FuzzProbe.Who;
import java.util.List;

/**
 * Frames whose reply does not depend on any room's state: text that is not JSON or not an object,
 * trailing content, nesting, duplicate keys, bad {@code type}s, pings with strange {@code t}s, and
 * fields as large as a frame may be.
 */
final class StatelessFuzz {
    private static final String SOMEWHERE = "somewhere";
    private static final List<String> UNKNOWN_TYPES = List.of("PING", "Ping", "ping ", " ping", "", "pong",
            "joined", "error", "ack", "closed", "presence", "op\u0000", "😀", "<script>", "../join", "join\n",
            "toString", "__proto__", "constructor", "hasOwnProperty", "null", "undefined", "JOIN", "opp", "leave2",
            "'; DROP TABLE rooms; --", "\u202ejoin");

    private final HostileFrames f;
    private final int maxFrameBytes;

    StatelessFuzz(HostileFrames f, int maxFrameBytes) {
        this.f = f;
        this.maxFrameBytes = maxFrameBytes;
    }

    FuzzProbe next(Who who) {
        return switch (f.nextInt(11)) {
            case 0 -> new FuzzProbe(who, "not-json", f.pick(HostileStrings.NOT_JSON), Expect.error("bad_json"));
            case 1 -> new FuzzProbe(who, "not-an-object", f.pick(HostileStrings.NOT_OBJECTS), Expect.error("bad_json"));
            case 2 -> new FuzzProbe(who, "trailing-content", f.pick(HostileStrings.TRAILING), Expect.error("bad_json"));
            case 3 -> truncated(who);
            case 4 -> nesting(who);
            case 5 -> duplicateKey(who);
            case 6 -> badType(who);
            case 7, 8 -> ping(who);
            default -> huge(who);
        };
    }

    private FuzzProbe truncated(Who who) {
        String whole = f.object("type", "\"op\"", "room", f.str(SOMEWHERE), "rev", "3", "id", f.str("t-1"),
                "op", f.op(f.nextInt(20)));
        int cut = 1 + f.nextInt(whole.length() - 1);
        if (Character.isLowSurrogate(whole.charAt(cut))) {
            cut--; // never send half an emoji: the frame must stay valid UTF-8
        }
        return new FuzzProbe(who, "truncated", whole.substring(0, cut), Expect.error("bad_json"));
    }

    /** The codec allows 16 levels, counting the frame's own object as one. */
    private FuzzProbe nesting(Who who) {
        int depth = f.nextInt(3) == 0 ? 15 - f.nextInt(15) : 16 + f.nextInt(50);
        String deep = HostileStrings.nest(new java.util.Random(f.nextInt(1000)), depth, "1");
        if (depth <= 15) {
            return pingWith(who, "shallow-nesting", deep);
        }
        String frame = switch (f.nextInt(4)) {
            case 0 -> f.object("type", "\"ping\"", "t", deep);
            case 1 -> f.object("type", "\"ping\"", "x", deep);
            case 2 -> f.object("type", "\"op\"", "room", f.str(SOMEWHERE), "rev", "0", "id", "\"n\"", "op", deep);
            default -> HostileStrings.nest(new java.util.Random(depth), depth, "{\"type\":\"ping\"}");
        };
        return new FuzzProbe(who, "deep-nesting", frame, Expect.error("bad_json"));
    }

    /** Not listed in docs/protocol.md; the codec refuses duplicates as malformed JSON. */
    private FuzzProbe duplicateKey(Who who) {
        String frame = switch (f.nextInt(5)) {
            case 0 -> f.withDuplicate("type", "\"ping\"", "t", "1");
            case 1 -> f.withDuplicate("t", "1", "type", "\"ping\"");
            case 2 -> f.object("type", "\"ping\"", "t", "{\"a\":1,\"b\":[{\"c\":1,\"c\":2}]}");
            case 3 ->
                f.withDuplicate("rev", "0", "type", "\"op\"", "room", f.str(SOMEWHERE), "id", "\"d\"", "op", "[1]");
            default -> f.withDuplicate("token", "\"a\"", "type", "\"join\"", "room", f.str(SOMEWHERE));
        };
        return new FuzzProbe(who, "duplicate-key", frame, Expect.error("bad_json"));
    }

    private FuzzProbe badType(Who who) {
        if (f.nextInt(3) == 0) {
            String type = f.pick(List.of("5", "null", "[]", "{}", "true", "1.5", "[\"ping\"]", "{\"type\":\"ping\"}"));
            String frame = f.nextInt(4) == 0 ? f.object("room", f.str(SOMEWHERE), "t", "1")
                    : f.object("type", type, "t", "1");
            return new FuzzProbe(who, "mistyped-type", frame, Expect.error("bad_request"));
        }
        String type = f.nextInt(3) == 0 ? f.pick(HostileStrings.NAMES) : f.pick(UNKNOWN_TYPES);
        return new FuzzProbe(who, "unknown-type", f.object("type", f.str(type), "room", f.str(SOMEWHERE)),
                Expect.error("bad_request").room(SOMEWHERE).ref(type));
    }

    /** {@code t} may be any JSON value and is echoed as sent (docs/protocol.md). */
    private FuzzProbe ping(Who who) {
        int roll = f.nextInt(20);
        if (roll == 0) {
            return pingWith(who, "long-number", f.pick(HostileStrings.LONG_NUMBERS));
        } else if (roll == 1) {
            return pingWith(who, "ping-lone-surrogate", f.str(f.pick(HostileStrings.LONE_SURROGATES)));
        } else if (roll == 2) {
            return pingWith(who, "ping-number-echo", f.pick(List.of("1e400", "-1e400", "1e-400",
                    "0.12345678901234567890", "3.141592653589793238462", "4.9e-325")));
        } else if (roll == 3) {
            return new FuzzProbe(who, "ping-without-t", f.object("type", "\"ping\""),
                    Expect.reply("pong", m -> {
                        if (m.has("t")) {
                            throw new AssertionError("a ping without t must get a pong without t: " + m);
                        }
                    }));
        }
        String t = switch (f.nextInt(8)) {
            case 0 -> Long.toString(f.nextInt(Integer.MAX_VALUE) * (long) (f.nextInt(3) - 1));
            case 1 ->
                f.pick(List.of(
                        "9007199254740993",
                        "-9223372036854775808",
                        "18446744073709551616",
                        "123456789012345678901234",
                        "0",
                        "-0"));
            case 2 -> f.pick(HostileStrings.NON_INTEGERS.subList(0, 7));
            case 3 -> f.str(f.pick(HostileStrings.NAMES));
            case 4 ->
                f.str(f.pick(HostileStrings.INVALID_ROOMS.stream()
                        .filter(s -> !HostileStrings.hasLoneSurrogate(s))
                        .toList()));
            case 5 -> f.pick(List.of("true", "false", "null", "[]", "{}", "{\"a\":[1,{\"b\":null}],\"\":\"\"}"));
            case 6 -> f.object("type", "\"join\"", "room", "\"x\"", "token", "\"t\"");
            default -> "[" + f.op(f.nextInt(30)) + "," + f.str("é😀\u0000") + "]";
        };
        return pingWith(who, "ping-echo", t);
    }

    private FuzzProbe pingWith(Who who, String kind, String t) {
        JsonNode sent;
        try {
            sent = FrameClient.EXACT.readTree(t);
        } catch (JacksonException e) {
            throw new IllegalStateException("the fuzzer made a bad t: " + t, e);
        }
        return new FuzzProbe(who, kind, f.object("type", "\"ping\"", "t", t), Expect.reply("pong", m -> {
            if (!FuzzProbe.sameJson(sent, m.get("t"))) {
                throw new AssertionError("pong must echo t " + FrameClient.clip(t) + " but echoed "
                        + FrameClient.clip(String.valueOf(m.get("t"))));
            }
        }));
    }

    /** Fields as large as the frame limit allows, each with the one reply it must get. */
    private FuzzProbe huge(Who who) {
        int size = maxFrameBytes - 300 - f.nextInt(maxFrameBytes / 2);
        String bulk = f.bulk(size);
        return switch (f.nextInt(6)) {
            case 0 ->
                new FuzzProbe(
                        who,
                        "huge-type",
                        f.object("type", "\"" + bulk + "\""),
                        Expect.error("bad_request").ref(bulk));
            case 1 ->
                new FuzzProbe(
                        who,
                        "huge-unknown-field",
                        f.object("type", "\"ping\"", "t", "1", "pad", "\"" + bulk + "\""),
                        Expect.reply("pong", null));
            case 2 -> pingWith(who, "huge-t", "\"" + bulk + "\"");
            case 3 ->
                new FuzzProbe(
                        who,
                        "huge-room",
                        f.object("type", "\"leave\"", "room", "\"" + bulk + "\""),
                        Expect.error("bad_request").room(bulk).ref("leave"));
            case 4 ->
                new FuzzProbe(
                        who,
                        "huge-name",
                        f.object(
                                "type",
                                "\"join\"",
                                "room",
                                f.str(SOMEWHERE),
                                "token",
                                "\"t\"",
                                "name",
                                "\"" + bulk + "\""),
                        Expect.error("bad_request").room(SOMEWHERE).ref("join"));
            default ->
                new FuzzProbe(
                        who,
                        "huge-id",
                        f.object(
                                "type",
                                "\"op\"",
                                "room",
                                f.str(SOMEWHERE),
                                "rev",
                                "0",
                                "id",
                                "\"" + bulk + "\"",
                                "op",
                                "[1]"),
                        Expect.error("bad_request").room(SOMEWHERE).ref(bulk));
        };
    }
}
