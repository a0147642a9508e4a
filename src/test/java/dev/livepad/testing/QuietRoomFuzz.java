package dev.livepad.testing;

import dev.livepad.ot.TextOperation;
import dev.livepad.testing.FuzzProbe.Expect;
import dev.livepad.testing.FuzzProbe.Who;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cases in a room where the fuzzing editor is the only writer, so the head revision is known
 * exactly: valid ops (acked, and tracked), late ops that the server must transform, ops that
 * split a surrogate pair at the head, the document size limit to the character, and retried ids.
 */
final class QuietRoomFuzz {
    private final HostileFrames f;
    private final String room;
    private final DocTracker doc;
    private final int maxDocChars;
    private final Supplier<String> ids;
    private final Random random = new Random();

    QuietRoomFuzz(HostileFrames f, String room, DocTracker doc, int maxDocChars, Supplier<String> ids) {
        this.f = f;
        this.room = room;
        this.doc = doc;
        this.maxDocChars = maxDocChars;
        this.ids = ids;
        random.setSeed(f.nextInt(Integer.MAX_VALUE));
    }

    List<Supplier<FuzzProbe>> next() {
        return switch (f.nextInt(10)) {
            case 0, 1, 2, 3 -> List.of(this::validOp);
            case 4, 5 -> List.of(this::lateOp);
            case 6 -> List.of(this::splitPair);
            case 7 -> sizeLimit();
            default -> retry();
        };
    }

    private String frame(long rev, String id, String op) {
        return f.object("type", "\"op\"", "room", f.str(room), "rev", Long.toString(rev), "id", f.str(id), "op", op);
    }

    /** An op on the head; its ack must carry the next revision, and the tracker applies it. */
    private FuzzProbe acked(String kind, long rev, String id, TextOperation op) {
        return new FuzzProbe(Who.EDITOR, kindFor(kind, id), frame(rev, id, HostileFrames.toJson(op)), ackedAs(id, op));
    }

    /** An id with a lone surrogate is legal (1 to 128 characters); its ack must still name it exactly. */
    private static String kindFor(String kind, String id) {
        return HostileStrings.hasLoneSurrogate(id) ? "lone-surrogate-id" : kind;
    }

    private Expect ackedAs(String id, TextOperation op) {
        return Expect.reply("ack", m -> {
            doc.apply(m.path("rev").asLong(), op);
            FuzzPlan.expectEqual(room, m.path("room").asText(), "ack.room");
            FuzzPlan.expectEqual(id, m.path("id").asText(), "ack.id");
        });
    }

    private FuzzProbe validOp() {
        return acked("quiet-op", doc.head(), ids.get(), edit(doc.text()));
    }

    /** Made on an older revision: the server transforms it over every op since, as ot.js does. */
    private FuzzProbe lateOp() {
        long head = doc.head();
        long k = head;
        for (long candidate = head - f.nextInt(6); candidate < head; candidate++) {
            if (candidate >= 0 && doc.textAt(candidate) != null) {
                k = candidate;
                break;
            }
        }
        TextOperation op = edit(doc.textAt(k));
        TextOperation transformed = op;
        for (TextOperation other : doc.opsSince(k)) {
            transformed = TextOperation.transform(transformed, other).aPrime();
        }
        String id = ids.get();
        return new FuzzProbe(Who.EDITOR, kindFor("quiet-late-op", id), frame(k, id, HostileFrames.toJson(op)),
                ackedAs(id, transformed));
    }

    private FuzzProbe splitPair() {
        String text = doc.text();
        List<Integer> lows = new ArrayList<>();
        for (int i = 1; i < text.length(); i++) {
            if (Character.isLowSurrogate(text.charAt(i)) && Character.isHighSurrogate(text.charAt(i - 1))) {
                lows.add(i);
            }
        }
        if (lows.isEmpty()) {
            int at = boundary(text, f.nextInt(text.length() + 1));
            return acked("quiet-op", doc.head(), ids.get(),
                    TextOperation.builder().retain(at).insert("😀").retain(text.length() - at).build());
        }
        int p = lows.get(f.nextInt(lows.size()));
        int len = text.length();
        List<Object> op = new ArrayList<>();
        switch (f.nextInt(4)) {
            case 0 -> add(op, p, "x", len - p);
            case 1 -> add(op, p - 1, -1, len - p);
            case 2 -> add(op, p, -1, len - p - 1);
            default -> add(op, p, -(len - p));
        }
        String id = ids.get();
        return new FuzzProbe(Who.EDITOR, "split-surrogate-pair", frame(doc.head(), id, f.toJson(op)),
                Expect.error("bad_op").room(room).ref(id));
    }

    private static void add(List<Object> op, Object... components) {
        for (Object c : components) {
            if (!(c instanceof Integer n) || n != 0) {
                op.add(c);
            }
        }
    }

    /** Fill to exactly the limit (allowed), one more (refused), a no-op (a revision), shrink back. */
    private List<Supplier<FuzzProbe>> sizeLimit() {
        int start = doc.text().length();
        if (start >= maxDocChars - 1) {
            return List.of(this::validOp);
        }
        Function<TextOperation, FuzzProbe> ack = op -> acked("quiet-size-limit", doc.head(), ids.get(), op);
        return List.of(
                () -> ack.apply(TextOperation.builder().retain(start).insert("y".repeat(maxDocChars - start)).build()),
                () -> {
                    String id = ids.get();
                    int at = boundary(doc.text(), f.nextInt(maxDocChars + 1));
                    List<Object> components = new ArrayList<>();
                    add(components, at, "z", maxDocChars - at);
                    String op = f.toJson(components);
                    return new FuzzProbe(Who.EDITOR, "quiet-size-limit", frame(doc.head(), id, op),
                            Expect.error("doc_too_large").room(room).ref(id));
                },
                () -> ack.apply(TextOperation.builder().retain(maxDocChars).build()),
                () -> ack.apply(TextOperation.builder().retain(start).delete(maxDocChars - start).build()));
    }

    /** A retried id is acked with its original revision and not applied again. */
    private List<Supplier<FuzzProbe>> retry() {
        long rev = doc.head();
        String id = ids.get();
        TextOperation op = edit(doc.text());
        String frame = frame(rev, id, HostileFrames.toJson(op));
        List<Supplier<FuzzProbe>> steps = new ArrayList<>();
        steps.add(() -> new FuzzProbe(Who.EDITOR, kindFor("retried-id", id), frame, ackedAs(id, op)));
        if (f.nextInt(2) == 0) {
            steps.add(this::validOp);
        }
        steps.add(() -> new FuzzProbe(Who.EDITOR, kindFor("retried-id", id), frame, Expect.reply("ack", m -> {
            FuzzPlan.expectEqual(rev + 1, m.path("rev").asLong(), "the retried op's original revision");
            FuzzPlan.expectEqual(id, m.path("id").asText(), "ack.id");
        })));
        return steps;
    }

    /** A random edit that keeps the document well under the limit. */
    private TextOperation edit(String text) {
        if (text.length() > 3000) {
            int from = boundary(text, f.nextInt(text.length() - 1000));
            int to = boundary(text, from + 1 + f.nextInt(900));
            return TextOperation.builder().retain(from).delete(to - from).retain(text.length() - to).build();
        }
        return RandomEdits.next(random, text);
    }

    static int boundary(String text, int index) {
        if (index > 0 && index < text.length() && Character.isLowSurrogate(text.charAt(index))
                && Character.isHighSurrogate(text.charAt(index - 1))) {
            return index - 1;
        }
        return index;
    }
}
