package dev.livepad.ot;

/** Surrogate-pair rules shared by operation validation: lengths are UTF-16 units, but a pair is indivisible. */
final class Utf16 {
    private Utf16() {
    }

    /** Index of the first surrogate that is not part of a well-formed pair, or -1 if there is none. */
    static int findLoneSurrogate(CharSequence s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** True if a cut at {@code offset} would separate the two halves of a surrogate pair in {@code doc}. */
    static boolean splitsPair(CharSequence doc, int offset) {
        return offset > 0 && offset < doc.length()
                && Character.isHighSurrogate(doc.charAt(offset - 1))
                && Character.isLowSurrogate(doc.charAt(offset));
    }
}
