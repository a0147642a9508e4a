package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room's document as one member sees it: applies the ops it is sent, in revision order (failing
 * on a gap, a repeat or an op that does not fit), and remembers every revision's length and the
 * last few texts, so a fuzzer knows exactly how long the document was at any revision it has seen.
 */
public final class DocTracker {
    private static final int TEXTS_KEPT = 16;

    private final String room;
    private final List<Integer> lengths = new ArrayList<>();
    private final List<TextOperation> ops = new ArrayList<>();
    private final Map<Long, String> recentTexts = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > TEXTS_KEPT;
        }
    };
    private final long baseRev;
    private String text;

    /** Starts from a {@code joined} reply that carried the whole text. */
    public DocTracker(String room, long rev, String text) {
        this.room = room;
        this.baseRev = rev;
        this.text = text;
        lengths.add(text.length());
        recentTexts.put(rev, text);
    }

    public String room() {
        return room;
    }

    public synchronized long head() {
        return baseRev + lengths.size() - 1;
    }

    public synchronized String text() {
        return text;
    }

    /** The document length at {@code rev}, which this tracker has seen. */
    public synchronized int lengthAt(long rev) {
        return lengths.get((int) (rev - baseRev));
    }

    /** The text at {@code rev} if it is among the last few revisions, else null. */
    public synchronized String textAt(long rev) {
        return recentTexts.get(rev);
    }

    /** The ops after {@code rev}, oldest first. */
    public synchronized List<TextOperation> opsSince(long rev) {
        return List.copyOf(ops.subList((int) (rev - baseRev), ops.size()));
    }

    /** Applies the op of a broadcast (or of one's own ack) as revision {@code rev}. */
    public synchronized void apply(long rev, TextOperation op) {
        if (rev != head() + 1) {
            throw new AssertionError(room + ": expected revision " + (head() + 1) + " but got " + rev);
        }
        try {
            text = op.apply(text);
        } catch (InvalidOperationException e) {
            throw new AssertionError(room + ": revision " + rev + " does not apply: " + op, e);
        }
        ops.add(op);
        lengths.add(text.length());
        recentTexts.put(rev, text);
    }

    /** Applies an {@code op} broadcast, or the {@code ops} of a resuming {@code joined} reply. */
    public void applyMessage(JsonNode m) {
        apply(m.get("rev").asLong(), CollabClient.parse(m.get("op")));
    }

    /** Replays a room's log from revision 0 (the {@code ops} of a {@code join} with {@code rev: 0}). */
    public static String replay(JsonNode ops) {
        DocTracker doc = new DocTracker("replay", 0, "");
        for (JsonNode op : ops) {
            doc.applyMessage(op);
        }
        return doc.text();
    }
}
