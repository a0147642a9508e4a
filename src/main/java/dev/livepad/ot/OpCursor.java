package dev.livepad.ot;

/**
 * A mutable read position inside an operation's components, used by compose and transform.
 * Components can be consumed partially, so the cursor tracks how much of the current one is used up.
 */
final class OpCursor {
    private final int[] counts;
    private final String[] inserts;
    private int index;
    private int consumed;

    OpCursor(int[] counts, String[] inserts) {
        this.counts = counts;
        this.inserts = inserts;
    }

    boolean done() {
        return index == counts.length;
    }

    boolean isRetain() {
        return index < counts.length && counts[index] > 0;
    }

    boolean isDelete() {
        return index < counts.length && counts[index] < 0;
    }

    boolean isInsert() {
        return index < counts.length && counts[index] == 0;
    }

    /** Units left in the current component: characters for an insert, the count for a retain or delete. */
    int remaining() {
        int count = counts[index];
        int total = count == 0 ? inserts[index].length() : Math.abs(count);
        return total - consumed;
    }

    /** Consumes {@code n} units of the current component, moving to the next one when it is used up. */
    void advance(int n) {
        consumed += n;
        if (remaining() == 0) {
            index++;
            consumed = 0;
        }
    }

    /** Consumes and returns the next {@code n} characters of the current insert, sharing the string when possible. */
    String takeText(int n) {
        String text = inserts[index];
        String piece = consumed == 0 && n == text.length() ? text : text.substring(consumed, consumed + n);
        advance(n);
        return piece;
    }
}
