package dev.livepad.room;

import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The last ops of a room, kept for transforming late ops, resuming clients and recognising
 * retried op ids. Bounded twice: by count ({@code HISTORY_OPS}) and by an estimate of the memory
 * the ops hold ({@code HISTORY_MAX_BYTES}), so that a few huge ops cannot fill the heap; the
 * oldest entries fall off first, and with them their ids. The newest op always stays.
 *
 * <p>The ops are packed into a few primitive arrays per room, not kept as objects: a busy room's
 * thousand ops live for seconds to minutes, long enough for the collector to copy each object
 * through the young generation and promote it, and short enough to die in the old one, which only
 * a full collection reclaims. Packed, an op adds a few array elements and no object at all (see
 * docs/performance.md, "Latency and the collector"). Ops are rebuilt when asked for, which is
 * rare: an op made before the head (a late op), a resume, a cursor from an older revision.
 *
 * <p>Layout. Revisions are consecutive, so an op's per-op fields live at index {@code rev & mask}
 * of parallel arrays. Its components go to a ring of ints (retain {@code n}: {@code n}; delete
 * {@code n}: {@code -n}; insert: {@code 0} and the text's length) and its strings (op id, client
 * id, inserted text, in that order) to a ring of chars. Both rings are addressed by positions
 * that only grow, modulo a power-of-two capacity, so growing one copies it and nothing else
 * moves. Op ids are found through an open-addressing table of revisions, each checked against
 * the id in the ring; entries for revisions no longer kept are skipped and dropped on a rebuild.
 */
final class History {
    private static final int MIN_SLOTS = 4;
    private static final int MIN_RING = 32;
    private static final int NO_CLIENT = -1;

    private final int maxOps;
    private final long maxWeight;

    private long headRev;
    private long firstRev; // the oldest kept op's revision; headRev + 1 when none is kept
    private long weight;

    // per op, at rev & slotMask
    private long[] fingerprints = new long[MIN_SLOTS];
    private long[] intStarts = new long[MIN_SLOTS];
    private long[] charStarts = new long[MIN_SLOTS];
    private int[] wireBytes = new int[MIN_SLOTS];
    private int[] components = new int[MIN_SLOTS];
    private int[] baseLengths = new int[MIN_SLOTS];
    private int[] idLengths = new int[MIN_SLOTS];
    private int[] clientIdLengths = new int[MIN_SLOTS];
    private int slotMask = MIN_SLOTS - 1;

    private int[] ints = new int[MIN_RING];
    private long intHead; // position of the oldest kept op's first int
    private long intTail;
    private char[] chars = new char[MIN_RING];
    private long charHead;
    private long charTail;

    private long[] idTable = new long[2 * MIN_SLOTS]; // rev + 1 of an op whose id hashes here; 0: empty
    private int idTableUsed;

    History(int maxOps, long maxWeight, long baseRev) {
        this.maxOps = Math.max(1, maxOps);
        this.maxWeight = maxWeight;
        this.headRev = baseRev;
        this.firstRev = baseRev + 1;
    }

    /**
     * What an op is estimated to hold in memory, in bytes: its share of the per-op arrays and the
     * id table, an int per component (two per insert) and two bytes per unit of its strings.
     */
    static int weight(TextOperation op, String id, String clientId) {
        int inserts = op.componentCount() - countsOnly(op);
        return 64 + 4 * (op.componentCount() + inserts)
                + 2 * (op.insertedLength() + id.length() + (clientId == null ? 0 : clientId.length()));
    }

    private static int countsOnly(TextOperation op) {
        int n = 0;
        for (int i = 0; i < op.componentCount(); i++) {
            if (op.countAt(i) != 0) {
                n++;
            }
        }
        return n;
    }

    long headRev() {
        return headRev;
    }

    /** The oldest revision a client may still build on: ops after it are all kept. */
    long oldestKnownRev() {
        return firstRev - 1;
    }

    boolean covers(long rev) {
        return rev >= oldestKnownRev() && rev <= headRev;
    }

    private boolean kept(long rev) {
        return rev >= firstRev && rev <= headRev;
    }

    private int size() {
        return (int) (headRev - firstRev + 1);
    }

    /** The id of the kept op that made revision {@code rev}, or null (revision 0, or no longer kept). */
    String idAt(long rev) {
        if (!kept(rev)) {
            return null;
        }
        int slot = (int) rev & slotMask;
        return string(charStarts[slot], idLengths[slot]);
    }

    /**
     * The revision of the kept op that carried this client op id, or -1; the newest, if a stored
     * log ever held one id twice.
     */
    long revOf(String opId) {
        int mask = idTable.length - 1;
        long found = -1;
        for (int i = hash(opId) & mask; idTable[i] != 0; i = (i + 1) & mask) {
            long rev = idTable[i] - 1;
            if (rev > found && kept(rev) && idEquals(rev, opId)) {
                found = rev;
            }
        }
        return found;
    }

    /** The fingerprint kept with revision {@code rev}, which must be kept ({@link #revOf}). */
    long fingerprintAt(long rev) {
        return fingerprints[(int) rev & slotMask];
    }

    /** Appends the next revision's op; {@code op.rev()} must be {@link #headRev()} + 1. */
    void add(HistoryOp op, long fingerprint, int wireBytes) {
        if (op.rev() != headRev + 1) {
            throw new IllegalArgumentException("revision " + op.rev() + " does not follow " + headRev);
        }
        if (size() + 1 > slotMask + 1) {
            growSlots(2 * (slotMask + 1));
        }
        TextOperation text = op.op();
        int inserts = text.componentCount() - countsOnly(text);
        int clientIdLength = op.clientId() == null ? NO_CLIENT : op.clientId().length();
        reserveInts(text.componentCount() + inserts);
        reserveChars(op.id().length() + Math.max(0, clientIdLength) + text.insertedLength());

        long rev = op.rev();
        int slot = (int) rev & slotMask;
        fingerprints[slot] = fingerprint;
        intStarts[slot] = intTail;
        charStarts[slot] = charTail;
        this.wireBytes[slot] = wireBytes;
        components[slot] = text.componentCount();
        baseLengths[slot] = text.baseLength();
        idLengths[slot] = op.id().length();
        clientIdLengths[slot] = clientIdLength;
        putChars(op.id());
        if (op.clientId() != null) {
            putChars(op.clientId());
        }
        for (int i = 0; i < text.componentCount(); i++) {
            int count = text.countAt(i);
            if (count != 0) {
                putInt(count);
            } else {
                String insert = text.insertAt(i);
                putInt(0);
                putInt(insert.length());
                putChars(insert);
            }
        }
        headRev = rev;
        weight += weight(text, op.id(), op.clientId());
        indexId(rev);
        while (size() > maxOps || (weight > maxWeight && size() > 1)) {
            dropFirst();
        }
        shrinkIfSparse();
    }

    /**
     * Forgets the ops after {@code rev}, newest first: a cluster instance's tentative batch that
     * lost its revisions to another instance. Ops already dropped off the front stay dropped, so
     * the history may cover less than before, never more.
     */
    void truncateAfter(long rev) {
        while (size() > 0 && headRev > rev) {
            int slot = (int) headRev & slotMask;
            weight -= weightAt(headRev);
            intTail = intStarts[slot];
            charTail = charStarts[slot];
            headRev--;
        }
        if (size() == 0) {
            headRev = Math.min(headRev, rev);
            firstRev = headRev + 1;
            intHead = intTail;
            charHead = charTail;
        }
    }

    /** The estimated bytes the kept ops hold. */
    long weight() {
        return weight;
    }

    /** Ops after {@code rev}, oldest first, rebuilt; {@code rev} must be {@link #covers covered}. */
    List<HistoryOp> since(long rev) {
        List<HistoryOp> result = new ArrayList<>((int) (headRev - rev));
        for (long r = Math.max(rev + 1, firstRev); r <= headRev; r++) {
            result.add(opAt(r));
        }
        return result;
    }

    /** The bytes the ops after {@code rev} take on the wire, as a resume reply would carry them. */
    long wireBytesSince(long rev) {
        long bytes = 0;
        for (long r = Math.max(rev + 1, firstRev); r <= headRev; r++) {
            bytes += wireBytes[(int) r & slotMask];
        }
        return bytes;
    }

    /** Components of the ops after {@code rev}: what transforming past them costs. */
    long componentsSince(long rev) {
        long count = 0;
        for (long r = Math.max(rev + 1, firstRev); r <= headRev; r++) {
            count += components[(int) r & slotMask];
        }
        return count;
    }

    /** The document length at {@code rev}, given the current length; {@code rev} must be covered. */
    int lengthAt(long rev, int currentLength) {
        long next = Math.max(rev + 1, firstRev);
        return next > headRev ? currentLength : baseLengths[(int) next & slotMask];
    }

    /** Moves a selection made at {@code rev} through every later op, to the head revision. */
    Selection moveToHead(long rev, Selection selection) {
        for (long r = Math.max(rev + 1, firstRev); r <= headRev; r++) {
            selection = selection.transform(opAt(r).op());
        }
        return selection;
    }

    static TextOperation transformAgainst(TextOperation op, List<HistoryOp> concurrent) {
        for (HistoryOp other : concurrent) {
            op = TextOperation.transform(op, other.op()).aPrime();
        }
        return op;
    }

    // ---- packing

    private HistoryOp opAt(long rev) {
        int slot = (int) rev & slotMask;
        long chr = charStarts[slot];
        String id = string(chr, idLengths[slot]);
        chr += idLengths[slot];
        String clientId = null;
        if (clientIdLengths[slot] != NO_CLIENT) {
            clientId = string(chr, clientIdLengths[slot]);
            chr += clientIdLengths[slot];
        }
        TextOperation.Builder op = TextOperation.builder();
        long pos = intStarts[slot];
        for (int i = 0; i < components[slot]; i++) {
            int count = ints[(int) pos++ & (ints.length - 1)];
            if (count > 0) {
                op.retain(count);
            } else if (count < 0) {
                op.delete(-count);
            } else {
                int length = ints[(int) pos++ & (ints.length - 1)];
                op.insert(string(chr, length));
                chr += length;
            }
        }
        return new HistoryOp(rev, op.build(), clientId, id);
    }

    private int weightAt(long rev) {
        int slot = (int) rev & slotMask;
        long intEnd = rev == headRev ? intTail : intStarts[(int) (rev + 1) & slotMask];
        long charEnd = rev == headRev ? charTail : charStarts[(int) (rev + 1) & slotMask];
        return 64 + 4 * (int) (intEnd - intStarts[slot]) + 2 * (int) (charEnd - charStarts[slot]);
    }

    private void dropFirst() {
        weight -= weightAt(firstRev);
        firstRev++;
        if (size() == 0) {
            intHead = intTail;
            charHead = charTail;
        } else {
            int slot = (int) firstRev & slotMask;
            intHead = intStarts[slot];
            charHead = charStarts[slot];
        }
    }

    private String string(long start, int length) {
        int from = (int) start & (chars.length - 1);
        if (from + length <= chars.length) {
            return new String(chars, from, length);
        }
        int first = chars.length - from;
        return new StringBuilder(length).append(chars, from, first).append(chars, 0, length - first).toString();
    }

    private boolean idEquals(long rev, String id) {
        int slot = (int) rev & slotMask;
        if (idLengths[slot] != id.length()) {
            return false;
        }
        long pos = charStarts[slot];
        int mask = chars.length - 1;
        for (int i = 0; i < id.length(); i++) {
            if (chars[(int) (pos + i) & mask] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int hash(String s) {
        int h = s.hashCode();
        return h ^ (h >>> 16);
    }

    private int hashAt(long rev) {
        int slot = (int) rev & slotMask;
        long pos = charStarts[slot];
        int mask = chars.length - 1;
        int h = 0;
        for (int i = 0; i < idLengths[slot]; i++) {
            h = 31 * h + chars[(int) (pos + i) & mask]; // String.hashCode's formula
        }
        return h ^ (h >>> 16);
    }

    /**
     * Points the id table at {@code rev}, in the first slot that is empty or holds a revision no
     * longer kept. An older op of the same id keeps its own slot: if the newer one is truncated,
     * the older is found again.
     */
    private void indexId(long rev) {
        if (2 * (idTableUsed + 1) > idTable.length) {
            rebuildIdTable(Math.max(2 * MIN_SLOTS, Integer.highestOneBit(Math.max(1, 4 * size() - 1)) << 1));
        }
        int mask = idTable.length - 1;
        for (int i = hashAt(rev) & mask; ; i = (i + 1) & mask) {
            long entry = idTable[i];
            if (entry == 0) {
                idTableUsed++;
            }
            if (entry == 0 || entry - 1 == rev || !kept(entry - 1)) {
                idTable[i] = rev + 1;
                return;
            }
        }
    }

    private void rebuildIdTable(int capacity) {
        idTable = new long[capacity];
        idTableUsed = 0;
        for (long r = firstRev; r < headRev; r++) { // the newest is indexed by the caller
            indexId(r);
        }
    }

    // ---- growth

    private void growSlots(int capacity) {
        long[] fp = new long[capacity];
        long[] is = new long[capacity];
        long[] cs = new long[capacity];
        int[] wb = new int[capacity];
        int[] co = new int[capacity];
        int[] bl = new int[capacity];
        int[] il = new int[capacity];
        int[] cl = new int[capacity];
        int newMask = capacity - 1;
        for (long r = firstRev; r <= headRev; r++) {
            int from = (int) r & slotMask;
            int to = (int) r & newMask;
            fp[to] = fingerprints[from];
            is[to] = intStarts[from];
            cs[to] = charStarts[from];
            wb[to] = wireBytes[from];
            co[to] = components[from];
            bl[to] = baseLengths[from];
            il[to] = idLengths[from];
            cl[to] = clientIdLengths[from];
        }
        fingerprints = fp;
        intStarts = is;
        charStarts = cs;
        wireBytes = wb;
        components = co;
        baseLengths = bl;
        idLengths = il;
        clientIdLengths = cl;
        slotMask = newMask;
    }

    private void reserveInts(int more) {
        long needed = intTail - intHead + more;
        if (needed > ints.length) {
            ints = copyRing(ints, intHead, intTail, capacityFor(needed));
        }
    }

    private void reserveChars(int more) {
        long needed = charTail - charHead + more;
        if (needed > chars.length) {
            chars = copyRing(chars, charHead, charTail, capacityFor(needed));
        }
    }

    /** After ops fell off: a ring at most a quarter full gives back half its memory. */
    private void shrinkIfSparse() {
        if (ints.length > MIN_RING && 4 * (intTail - intHead) <= ints.length) {
            ints = copyRing(ints, intHead, intTail, ints.length / 2);
        }
        if (chars.length > MIN_RING && 4 * (charTail - charHead) <= chars.length) {
            chars = copyRing(chars, charHead, charTail, chars.length / 2);
        }
        int slots = slotMask + 1;
        if (slots > MIN_SLOTS && 4 * size() <= slots) {
            growSlots(slots / 2);
        }
    }

    private static int capacityFor(long needed) {
        if (needed > 1 << 30) {
            throw new IllegalStateException("a history ring of " + needed + " elements");
        }
        return Math.max(MIN_RING, Integer.highestOneBit((int) needed - 1) << 1);
    }

    private static int[] copyRing(int[] ring, long head, long tail, int capacity) {
        int[] copy = new int[capacity];
        for (long p = head; p < tail; p++) {
            copy[(int) p & (capacity - 1)] = ring[(int) p & (ring.length - 1)];
        }
        return copy;
    }

    private static char[] copyRing(char[] ring, long head, long tail, int capacity) {
        char[] copy = new char[capacity];
        for (long p = head; p < tail; p++) {
            copy[(int) p & (capacity - 1)] = ring[(int) p & (ring.length - 1)];
        }
        return copy;
    }

    private void putInt(int value) {
        ints[(int) intTail++ & (ints.length - 1)] = value;
    }

    private void putChars(String s) {
        int mask = chars.length - 1;
        for (int i = 0; i < s.length(); i++) {
            chars[(int) charTail++ & mask] = s.charAt(i);
        }
    }
}
