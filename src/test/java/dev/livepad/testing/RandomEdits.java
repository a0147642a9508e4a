package dev.livepad.testing;

import dev.livepad.ot.TextOperation;
import java.util.Random;

/** Random edits on whole code points (never splitting a surrogate pair), for convergence tests. */
public final class RandomEdits {
    private static final String[] PIECES = {"a", "b", "xyz", " ", "\n", "é", "中", "😀", "𝄞", "hello "};

    private RandomEdits() {
    }

    /** An insert or a delete somewhere in {@code text}, sized to keep documents small. */
    public static TextOperation next(Random random, String text) {
        int length = text.length();
        int at = boundary(text, random.nextInt(length + 1));
        if (length > 0 && random.nextInt(3) == 0) {
            int end = boundary(text, Math.min(length, at + 1 + random.nextInt(4)));
            if (end > at) {
                return TextOperation.builder().retain(at).delete(end - at).retain(length - end).build();
            }
        }
        String insert = PIECES[random.nextInt(PIECES.length)];
        return TextOperation.builder().retain(at).insert(insert).retain(length - at).build();
    }

    /** Moves an index off the middle of a surrogate pair. */
    private static int boundary(String text, int index) {
        if (index > 0 && index < text.length() && Character.isLowSurrogate(text.charAt(index))
                && Character.isHighSurrogate(text.charAt(index - 1))) {
            return index - 1;
        }
        return index;
    }
}
