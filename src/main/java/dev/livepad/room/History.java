package dev.livepad.room;

import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The last ops of a room, kept for transforming late ops, resuming clients and recognising
 * retried op ids. Bounded twice: by count ({@code HISTORY_OPS}) and by an estimate of the memory
 * the ops hold ({@code HISTORY_MAX_BYTES}), so that a few huge ops cannot fill the heap; the
 * oldest entries fall off first, and with them their ids. The newest op always stays.
 */
final class History {
    /** One applied op with what the room knows about it beyond the wire form. */
    record Entry(HistoryOp op, long fingerprint, int weight, int wireBytes) {
    }

    private final int maxOps;
    private final long maxWeight;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Map<String, Entry> byId = new HashMap<>();
    private long headRev;
    private long weight;

    History(int maxOps, long maxWeight, long baseRev) {
        this.maxOps = Math.max(1, maxOps);
        this.maxWeight = maxWeight;
        this.headRev = baseRev;
    }

    /**
     * What an op is estimated to hold in memory, in bytes: an int and a reference per component,
     * a string object per insert and two bytes per inserted unit.
     */
    static int weight(TextOperation op) {
        return 64 + 16 * op.componentCount() + 2 * op.insertedLength();
    }

    long headRev() {
        return headRev;
    }

    /** The oldest revision a client may still build on: ops after it are all kept. */
    long oldestKnownRev() {
        return entries.isEmpty() ? headRev : entries.peekFirst().op().rev() - 1;
    }

    boolean covers(long rev) {
        return rev >= oldestKnownRev() && rev <= headRev;
    }

    /** The id of the kept op that made revision {@code rev}, or null (revision 0, or no longer kept). */
    String idAt(long rev) {
        if (entries.isEmpty() || rev > headRev || rev < entries.peekFirst().op().rev()) {
            return null;
        }
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
            HistoryOp op = it.next().op();
            if (op.rev() == rev) {
                return op.id();
            }
        }
        return null;
    }

    /** The kept op that carried this client op id, or null. */
    Entry byId(String opId) {
        return byId.get(opId);
    }

    void add(HistoryOp op, long fingerprint, int wireBytes) {
        Entry entry = new Entry(op, fingerprint, weight(op.op()), wireBytes);
        entries.addLast(entry);
        byId.put(op.id(), entry);
        weight += entry.weight();
        headRev = op.rev();
        while (entries.size() > maxOps || (weight > maxWeight && entries.size() > 1)) {
            Entry dropped = entries.removeFirst();
            weight -= dropped.weight();
            byId.remove(dropped.op().id(), dropped);
        }
    }

    /**
     * Forgets the ops after {@code rev}, newest first: a cluster instance's tentative batch that
     * lost its revisions to another instance. Ops already dropped off the front stay dropped, so
     * the history may cover less than before, never more.
     */
    void truncateAfter(long rev) {
        while (!entries.isEmpty() && entries.peekLast().op().rev() > rev) {
            Entry dropped = entries.removeLast();
            weight -= dropped.weight();
            byId.remove(dropped.op().id(), dropped);
        }
        headRev = Math.min(headRev, rev);
    }

    /** The estimated bytes the kept ops hold. */
    long weight() {
        return weight;
    }

    /** Ops after {@code rev}, oldest first; {@code rev} must be {@link #covers covered}. */
    List<HistoryOp> since(long rev) {
        List<HistoryOp> result = new ArrayList<>((int) (headRev - rev));
        for (Entry entry : newestFirst(rev)) {
            result.add(entry.op());
        }
        Collections.reverse(result);
        return result;
    }

    /** The bytes the ops after {@code rev} take on the wire, as a resume reply would carry them. */
    long wireBytesSince(long rev) {
        long bytes = 0;
        for (Entry entry : newestFirst(rev)) {
            bytes += entry.wireBytes();
        }
        return bytes;
    }

    /** Components of the ops after {@code rev}: what transforming past them costs. */
    long componentsSince(long rev) {
        long components = 0;
        for (Entry entry : newestFirst(rev)) {
            components += entry.op().op().componentCount();
        }
        return components;
    }

    private Iterable<Entry> newestFirst(long rev) {
        return () -> new Iterator<>() {
            private final Iterator<Entry> all = entries.descendingIterator();
            private Entry next = advance();

            private Entry advance() {
                Entry candidate = all.hasNext() ? all.next() : null;
                return candidate != null && candidate.op().rev() > rev ? candidate : null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                Entry current = next;
                next = advance();
                return current;
            }
        };
    }

    /** The document length at {@code rev}, given the current length; {@code rev} must be covered. */
    int lengthAt(long rev, int currentLength) {
        Entry first = null;
        for (Entry entry : newestFirst(rev)) {
            first = entry;
        }
        return first == null ? currentLength : first.op().op().baseLength();
    }

    /** Moves a selection made at {@code rev} through every later op, to the head revision. */
    Selection moveToHead(long rev, Selection selection) {
        for (HistoryOp op : since(rev)) {
            selection = selection.transform(op.op());
        }
        return selection;
    }

    static TextOperation transformAgainst(TextOperation op, List<HistoryOp> concurrent) {
        for (HistoryOp other : concurrent) {
            op = TextOperation.transform(op, other.op()).aPrime();
        }
        return op;
    }
}
