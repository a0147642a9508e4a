package dev.livepad.ot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable ot.js text operation: retains, inserts and deletes that walk a whole document, measured in UTF-16 units.
 * Components are kept in ot.js's normal form (neighbours of one kind merged, an insert before an adjacent delete),
 * and equality compares that form.
 */
public final class TextOperation {
    /** The operation with no components: it applies only to the empty document and leaves it empty. */
    public static final TextOperation EMPTY_FOR_EMPTY_DOC = new TextOperation(new int[0], new String[0], 0, 0);

    // Component i retains counts[i] units (> 0), deletes -counts[i] units (< 0) or, when counts[i] == 0,
    // inserts inserts[i]. Parallel arrays keep the hot loops free of boxing; inserts[i] is null unless it is an insert.
    private final int[] counts;
    private final String[] inserts;
    private final int baseLength;
    private final int targetLength;

    private TextOperation(int[] counts, String[] inserts, int baseLength, int targetLength) {
        this.counts = counts;
        this.inserts = inserts;
        this.baseLength = baseLength;
        this.targetLength = targetLength;
    }

    /** A builder that merges components as they are added, exactly like ot.js's retain/insert/delete. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses wire components: each element is an Integer or Long (positive = retain, negative = delete, zero invalid)
     * or a non-empty String without lone surrogates (insert). The result is normalized (adjacent components merged).
     */
    public static TextOperation fromComponents(List<?> components) throws InvalidOperationException {
        return WireFormat.parse(components);
    }

    /** Normalized components as Integer (retain &gt; 0, delete &lt; 0) and String (insert), ready for JSON encoding. */
    public List<Object> toComponents() {
        List<Object> out = new ArrayList<>(counts.length);
        for (int i = 0; i < counts.length; i++) {
            out.add(counts[i] == 0 ? inserts[i] : Integer.valueOf(counts[i]));
        }
        return Collections.unmodifiableList(out);
    }

    /** Length of the documents this operation applies to. */
    public int baseLength() {
        return baseLength;
    }

    /** Length of the document after applying this operation. */
    public int targetLength() {
        return targetLength;
    }

    /** How many components the normalized operation has: what its transform and storage cost scale with. */
    public int componentCount() {
        return counts.length;
    }

    /** Component {@code i}: units retained (&gt; 0) or deleted (&lt; 0), or 0 for an insert. */
    public int countAt(int i) {
        return counts[i];
    }

    /** The text component {@code i} inserts, or null when it retains or deletes. */
    public String insertAt(int i) {
        return inserts[i];
    }

    /** UTF-16 units this operation inserts. */
    public int insertedLength() {
        return targetLength - baseLength + deletedLength();
    }

    /** UTF-16 units this operation deletes. */
    public int deletedLength() {
        int deleted = 0;
        for (int count : counts) {
            if (count < 0) {
                deleted -= count;
            }
        }
        return deleted;
    }

    /** True if applying this operation changes nothing (it only retains, or is empty). */
    public boolean isNoop() {
        return counts.length == 0 || (counts.length == 1 && counts[0] > 0);
    }

    /**
     * Applies this operation to {@code doc}; fails if the lengths differ or a component boundary splits a surrogate
     * pair. Inserted text is not rescanned here: builders and {@link #fromComponents} already rejected lone surrogates.
     */
    public String apply(String doc) throws InvalidOperationException {
        validateAgainst(doc);
        StringBuilder out = new StringBuilder(targetLength);
        build(new Target() {
            @Override
            public void keep(int from, int to) {
                out.append(doc, from, to);
            }

            @Override
            public void insert(String text) {
                out.append(text);
            }
        });
        return out.toString();
    }

    /**
     * {@link #apply(String)} on a rope: the same checks and exceptions, but the result shares every
     * chunk the operation leaves alone with {@code doc}, which stays as it was. It costs
     * O(components &middot; log n) plus the chunks the cuts fall in, not O(n).
     */
    public Rope apply(Rope doc) throws InvalidOperationException {
        validateAgainst(doc);
        Rope.Builder out = new Rope.Builder(doc, targetLength);
        build(out);
        return out.build();
    }

    /** What an applied op is written into: ranges of the old document kept, and inserted text. */
    interface Target {
        void keep(int from, int to);

        void insert(String text);
    }

    /** Walks the components once, in order: retains are kept, deletes skipped, inserts inserted. */
    private void build(Target out) {
        int pos = 0;
        for (int i = 0; i < counts.length; i++) {
            int count = counts[i];
            if (count > 0) {
                out.keep(pos, pos + count);
                pos += count;
            } else if (count < 0) {
                pos -= count;
            } else {
                out.insert(inserts[i]);
            }
        }
    }

    /** Runs the checks of {@link #apply(String)} without building the result; a {@link Rope} works too. */
    public void validateAgainst(CharSequence doc) throws InvalidOperationException {
        if (doc.length() != baseLength) {
            throw new InvalidOperationException("operation expects a document of length " + baseLength
                    + " but the document has length " + doc.length());
        }
        // Every component starts where the previous one ended, and inserts sit at those same offsets,
        // so checking the end offset of each component covers every cut the operation makes.
        int pos = 0;
        for (int count : counts) {
            pos += Math.abs(count);
            if (Utf16.splitsPair(doc, pos)) {
                throw new InvalidOperationException("operation splits a surrogate pair at offset " + pos);
            }
        }
    }

    /**
     * The operation equivalent to this one followed by {@code next}; IllegalArgumentException if
     * {@code targetLength() != next.baseLength()}.
     */
    public TextOperation compose(TextOperation next) {
        return OpAlgebra.compose(this, next);
    }

    /**
     * For concurrent {@code a} and {@code b} on the same base, returns a' and b' with
     * apply(apply(S, a), b') == apply(apply(S, b), a'). When both insert at the same offset, a's text comes first
     * (ot.js rule). If a and b pass {@link #validateAgainst} for S, the primes pass it for their documents too.
     * IllegalArgumentException if the base lengths differ.
     */
    public static Transformed transform(TextOperation a, TextOperation b) {
        return OpAlgebra.transform(a, b);
    }

    /** The result of {@link #transform}: {@code aPrime} applies after b, {@code bPrime} applies after a. */
    public record Transformed(TextOperation aPrime, TextOperation bPrime) {
    }

    /**
     * Moves a cursor index through this operation exactly like ot.js: inserts at or before the index push it right,
     * deletes before it pull it left, and an index inside a deleted span lands at the start of the span.
     */
    public int transformIndex(int index) {
        int ahead = index; // base units still between the operation's cursor and the index
        int moved = index;
        for (int i = 0; i < counts.length; i++) {
            int count = counts[i];
            if (count > 0) {
                ahead -= count;
            } else if (count == 0) {
                moved += inserts[i].length();
            } else {
                moved -= Math.min(ahead, -count);
                ahead += count;
            }
            if (ahead < 0) {
                break;
            }
        }
        return moved;
    }

    /**
     * {@link #transformIndex} for many indices at once, in one pass over the components: the cost
     * is the operation's size plus sorting the indices, not their product. Returns a new array,
     * index for index.
     */
    public int[] transformIndices(int[] indices) {
        Integer[] order = new Integer[indices.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Integer.compare(indices[x], indices[y]));
        int[] moved = new int[indices.length];
        int next = 0; // the first index in sorted order not settled yet
        int pos = 0; // base offset where the current component starts
        int shift = 0; // units inserted minus units deleted before pos
        for (int c = 0; c < counts.length && next < order.length; c++) {
            int count = counts[c];
            if (count == 0) {
                shift += inserts[c].length(); // an insert at or before an index pushes it right
                continue;
            }
            int end = pos + Math.abs(count);
            // Indices inside this retain keep their offset; inside this delete they land at its start.
            for (; next < order.length && indices[order[next]] < end; next++) {
                int index = indices[order[next]];
                moved[order[next]] = count > 0 ? index + shift : pos + shift;
            }
            if (count < 0) {
                shift += count;
            }
            pos = end;
        }
        for (; next < order.length; next++) {
            moved[order[next]] = indices[order[next]] + shift;
        }
        return moved;
    }

    OpCursor cursor() {
        return new OpCursor(counts, inserts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextOperation other
                && Arrays.equals(counts, other.counts) && Arrays.equals(inserts, other.inserts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(inserts);
    }

    /** The wire JSON form, e.g. {@code [3,"ab",-2]}. */
    @Override
    public String toString() {
        return WireFormat.toJson(toComponents());
    }

    /**
     * Accumulates components into a normalized operation: adjacent components of one kind merge, zero-length ones
     * are dropped, and an insert next to a delete is placed before it. Not thread-safe; reusable after build().
     */
    public static final class Builder {
        private int[] counts = new int[4];
        private CharSequence[] texts = new CharSequence[4];
        private int size;
        private int baseLength;
        private int targetLength;

        private Builder() {
        }

        /** Skips {@code n} units of the document. */
        public Builder retain(int n) {
            requireNonNegative(n, "retain");
            if (n == 0) {
                return this;
            }
            baseLength = grow(baseLength, n);
            targetLength = grow(targetLength, n);
            if (size > 0 && counts[size - 1] > 0) {
                counts[size - 1] += n;
            } else {
                push(n, null);
            }
            return this;
        }

        /** Inserts {@code text} at the current position. */
        public Builder insert(String text) {
            if (text.isEmpty()) {
                return this;
            }
            targetLength = grow(targetLength, text.length());
            if (size > 0 && texts[size - 1] != null) {
                appendText(size - 1, text);
            } else if (size > 0 && counts[size - 1] < 0) {
                // Delete-then-insert and insert-then-delete have the same effect; ot.js keeps the insert first.
                if (size > 1 && texts[size - 2] != null) {
                    appendText(size - 2, text);
                } else {
                    push(counts[size - 1], null);
                    counts[size - 2] = 0;
                    texts[size - 2] = text;
                }
            } else {
                push(0, text);
            }
            return this;
        }

        /** Deletes the next {@code n} units of the document. */
        public Builder delete(int n) {
            requireNonNegative(n, "delete");
            if (n == 0) {
                return this;
            }
            baseLength = grow(baseLength, n);
            if (size > 0 && counts[size - 1] < 0) {
                counts[size - 1] -= n;
            } else {
                push(-n, null);
            }
            return this;
        }

        /** The operation built so far; IllegalArgumentException if a merged insert contains a lone surrogate. */
        public TextOperation build() {
            for (int i = 0; i < size; i++) {
                int lone = texts[i] == null ? -1 : Utf16.findLoneSurrogate(texts[i]);
                if (lone >= 0) {
                    throw new IllegalArgumentException(
                            "component " + i + " inserts a lone surrogate at character " + lone);
                }
            }
            return buildTrusted();
        }

        /** build() without the surrogate scan, for results derived from operations that were already checked. */
        TextOperation buildTrusted() {
            String[] inserts = new String[size];
            for (int i = 0; i < size; i++) {
                inserts[i] = texts[i] == null ? null : texts[i].toString();
            }
            return new TextOperation(Arrays.copyOf(counts, size), inserts, baseLength, targetLength);
        }

        private void push(int count, CharSequence text) {
            if (size == counts.length) {
                counts = Arrays.copyOf(counts, size * 2);
                texts = Arrays.copyOf(texts, size * 2);
            }
            counts[size] = count;
            texts[size] = text;
            size++;
        }

        // Merged inserts grow in a StringBuilder so that many one-character inserts stay linear.
        private void appendText(int slot, String text) {
            CharSequence current = texts[slot];
            StringBuilder merged = current instanceof StringBuilder sb ? sb : new StringBuilder(current);
            texts[slot] = merged.append(text);
        }

        private static void requireNonNegative(int n, String what) {
            if (n < 0) {
                throw new IllegalArgumentException(what + " count must not be negative: " + n);
            }
        }

        private static int grow(int length, int n) {
            if (length > Integer.MAX_VALUE - n) {
                throw new IllegalArgumentException("operation is longer than " + Integer.MAX_VALUE + " units");
            }
            return length + n;
        }
    }
}
