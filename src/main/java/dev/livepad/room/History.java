package dev.livepad.room;

import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The last ops of a room, kept for transforming late ops, resuming clients and recognising
 * retried op ids. Bounded: the oldest entries fall off, and with them their ids.
 */
final class History {
    private final int capacity;
    private final ArrayDeque<HistoryOp> ops = new ArrayDeque<>();
    private final Map<String, Long> revById = new HashMap<>();
    private long headRev;

    History(int capacity, long baseRev) {
        this.capacity = Math.max(1, capacity);
        this.headRev = baseRev;
    }

    long headRev() {
        return headRev;
    }

    /** The oldest revision a client may still build on: ops after it are all kept. */
    long oldestKnownRev() {
        return ops.isEmpty() ? headRev : ops.peekFirst().rev() - 1;
    }

    boolean covers(long rev) {
        return rev >= oldestKnownRev() && rev <= headRev;
    }

    Long revOf(String opId) {
        return revById.get(opId);
    }

    void add(HistoryOp op) {
        ops.addLast(op);
        revById.put(op.id(), op.rev());
        headRev = op.rev();
        while (ops.size() > capacity) {
            HistoryOp dropped = ops.removeFirst();
            revById.remove(dropped.id(), dropped.rev());
        }
    }

    /** Ops after {@code rev}, oldest first; {@code rev} must be {@link #covers covered}. */
    List<HistoryOp> since(long rev) {
        List<HistoryOp> result = new ArrayList<>((int) (headRev - rev));
        Iterator<HistoryOp> it = ops.descendingIterator();
        while (it.hasNext()) {
            HistoryOp op = it.next();
            if (op.rev() <= rev) {
                break;
            }
            result.add(op);
        }
        java.util.Collections.reverse(result);
        return result;
    }

    /** The document length at {@code rev}, given the current length; {@code rev} must be covered. */
    int lengthAt(long rev, int currentLength) {
        List<HistoryOp> later = since(rev);
        return later.isEmpty() ? currentLength : later.get(0).op().baseLength();
    }

    /** Moves ranges made at {@code rev} through every later op, to the head revision. */
    List<ClientMessage.Range> moveRanges(long rev, List<ClientMessage.Range> ranges) {
        List<HistoryOp> later = since(rev);
        List<ClientMessage.Range> moved = new ArrayList<>(ranges.size());
        for (ClientMessage.Range r : ranges) {
            int anchor = r.anchor();
            int head = r.head();
            for (HistoryOp op : later) {
                anchor = op.op().transformIndex(anchor);
                head = op.op().transformIndex(head);
            }
            moved.add(new ClientMessage.Range(anchor, head));
        }
        return moved;
    }

    static TextOperation transformAgainst(TextOperation op, List<HistoryOp> concurrent) {
        for (HistoryOp other : concurrent) {
            op = TextOperation.transform(op, other.op()).aPrime();
        }
        return op;
    }
}
