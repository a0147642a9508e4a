package dev.livepad.store;

/**
 * A client's strings (op ids, display names) as both databases keep them exactly. SQLite writes
 * text as UTF-8, which turns a lone surrogate into U+FFFD, and PostgreSQL's {@code text} refuses
 * U+0000 outright; yet the protocol lets a client put either in an id, and a retry after a
 * restart is recognised only if its id reads back as sent. Such a string is stored escaped
 * ({@code \xxxx} per unit that cannot be kept, and per backslash) behind a leading U+FFFF, a
 * noncharacter; every other string, which is all a well-behaved client sends, is stored as is.
 */
final class ColumnText {
    private static final char ESCAPED = '\uFFFF';

    private ColumnText() {
    }

    static String encode(String text) {
        if (text == null || storable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(ESCAPED);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || unstorableAt(text, i)) {
                out.append('\\').append(String.format("%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String decode(String stored) {
        if (stored == null || stored.isEmpty() || stored.charAt(0) != ESCAPED) {
            return stored;
        }
        StringBuilder out = new StringBuilder(stored.length());
        for (int i = 1; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == '\\' && i + 4 < stored.length()) {
                out.append((char) Integer.parseInt(stored, i + 1, i + 5, 16));
                i += 4;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean storable(String text) {
        if (!text.isEmpty() && text.charAt(0) == ESCAPED) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (unstorableAt(text, i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the unit at {@code i} cannot be stored as is: U+0000, or half of no surrogate pair. */
    private static boolean unstorableAt(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return c == 0;
    }
}
