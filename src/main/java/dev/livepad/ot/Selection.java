package dev.livepad.ot;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's cursors and selected ranges in a document, as in ot.js's Selection: what a {@code cursor} message
 * carries and what the server keeps of each member's cursor. Indices are UTF-16 offsets and are not checked
 * against any document; {@link #transform} moves them through a later operation.
 */
public final class Selection {
    private final List<Range> ranges;

    /** One range: {@code anchor} is the fixed end and {@code head} the end with the caret; equal ends are a cursor. */
    public record Range(int anchor, int head) {
        /** True if this range is a plain cursor. */
        public boolean isEmpty() {
            return anchor == head;
        }

        /** This range moved through {@code op}, each end as by {@link TextOperation#transformIndex}. */
        public Range transform(TextOperation op) {
            int newAnchor = op.transformIndex(anchor);
            return isEmpty() ? new Range(newAnchor, newAnchor) : new Range(newAnchor, op.transformIndex(head));
        }
    }

    public Selection(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** A selection consisting of a single cursor at {@code position}. */
    public static Selection cursor(int position) {
        return new Selection(List.of(new Range(position, position)));
    }

    public List<Range> ranges() {
        return ranges;
    }

    /** True if at least one range selects some text rather than being a plain cursor. */
    public boolean somethingSelected() {
        return ranges.stream().anyMatch(range -> !range.isEmpty());
    }

    /**
     * This selection as it stands after {@code op} is applied to its document; ranges keep their order. Every end
     * moves as by {@link TextOperation#transformIndex}, in one pass over the op for all of them
     * ({@link TextOperation#transformIndices}), so a selection of many ranges costs the op's size, not the product.
     */
    public Selection transform(TextOperation op) {
        int[] ends = new int[ranges.size() * 2];
        for (int i = 0; i < ranges.size(); i++) {
            ends[2 * i] = ranges.get(i).anchor();
            ends[2 * i + 1] = ranges.get(i).head();
        }
        ends = op.transformIndices(ends);
        List<Range> moved = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            moved.add(new Range(ends[2 * i], ends[2 * i + 1]));
        }
        return new Selection(moved);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return "Selection" + ranges;
    }
}
