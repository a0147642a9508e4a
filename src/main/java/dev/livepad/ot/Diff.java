package dev.livepad.ot;

/**
 * One operation that turns a text into another, for edits that arrive as a whole new text (a
 * restore of an old revision) rather than as an op. It keeps the longest common prefix and suffix
 * and replaces what lies between: linear time and memory, and everything outside the changed
 * middle keeps its place, its author and the carets in it. Cuts never fall inside a surrogate
 * pair, so the op is always valid.
 */
public final class Diff {
    private Diff() {
    }

    /** The op that turns {@code from} into {@code to}; a pure retain when they are equal. */
    public static TextOperation between(CharSequence from, CharSequence to) {
        int max = Math.min(from.length(), to.length());
        int prefix = 0;
        while (prefix < max && from.charAt(prefix) == to.charAt(prefix)) {
            prefix++;
        }
        if (prefix > 0 && Character.isHighSurrogate(from.charAt(prefix - 1))) {
            prefix--; // the pair differs in its low half: take the whole pair as changed
        }
        int suffix = 0;
        while (suffix < max - prefix
                && from.charAt(from.length() - 1 - suffix) == to.charAt(to.length() - 1 - suffix)) {
            suffix++;
        }
        if (suffix > 0 && Character.isLowSurrogate(from.charAt(from.length() - suffix))) {
            suffix--; // the pair differs in its high half
        }
        return TextOperation.builder()
                .retain(prefix)
                .delete(from.length() - prefix - suffix)
                .insert(to.subSequence(prefix, to.length() - suffix).toString())
                .retain(suffix)
                .build();
    }
}
