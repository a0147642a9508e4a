package dev.livepad.ot;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable text as a height-balanced (AVL) tree of chunks, measured in UTF-16 units like
 * {@link TextOperation}. Applying an op copies only the chunks its cuts fall in and the paths
 * above them, sharing everything else with the old rope, which stays valid: a keystroke on a
 * megabyte costs about what it costs on a kilobyte, and a snapshot of the text is a reference.
 * Chunks may end between the halves of a surrogate pair; only whole texts are ever read out.
 */
public final class Rope implements CharSequence {
    /**
     * The longest chunk: what one keystroke copies at most, twice (the chunks either side of its
     * cut). Small, because every op allocates those copies: at 2,048 a keystroke on a 3,000-unit
     * text allocated 12.7 KB, at 512 about 1.5 KB (ApplyBenchmark, docs/performance.md); the
     * extra tree nodes cost a megabyte text about 100 KB.
     */
    static final int MAX_LEAF = 512;
    /** Chunks shorter than this are merged with a neighbour, so the tree grows with the text, not the edits. */
    static final int MIN_LEAF = 128;
    /** The size new chunks are cut to when a text longer than {@link #MAX_LEAF} is split. */
    private static final int TARGET_LEAF = 256;

    public static final Rope EMPTY = new Rope("");

    private final String leaf; // the chunk, for a leaf; null for a branch
    private final Rope left; // null for a leaf
    private final Rope right;
    private final int length;
    private final int height; // 0 for a leaf

    private Rope(String leaf) {
        this.leaf = leaf;
        this.left = null;
        this.right = null;
        this.length = leaf.length();
        this.height = 0;
    }

    private Rope(Rope left, Rope right) {
        this.leaf = null;
        this.left = left;
        this.right = right;
        this.length = Math.addExact(left.length, right.length);
        this.height = Math.max(left.height, right.height) + 1;
    }

    /** The rope of {@code text}, cut into chunks; O(n). */
    public static Rope of(String text) {
        return text.isEmpty() ? EMPTY : chunks(text);
    }

    /** Length in UTF-16 units; O(1). */
    @Override
    public int length() {
        return length;
    }

    /** The UTF-16 unit at {@code index}; O(log n). */
    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " of a rope of length " + length);
        }
        Rope node = this;
        while (node.leaf == null) {
            if (index < node.left.length) {
                node = node.left;
            } else {
                index -= node.left.length;
                node = node.right;
            }
        }
        return node.leaf.charAt(index);
    }

    /** The units from {@code start} to {@code end}, as a String; see {@link #substring}. */
    @Override
    public CharSequence subSequence(int start, int end) {
        return substring(start, end);
    }

    /** The units from {@code from} to {@code to}; O(log n + (to - from)). */
    public String substring(int from, int to) {
        checkRange(from, to);
        StringBuilder out = new StringBuilder(to - from);
        appendTo(out, from, to);
        return out.toString();
    }

    /**
     * The whole text; O(n). Not kept: a room that went quiet would hold its text twice, and
     * the callers that need a String (join replies, snapshots, exports) keep what they build.
     */
    @Override
    public String toString() {
        if (leaf != null) {
            return leaf;
        }
        StringBuilder out = new StringBuilder(length);
        appendTo(out, 0, length);
        return out.toString();
    }

    /** Height of the tree (0 for a single chunk), for tests of its balance. */
    int height() {
        return height;
    }

    /** Number of chunks, for tests of their sizes. */
    int leafCount() {
        return leaf != null ? (length == 0 ? 0 : 1) : left.leafCount() + right.leafCount();
    }

    /**
     * Checks what the tree promises, for tests: lengths and heights add up, siblings differ in
     * height by at most one, and no chunk is empty or longer than {@link #MAX_LEAF}.
     */
    void checkInvariants() {
        if (leaf != null) {
            if (leaf.length() > MAX_LEAF || (leaf.isEmpty() && this != EMPTY)) {
                throw new IllegalStateException("chunk of " + leaf.length() + " units");
            }
            return;
        }
        left.checkInvariants();
        right.checkInvariants();
        if (left.length == 0 || right.length == 0 || length != left.length + right.length
                || height != Math.max(left.height, right.height) + 1
                || Math.abs(left.height - right.height) > 1) {
            throw new IllegalStateException("unbalanced or miscounted branch at height " + height);
        }
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of a rope of length " + length);
        }
    }

    /** Appends the units from {@code from} to {@code to}, visiting only the chunks they lie in. */
    void appendTo(StringBuilder out, int from, int to) {
        if (from >= to) {
            return;
        }
        if (leaf != null) {
            out.append(leaf, from, to);
            return;
        }
        int split = left.length;
        if (from < split) {
            left.appendTo(out, from, Math.min(to, split));
        }
        if (to > split) {
            right.appendTo(out, Math.max(from, split) - split, to - split);
        }
    }

    /** Where the chunk holding the unit at {@code index} (0 &lt;= index &lt; length) starts. */
    int chunkStart(int index) {
        return chunkEdge(index, false);
    }

    /** Where the chunk holding the unit at {@code index} (0 &lt;= index &lt; length) ends. */
    int chunkEnd(int index) {
        return chunkEdge(index, true);
    }

    // One walk down to the chunk for both edges; called per op, so it allocates nothing.
    private int chunkEdge(int index, boolean end) {
        Rope node = this;
        int start = 0;
        while (node.leaf == null) {
            if (index - start < node.left.length) {
                node = node.left;
            } else {
                start += node.left.length;
                node = node.right;
            }
        }
        return end ? start + node.length : start;
    }

    /** The units before {@code n}, sharing every whole chunk; O(log n). */
    Rope take(int n) {
        if (n >= length) {
            return this;
        }
        if (n <= 0) {
            return EMPTY;
        }
        if (leaf != null) {
            return new Rope(leaf.substring(0, n));
        }
        return n <= left.length ? left.take(n) : concat(left, right.take(n - left.length));
    }

    /** The units from {@code n} on, sharing every whole chunk; O(log n). */
    Rope drop(int n) {
        if (n <= 0) {
            return this;
        }
        if (n >= length) {
            return EMPTY;
        }
        if (leaf != null) {
            return new Rope(leaf.substring(n));
        }
        return n >= left.length ? right.drop(n - left.length) : concat(left.drop(n), right);
    }

    /**
     * The two texts one after the other, rebalanced along one spine (AVL join): O(1 + the
     * difference of their heights). Neighbouring chunks are not merged here; {@link Builder} does.
     */
    static Rope concat(Rope a, Rope b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        if (a.height > b.height + 1) {
            return joinRight(a, b);
        }
        if (b.height > a.height + 1) {
            return joinLeft(a, b);
        }
        return new Rope(a, b);
    }

    // a is taller by two or more: descend a's right spine to a subtree as tall as b (or one more).
    private static Rope joinRight(Rope a, Rope b) {
        Rope c = a.right;
        if (c.height <= b.height + 1) {
            Rope t = new Rope(c, b);
            return t.height <= a.left.height + 1 ? new Rope(a.left, t)
                    : rotateLeft(new Rope(a.left, rotateRight(t)));
        }
        Rope t = joinRight(c, b);
        Rope joined = new Rope(a.left, t);
        return t.height <= a.left.height + 1 ? joined : rotateLeft(joined);
    }

    private static Rope joinLeft(Rope a, Rope b) {
        Rope c = b.left;
        if (c.height <= a.height + 1) {
            Rope t = new Rope(a, c);
            return t.height <= b.right.height + 1 ? new Rope(t, b.right)
                    : rotateRight(new Rope(rotateLeft(t), b.right));
        }
        Rope t = joinLeft(a, c);
        Rope joined = new Rope(t, b.right);
        return t.height <= b.right.height + 1 ? joined : rotateRight(joined);
    }

    private static Rope rotateLeft(Rope n) {
        return new Rope(new Rope(n.left, n.right.left), n.right.right);
    }

    private static Rope rotateRight(Rope n) {
        return new Rope(n.left.left, new Rope(n.left.right, n.right));
    }

    /** A text cut into chunks: one if it fits, else pieces of about TARGET_LEAF, as a balanced tree. */
    private static Rope chunks(CharSequence s) {
        int n = s.length();
        if (n <= MAX_LEAF) {
            return new Rope(s.toString());
        }
        int count = (n + TARGET_LEAF - 1) / TARGET_LEAF;
        List<Rope> leaves = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Even cuts: every piece is within one unit of n / count, so none is short.
            int from = (int) ((long) n * i / count);
            int to = (int) ((long) n * (i + 1) / count);
            leaves.add(new Rope(s.subSequence(from, to).toString()));
        }
        return balanced(leaves, 0, count);
    }

    private static Rope balanced(List<Rope> leaves, int from, int to) {
        if (to - from == 1) {
            return leaves.get(from);
        }
        int mid = (from + to) >>> 1;
        return new Rope(balanced(leaves, from, mid), balanced(leaves, mid, to));
    }

    /**
     * Builds a rope left to right from slices of one source rope and inserted text: what
     * {@link TextOperation#apply(Rope)} writes into. Short pieces gather in a buffer and become
     * chunks of {@link #MIN_LEAF} to {@link #MAX_LEAF} units; a long slice is shared from the
     * source except for its partial chunks at either end. So an op of k components over a text
     * of n units costs O(k log n) plus the chunks it touches.
     */
    static final class Builder implements TextOperation.Target {
        private final Rope source;
        private Rope done = EMPTY;
        private final StringBuilder pending;

        /**
         * A builder of a text of about {@code expectedLength} units from slices of {@code source},
         * which sizes its buffer to fit.
         */
        Builder(Rope source, int expectedLength) {
            this.source = source;
            // A keystroke fills the buffer with at most the two chunks around its cut, unless the text is shorter.
            pending = new StringBuilder(Math.max(16, Math.min(expectedLength, 2 * MAX_LEAF + 16)));
        }

        /** Appends {@code text}. */
        @Override
        public void insert(String text) {
            pending.append(text);
            if (pending.length() >= 4 * MAX_LEAF) {
                emit();
            }
        }

        /** Appends the units of the source from {@code from} to {@code to}. */
        @Override
        public void keep(int from, int to) {
            if (to - from <= 2 * MAX_LEAF) {
                source.appendTo(pending, from, to);
                if (pending.length() >= 4 * MAX_LEAF) {
                    emit();
                }
                return;
            }
            // Copy the partial chunk at the start (and whole ones while the buffer is short), share
            // the whole chunks in the middle, and keep the partial chunk at the end in the buffer.
            int shareFrom = source.chunkStart(from) == from ? from : source.chunkEnd(from);
            int shareTo = to == source.length ? to : source.chunkStart(to);
            source.appendTo(pending, from, shareFrom);
            while (pending.length() > 0 && pending.length() < MIN_LEAF && shareFrom < shareTo) {
                int end = source.chunkEnd(shareFrom);
                source.appendTo(pending, shareFrom, end);
                shareFrom = end;
            }
            if (shareFrom >= shareTo) {
                source.appendTo(pending, shareFrom, to);
                return;
            }
            emit();
            done = concat(done, source.drop(shareFrom).take(shareTo - shareFrom));
            source.appendTo(pending, shareTo, to);
        }

        /** The rope built; the builder is not to be used again. */
        Rope build() {
            emit();
            return done;
        }

        // Turns the buffer into chunks after what is done; a short buffer takes in the last chunk first.
        private void emit() {
            if (pending.length() == 0) {
                return;
            }
            if (pending.length() < MIN_LEAF && done.length > 0) {
                int start = done.chunkStart(done.length - 1);
                pending.insert(0, done.substring(start, done.length));
                done = done.take(start);
            }
            done = concat(done, chunks(pending));
            pending.setLength(0);
        }
    }
}
