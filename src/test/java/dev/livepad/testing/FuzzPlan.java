package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.FuzzProbe.Expect;
import dev.livepad.testing.FuzzProbe.Who;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Chooses the fuzz test's next case and works out, from the frame it made and what the editor
 * connection knows of each document, the one reply the protocol allows (docs/protocol.md where the
 * contract leaves a choice). Each case is a short list of probes, built one at a time, so a later
 * probe can use what an earlier reply changed. Frame families that need no room live in
 * {@link StatelessFuzz}; the room-bound ones are here.
 */
public final class FuzzPlan {
    /** The rooms: the busy one the typists write in, the editor's own quiet one, and an untouched one. */
    public record Rooms(String busy, String quiet, String bystander) {
    }

    /** Good tokens the probes build on, and forged ones for the busy room. */
    public record Tokens(String busyEditor, String busyViewer, String quietOwner, String bystanderViewer,
                         List<ForgedTokens.Forged> forged) {
    }

    /** What the runner checks on the fuzz test's behalf when a probe's reply arrives. */
    public interface Observer {
        /** The viewer saw the joiner {@code event} ("join"/"leave") under exactly this {@code name}. */
        void presenceSeen(String event, String clientId, String name);

        /** A {@code joined} reply for the busy room, kept to compare with the room's log at the end. */
        void joinedBusy(JsonNode joined, Long resumedFrom);
    }

    private final Random random;
    private final HostileFrames f;
    private final StatelessFuzz stateless;
    private final QuietRoomFuzz quiet;
    private final Rooms rooms;
    private final Tokens tokens;
    private final int maxDocChars;
    private final DocTracker busy;
    private final Observer observer;
    private final String idPrefix;
    private long ids;
    private String joinerId;
    private boolean joinerInRoom;

    public FuzzPlan(String idPrefix, Random random, Rooms rooms, Tokens tokens, int maxDocChars, int maxFrameBytes,
                    DocTracker busy, DocTracker quietDoc, Observer observer) {
        this.idPrefix = idPrefix;
        this.random = random;
        this.f = new HostileFrames(random);
        this.rooms = rooms;
        this.tokens = tokens;
        this.maxDocChars = maxDocChars;
        this.busy = busy;
        this.observer = observer;
        this.stateless = new StatelessFuzz(f, maxFrameBytes);
        this.quiet = new QuietRoomFuzz(f, rooms.quiet(), quietDoc, maxDocChars, this::nextId);
    }

    /** The next case: one to four probes, each built when its turn comes. */
    public List<Supplier<FuzzProbe>> next() {
        int roll = random.nextInt(100);
        Who anyone = Who.values()[random.nextInt(Who.values().length)];
        if (roll < 22) {
            return one(stateless.next(anyone));
        } else if (roll < 45) {
            return one(busyOp());
        } else if (roll < 50) {
            return busyCursor(random.nextBoolean() ? Who.EDITOR : Who.VIEWER);
        } else if (roll < 55) {
            return one(notJoined(random.nextBoolean() ? Who.STRANGER : Who.EDITOR));
        } else if (roll < 63) {
            return one(badJoin());
        } else if (roll < 71) {
            return one(viewerOp());
        } else if (roll < 83) {
            return joinerCycle();
        } else if (roll < 95) {
            return quiet.next();
        } else if (roll < 99) {
            return one(rejoinOrHugeToken());
        }
        return leaveAndResume();
    }

    /** Probes that send many frames at once without waiting; every one names a unique ref. */
    public FuzzProbe pipelined(Who who) {
        if (who == Who.VIEWER) {
            return viewerOp();
        } else if (who == Who.STRANGER) {
            return notJoinedOp(Who.STRANGER);
        }
        return switch (random.nextInt(4)) {
            case 0 -> wrongLength();
            case 1 -> futureRev();
            case 2 -> tooLarge();
            default -> opWithBadComponent();
        };
    }

    private static List<Supplier<FuzzProbe>> one(FuzzProbe probe) {
        return List.of(() -> probe);
    }

    String nextId() {
        String[] suffixes = {"", "", "", "-😀", " with space", "\u0000", "<script>", "'--", "é", "\ud800", "\\\"",
            "-" + "i".repeat(100)};
        return idPrefix + (++ids) + suffixes[random.nextInt(suffixes.length)];
    }

    // ---- ops in the busy room, from the editor

    private FuzzProbe busyOp() {
        return switch (random.nextInt(9)) {
            case 0, 1 -> wrongLength();
            case 2 -> loneSurrogateInsert();
            case 3 -> futureRev();
            case 4 -> tooLarge();
            case 5 -> opWithBadComponent();
            case 6 -> opWithBadRev();
            default -> opWithBadField();
        };
    }

    private String opFrame(String room, String rev, String id, String op) {
        return f.object("type", "\"op\"", "room", room, "rev", rev, "id", id, "op", op);
    }

    private FuzzProbe busyOpProbe(Who who, String kind, String rev, String id, String op, Expect expect) {
        return new FuzzProbe(who, kind, opFrame(f.str(rooms.busy()), rev, f.str(id), op),
                expect.room(rooms.busy()).ref(id));
    }

    private long recentRev() {
        long head = busy.head();
        return Math.max(0, head - random.nextInt(60));
    }

    private FuzzProbe wrongLength() {
        long k = recentRev();
        return busyOpProbe(Who.EDITOR, "op-of-wrong-length", Long.toString(k), nextId(),
                f.opOfWrongLength(busy.lengthAt(k)), Expect.error("bad_op"));
    }

    private FuzzProbe loneSurrogateInsert() {
        long k = recentRev();
        int length = busy.lengthAt(k);
        String lone = f.pick(HostileStrings.LONE_SURROGATES);
        int at = random.nextInt(length + 1);
        List<Object> op = new ArrayList<>();
        if (at > 0) {
            op.add(at);
        }
        op.add(lone);
        if (length - at > 0) {
            op.add(length - at);
        }
        return busyOpProbe(Who.EDITOR, "lone-surrogate-insert", Long.toString(k), nextId(), f.toJson(op),
                Expect.error("bad_op"));
    }

    private FuzzProbe futureRev() {
        String rev = random.nextInt(4) == 0 ? Long.toString(Long.MAX_VALUE)
                : Long.toString(busy.head() + 1_000_000_000L + random.nextInt(1000));
        return busyOpProbe(Who.EDITOR, "future-rev", rev, nextId(), f.op(random.nextInt(200)), Expect.error("bad_rev"));
    }

    private FuzzProbe tooLarge() {
        long k = recentRev();
        List<Object> op = f.components(busy.lengthAt(k));
        op.add(random.nextInt(op.size() + 1), "x".repeat(maxDocChars + 1 + random.nextInt(500)));
        return busyOpProbe(Who.EDITOR, "doc-too-large", Long.toString(k), nextId(), f.toJson(op),
                Expect.error("doc_too_large"));
    }

    private FuzzProbe opWithBadComponent() {
        long k = busy.head();
        List<String> parts = new ArrayList<>();
        for (Object c : f.components(busy.lengthAt(k))) {
            parts.add(c instanceof String s ? f.str(s) : c.toString());
        }
        String kind = "bad-op-component";
        String bad;
        int roll = random.nextInt(10);
        if (roll == 0) {
            bad = f.pick(HostileStrings.LONG_NUMBERS);
            kind = "long-number";
        } else if (roll < 4) {
            bad = f.pick(HostileStrings.NON_INTEGERS);
        } else {
            bad = f.pick(List.of("0", "-0", "true", "false", "null", "[1]", "[]", "{}", "\"\"", "2147483648",
                    "-2147483648", "9223372036854775808", "-9223372036854775809", "123456789012345678901234",
                    "{\"insert\":\"x\"}"));
        }
        parts.add(random.nextInt(parts.size() + 1), bad);
        return busyOpProbe(Who.EDITOR, kind, Long.toString(k), nextId(), "[" + String.join(",", parts) + "]",
                Expect.error("bad_op"));
    }

    private FuzzProbe opWithBadRev() {
        String id = nextId();
        String op = f.op(busy.lengthAt(busy.head()));
        int roll = random.nextInt(10);
        if (roll < 2) {
            // a well-typed integer past the head is a revision in the future, however many digits it has
            String rev = f.pick(List.of("9223372036854775808", "99999999999999999999", "1" + "0".repeat(30)));
            return busyOpProbe(Who.EDITOR, "rev-beyond-63-bits", rev, id, op, Expect.error("bad_rev"));
        } else if (roll < 3) {
            String rev = f.pick(List.of("-" + "9".repeat(40), "0." + "0".repeat(30) + "1", "1." + "0".repeat(30)));
            return busyOpProbe(Who.EDITOR, "long-number", rev, id, op, Expect.error("bad_request"));
        }
        String rev = f.pick(List.of("-1", "-9223372036854775808", "1.0", "0.5", "1e0", "1E3", "-0.0", "\"0\"", "\"\"",
                "true", "null", "[0]", "{}", "\"" + busy.head() + "\""));
        return busyOpProbe(Who.EDITOR, "mistyped-rev", rev, id, op, Expect.error("bad_request"));
    }

    private FuzzProbe opWithBadField() {
        long k = busy.head();
        String room = f.str(rooms.busy());
        String rev = Long.toString(k);
        String id = nextId();
        String idJson = f.str(id);
        String op = f.op(busy.lengthAt(k));
        String code = "bad_request";
        String echoRoom = rooms.busy();
        String echoRef = id;
        switch (random.nextInt(9)) {
            case 0 -> {
                room = random.nextBoolean() ? null : f.pick(List.of("5", "null", "[]", "{}", "true"));
                echoRoom = null;
            }
            case 1 -> {
                echoRoom = f.pick(HostileStrings.INVALID_ROOMS);
                room = f.str(echoRoom);
            }
            case 2 -> rev = null;
            case 3 -> {
                idJson = random.nextBoolean() ? null : f.pick(List.of("5", "null", "[]", "{}", "true"));
                echoRef = "op";
            }
            case 4 -> {
                echoRef = random.nextBoolean() ? "" : "i".repeat(129 + random.nextInt(2000));
                idJson = f.str(echoRef);
            }
            case 5 -> op = null;
            case 6, 7 -> {
                op = f.pick(List.of("\"x\"", "5", "{}", "null", "true", "\"[1]\"", "{\"ops\":[1]}"));
                code = "bad_op";
            }
            default -> {
                op = "[" + op.substring(1, op.length() - 1) + (op.length() > 2 ? "," : "")
                        + f.str(f.pick(HostileStrings.LONE_SURROGATES)) + "]";
                code = "bad_op";
            }
        }
        Expect expect = Expect.error(code).room(echoRoom).ref(echoRef);
        return new FuzzProbe(Who.EDITOR, "op-field-" + code, opFrame(room, rev, idJson, op), expect);
    }

    // ---- cursors, rooms not joined, joins

    private List<Supplier<FuzzProbe>> busyCursor(Who who) {
        long k = recentRev();
        int length = busy.lengthAt(k);
        String ranges;
        String rev = Long.toString(k);
        String code = "bad_request";
        String kind = "cursor-bad-ranges";
        switch (random.nextInt(8)) {
            case 0 -> ranges = f.pick(List.of("null", "{}", "\"x\"", "[0,0]", "[[0]]", "[[0,0,0]]", "[[-1,0]]",
                    "[[0,1.5]]", "[[0,\"1\"]]", "[[0,1e0]]", "[[0,99999999999]]", "[[null,0]]", "[[[0],0]]"));
            case 1 -> ranges = "[" + "[0,0],".repeat(64) + "[0,0]]";
            case 2 -> {
                ranges = "[[" + (length + 1 + random.nextInt(100)) + ",0]]";
                kind = "cursor-beyond-doc";
            }
            case 3 -> {
                ranges = "[[0," + f.pick(HostileStrings.LONG_NUMBERS) + "]]";
                kind = "long-number";
            }
            case 4 -> {
                ranges = "[[0,0]]";
                rev = Long.toString(busy.head() + 1_000_000_000L);
                code = "bad_rev";
                kind = "cursor-future-rev";
            }
            case 5 -> {
                ranges = "[[0,0]]";
                rev = f.pick(List.of("-1", "1.5", "\"1\"", "null"));
                kind = "cursor-mistyped-rev";
            }
            default -> {
                return validCursorThenSentinel(who, k, length);
            }
        }
        String frame = f.object("type", "\"cursor\"", "room", f.str(rooms.busy()), "rev", rev, "ranges", ranges);
        return one(new FuzzProbe(who, kind, frame, Expect.error(code).room(rooms.busy()).ref("cursor")));
    }

    /** A good cursor has no reply; the error for the frame after it proves nothing came in between. */
    private List<Supplier<FuzzProbe>> validCursorThenSentinel(Who who, long k, int length) {
        StringBuilder ranges = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            ranges.append(i > 0 ? "," : "").append('[').append(random.nextInt(length + 1)).append(',')
                    .append(random.nextInt(length + 1)).append(']');
        }
        String frame = f.object("type", "\"cursor\"", "room", f.str(rooms.busy()), "rev", Long.toString(k),
                "ranges", ranges.append(']').toString());
        FuzzProbe cursor = new FuzzProbe(who, "valid-cursor", frame, Expect.none());
        FuzzProbe sentinel = who == Who.VIEWER ? viewerOp() : futureRev();
        return List.of(() -> cursor, () -> sentinel);
    }

    private FuzzProbe notJoined(Who who) {
        return random.nextInt(3) == 0 ? notJoinedOp(who) : notJoinedOther(who);
    }

    private String strangeValidRoom() {
        return random.nextBoolean() ? rooms.bystander() : f.pick(HostileStrings.ODD_VALID_ROOMS);
    }

    private FuzzProbe notJoinedOp(Who who) {
        String room = who == Who.STRANGER && random.nextBoolean() ? rooms.busy() : strangeValidRoom();
        String id = nextId();
        String frame = opFrame(f.str(room), Integer.toString(random.nextInt(5)), f.str(id), f.op(random.nextInt(30)));
        return new FuzzProbe(who, "not-joined", frame, Expect.error("not_joined").room(room).ref(id));
    }

    private FuzzProbe notJoinedOther(Who who) {
        String room = who == Who.STRANGER && random.nextBoolean() ? rooms.quiet() : strangeValidRoom();
        boolean cursor = random.nextBoolean();
        String frame = cursor
                ? f.object("type", "\"cursor\"", "room", f.str(room), "rev", "0", "ranges", "[[0,0]]")
                : f.object("type", "\"leave\"", "room", f.str(room));
        return new FuzzProbe(who, "not-joined", frame,
                Expect.error("not_joined").room(room).ref(cursor ? "cursor" : "leave"));
    }

    private String joinFrame(String room, String token, String name, String rev) {
        return f.object("type", "\"join\"", "room", room, "token", token, "name", name, "rev", rev);
    }

    /** Joins the stranger must be refused, one defect each. */
    private FuzzProbe badJoin() {
        String room = rooms.busy();
        String token = tokens.busyEditor();
        String code;
        String kind;
        switch (random.nextInt(8)) {
            case 0, 1, 2 -> {
                ForgedTokens.Forged forged = f.pick(tokens.forged());
                token = forged.token();
                code = forged.code();
                kind = "forged-token";
            }
            case 3 -> {
                room = strangeValidRoom();
                code = "wrong_room";
                kind = "wrong-room";
            }
            case 4 -> {
                token = tokens.bystanderViewer();
                code = "wrong_room";
                kind = "wrong-room";
            }
            case 5 -> {
                room = f.pick(HostileStrings.ODD_VALID_ROOMS);
                token = ForgedTokens.forMissingRoom(room);
                code = "no_such_room";
                kind = "no-such-room";
            }
            case 6 -> {
                room = f.pick(HostileStrings.INVALID_ROOMS);
                code = "bad_request";
                kind = "join-invalid-room";
            }
            default -> {
                String frame = f.object("type", "\"join\"", "room", f.str(room), "token",
                        f.pick(List.of("5", "null", "[]", "{}", "true")));
                return new FuzzProbe(Who.STRANGER, "join-mistyped-token", frame,
                        Expect.error("bad_request").room(room).ref("join"));
            }
        }
        return new FuzzProbe(Who.STRANGER, kind, joinFrame(f.str(room), f.str(token), null, null),
                Expect.error(code).room(room).ref("join"));
    }

    private FuzzProbe viewerOp() {
        String id = nextId();
        long rev = random.nextInt(5) == 0 ? Long.MAX_VALUE : busy.head() + random.nextInt(3) - 1;
        if (random.nextInt(6) == 0) {
            // malformed ops are refused as malformed before the role is looked at
            String op = "[" + f.pick(HostileStrings.NON_INTEGERS) + "]";
            return busyOpProbe(Who.VIEWER, "viewer-malformed-op", Long.toString(Math.max(0, rev)), id, op,
                    Expect.error("bad_op"));
        }
        return busyOpProbe(Who.VIEWER, "viewer-op", Long.toString(Math.max(0, rev)), id, f.op(random.nextInt(100)),
                Expect.error("forbidden"));
    }

    private FuzzProbe rejoinOrHugeToken() {
        if (random.nextBoolean()) {
            boolean quietRoom = random.nextBoolean();
            String room = quietRoom ? rooms.quiet() : rooms.busy();
            String token = quietRoom ? tokens.quietOwner() : tokens.busyEditor();
            return new FuzzProbe(Who.EDITOR, "join-twice", joinFrame(f.str(room), f.str(token), null, null),
                    Expect.error("bad_request").room(room).ref("join"));
        }
        String token = "eyJ" + "A".repeat(20_000 + random.nextInt(20_000));
        return new FuzzProbe(Who.STRANGER, "huge-token", joinFrame(f.str(rooms.busy()), f.str(token), null, null),
                Expect.error("invalid_token").room(rooms.busy()).ref("join"));
    }

    // ---- the joiner: join under a hostile name, check what the others see, leave

    private List<Supplier<FuzzProbe>> joinerCycle() {
        int roll = random.nextInt(20);
        if (roll < 3) {
            return one(joinerRefused());
        }
        String name;
        String kind = "hostile-name";
        if (roll == 3) {
            name = f.pick(HostileStrings.LONE_SURROGATES);
            kind = "lone-surrogate-name";
        } else {
            name = f.pick(HostileStrings.NAMES);
        }
        String rev = null;
        Long resumeFrom = null;
        boolean reset = false;
        int revRoll = random.nextInt(10);
        if (revRoll < 3) {
            resumeFrom = Math.max(0, busy.head() - random.nextInt(30));
            rev = Long.toString(resumeFrom);
        } else if (revRoll == 3) {
            rev = Long.toString(random.nextBoolean() ? Long.MAX_VALUE : busy.head() + 1_000_000);
            reset = true;
        } else if (revRoll == 4) {
            rev = f.pick(List.of("9223372036854775808", "1" + "0".repeat(30)));
            reset = true;
            kind = "rev-beyond-63-bits";
        } else if (revRoll == 5) {
            rev = "null";
        }
        String frame = joinFrame(f.str(rooms.busy()), f.str(tokens.busyEditor()), f.str(name), rev);
        Long from = resumeFrom;
        boolean expectReset = reset;
        FuzzProbe join = new FuzzProbe(Who.JOINER, kind, frame,
                Expect.reply("joined", m -> checkJoined(m, name, from, expectReset)));
        String leave = f.object("type", "\"leave\"", "room", f.str(rooms.busy()));
        String leaveKind = kind;
        return List.of(() -> {
            joinerInRoom = false;
            return join;
        }, () -> joinerInRoom
                ? new FuzzProbe(Who.JOINER, leaveKind, leave,
                        Expect.reply("left", m -> observer.presenceSeen("leave", joinerId, name)))
                : new FuzzProbe(Who.JOINER, leaveKind + " (leave after a refused join)", leave,
                        Expect.error("not_joined").room(rooms.busy()).ref("leave")));
    }

    private void checkJoined(JsonNode m, String name, Long resumeFrom, boolean reset) {
        joinerInRoom = true;
        expectEqual(rooms.busy(), m.path("room").asText(), "joined.room");
        expectEqual("editor", m.path("role").asText(), "joined.role");
        String id = m.path("clientId").asText();
        if (joinerId != null) {
            expectEqual(joinerId, id, "joined.clientId (one per connection)");
        }
        joinerId = id;
        if (resumeFrom != null) {
            if (m.has("text") || !m.path("ops").isArray()) {
                throw new AssertionError("resuming from " + resumeFrom + " must give ops, not text: " + m);
            }
        } else if (!m.path("text").isTextual() || m.has("ops") || m.path("reset").asBoolean() != reset) {
            throw new AssertionError("expected the whole text" + (reset ? " with reset:true" : "") + ": "
                    + FrameClient.clip(m.toString()));
        }
        observer.joinedBusy(m, resumeFrom);
        observer.presenceSeen("join", id, name);
    }

    private FuzzProbe joinerRefused() {
        String name = null;
        String rev = null;
        String kind = "join-bad-field";
        switch (random.nextInt(3)) {
            case 0 -> {
                name = f.str(f.pick(HostileStrings.LONG_NAMES));
                kind = "name-too-long";
            }
            case 1 -> name = f.pick(List.of("5", "true", "{}", "[\"a\"]", "1.5"));
            default -> rev = f.pick(List.of("-1", "1.5", "\"3\"", "true", "{}", "[1]", "1e2"));
        }
        return new FuzzProbe(Who.JOINER, kind, joinFrame(f.str(rooms.busy()), f.str(tokens.busyEditor()), name, rev),
                Expect.error("bad_request").room(rooms.busy()).ref("join"));
    }

    // ---- the editor leaves the busy room and resumes where it was

    private List<Supplier<FuzzProbe>> leaveAndResume() {
        FuzzProbe leave = new FuzzProbe(Who.EDITOR, "leave-and-resume",
                f.object("type", "\"leave\"", "room", f.str(rooms.busy())), Expect.reply("left", null));
        return List.of(() -> leave, () -> {
            long from = busy.head();
            String frame = joinFrame(f.str(rooms.busy()), f.str(tokens.busyEditor()), null, Long.toString(from));
            return new FuzzProbe(Who.EDITOR, "leave-and-resume", frame, Expect.reply("joined", m -> {
                if (m.has("text") || m.path("reset").asBoolean()) {
                    throw new AssertionError(
                            "the editor could not resume from " + from + ": " + FrameClient.clip(m.toString()));
                }
                for (JsonNode op : m.get("ops")) {
                    busy.applyMessage(op);
                }
                expectEqual(busy.head(), m.get("rev").asLong(), "joined.rev after the resumed ops");
            }));
        });
    }

    static void expectEqual(Object expected, Object actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual);
        }
    }
}
