package dev.livepad.ot;

import java.util.Arrays;

/**
 * Who wrote each part of a text: the text cut into consecutive spans, each with the number of the
 * author whose op inserted it. Applying an op keeps retained spans' authors, drops deleted units
 * and gives inserted ones to the op's author, so replaying a log from the empty text attributes
 * every unit of any revision. Adjacent spans of one author are merged. Immutable.
 */
public final class Attribution {
    /** The author of text whose origin is unknown (a base older than the kept log). */
    public static final int UNKNOWN = -1;

    private static final Attribution EMPTY = new Attribution(new int[0], new int[0], 0);

    private final int[] lengths;
    private final int[] authors;
    private final int length;

    private Attribution(int[] lengths, int[] authors, int length) {
        this.lengths = lengths;
        this.authors = authors;
        this.length = length;
    }

    /** The empty text. */
    public static Attribution empty() {
        return EMPTY;
    }

    /** A text of {@code length} units, all by {@code author}. */
    public static Attribution of(int length, int author) {
        return length == 0 ? EMPTY : new Attribution(new int[] {length}, new int[] {author}, length);
    }

    /** The attributed length: the text's, in UTF-16 units. */
    public int length() {
        return length;
    }

    public int spanCount() {
        return lengths.length;
    }

    public int spanLength(int i) {
        return lengths[i];
    }

    public int spanAuthor(int i) {
        return authors[i];
    }

    /**
     * The attribution after {@code op}, whose inserts are by {@code author}: O(spans + components),
     * in primitive arrays (whole spans a retain covers are copied in one go).
     *
     * @throws InvalidOperationException when the op does not apply to a text of this length
     */
    public Attribution apply(TextOperation op, int author) throws InvalidOperationException {
        if (op.baseLength() != length) {
            throw new InvalidOperationException(
                    "the op applies to " + op.baseLength() + " units, the text has " + length);
        }
        Spans out = new Spans(lengths.length + 2 * op.componentCount() + 1);
        int span = 0;
        int usedOfSpan = 0; // units of lengths[span] already consumed
        for (int c = 0; c < op.componentCount(); c++) {
            int count = op.countAt(c);
            if (count == 0) {
                out.add(op.insertAt(c).length(), author);
                continue;
            }
            int left = Math.abs(count);
            if (usedOfSpan > 0) { // finish the span a previous component cut
                int take = Math.min(left, lengths[span] - usedOfSpan);
                if (count > 0) {
                    out.add(take, authors[span]);
                }
                left -= take;
                usedOfSpan += take;
                if (usedOfSpan < lengths[span]) {
                    continue;
                }
                span++;
                usedOfSpan = 0;
            }
            int whole = span; // spans covered entirely
            while (whole < lengths.length && lengths[whole] <= left) {
                left -= lengths[whole++];
            }
            if (count > 0) {
                out.addAll(lengths, authors, span, whole);
            }
            span = whole;
            if (left > 0) { // into the next span, which goes on
                if (count > 0) {
                    out.add(left, authors[span]);
                }
                usedOfSpan = left;
            }
        }
        return out.build();
    }

    /** Spans under construction, merging neighbours of one author. */
    private static final class Spans {
        private int[] lengths;
        private int[] authors;
        private int size;
        private int total;

        Spans(int capacity) {
            lengths = new int[capacity];
            authors = new int[capacity];
        }

        void add(int length, int author) {
            if (length == 0) {
                return;
            }
            total += length;
            if (size > 0 && authors[size - 1] == author) {
                lengths[size - 1] += length;
                return;
            }
            if (size == lengths.length) {
                lengths = Arrays.copyOf(lengths, size * 2 + 1);
                authors = Arrays.copyOf(authors, size * 2 + 1);
            }
            lengths[size] = length;
            authors[size++] = author;
        }

        /** Spans {@code from} (inclusive) to {@code to} of another attribution, already merged among themselves. */
        void addAll(int[] fromLengths, int[] fromAuthors, int from, int to) {
            if (from == to) {
                return;
            }
            add(fromLengths[from], fromAuthors[from]);
            int n = to - from - 1;
            if (size + n > lengths.length) {
                lengths = Arrays.copyOf(lengths, Math.max(size * 2, size + n) + 1);
                authors = Arrays.copyOf(authors, lengths.length);
            }
            System.arraycopy(fromLengths, from + 1, lengths, size, n);
            System.arraycopy(fromAuthors, from + 1, authors, size, n);
            for (int i = from + 1; i < to; i++) {
                total += fromLengths[i];
            }
            size += n;
        }

        Attribution build() {
            return new Attribution(Arrays.copyOf(lengths, size), Arrays.copyOf(authors, size),
                    total);
        }
    }
}
