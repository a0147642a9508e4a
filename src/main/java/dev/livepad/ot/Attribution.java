package dev.livepad.ot;

import java.util.ArrayList;
import java.util.List;

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
     * The attribution after {@code op}, whose inserts are by {@code author}. O(spans + components).
     *
     * @throws InvalidOperationException when the op does not apply to a text of this length
     */
    public Attribution apply(TextOperation op, int author) throws InvalidOperationException {
        if (op.baseLength() != length) {
            throw new InvalidOperationException(
                    "the op applies to " + op.baseLength() + " units, the text has " + length);
        }
        Spans out = new Spans(lengths.length + 2 * op.componentCount());
        int span = 0;
        int usedOfSpan = 0; // units of lengths[span] already consumed
        for (Object component : op.toComponents()) {
            if (component instanceof String inserted) {
                out.add(inserted.length(), author);
                continue;
            }
            int count = (Integer) component;
            int left = Math.abs(count);
            while (left > 0) {
                int take = Math.min(left, lengths[span] - usedOfSpan);
                if (count > 0) {
                    out.add(take, authors[span]);
                }
                left -= take;
                usedOfSpan += take;
                if (usedOfSpan == lengths[span]) {
                    span++;
                    usedOfSpan = 0;
                }
            }
        }
        return out.build();
    }

    /** Spans under construction, merging neighbours of one author. */
    private static final class Spans {
        private final List<int[]> spans;
        private int total;

        Spans(int capacity) {
            spans = new ArrayList<>(capacity);
        }

        void add(int length, int author) {
            if (length == 0) {
                return;
            }
            total += length;
            if (!spans.isEmpty() && spans.get(spans.size() - 1)[1] == author) {
                spans.get(spans.size() - 1)[0] += length;
            } else {
                spans.add(new int[] {length, author});
            }
        }

        Attribution build() {
            int[] lengths = new int[spans.size()];
            int[] authors = new int[spans.size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = spans.get(i)[0];
                authors[i] = spans.get(i)[1];
            }
            return new Attribution(lengths, authors, total);
        }
    }
}
