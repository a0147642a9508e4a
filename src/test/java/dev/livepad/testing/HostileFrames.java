package dev.livepad.testing;

import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Builds client frames field by field from raw JSON text, so a field can be left out, mistyped,
 * duplicated or written in a form no JSON library would produce, with fields in random order and
 * harmless unknown fields mixed in (the protocol ignores unknown fields).
 */
public final class HostileFrames {
    private static final String[] INSERTS = {"a", "xyz", " ", "\n", "é", "中", "😀", "𝄞", "<b>", "\"", "\\", "\u0000",
        "\u202e", "'; --", "e\u0301"};
    private static final String[] HARMLESS = {
        "\"x\":1",
        "\"clientId\":\"c1\"",
        "\"__proto__\":{}",
        "\"extra\":[1,\"a\",null]",
        "\"role\":\"owner\"",
        "\"rev2\":-1",
        "\"ok\":true",
        "\"nested\":{\"type\":\"join\"}"
    };

    private final Random random;

    public HostileFrames(Random random) {
        this.random = random;
    }

    /** A JSON string literal, escaping non-ASCII or not at random. */
    public String str(String text) {
        return HostileStrings.quote(text, random.nextInt(4) == 0);
    }

    /**
     * An object from {@code "name", rawJsonValue} pairs; a null value leaves the field out. Fields
     * are shuffled and now and then an unknown field is added.
     */
    public String object(String... namesAndValues) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                fields.add(HostileStrings.quote(namesAndValues[i]) + ":" + namesAndValues[i + 1]);
            }
        }
        if (random.nextInt(6) == 0) {
            fields.add(HARMLESS[random.nextInt(HARMLESS.length)]);
        }
        Collections.shuffle(fields, random);
        String separator = random.nextInt(8) == 0 ? " , " : ",";
        return "{" + String.join(separator, fields) + "}";
    }

    /** The same object with one of its fields repeated (a duplicate key). */
    public String withDuplicate(String name, String first, String... rest) {
        String object = object(rest);
        String dup = HostileStrings.quote(name) + ":" + first;
        String inner = object.substring(1, object.length() - 1);
        return "{" + dup + (inner.isEmpty() ? "" : "," + inner) + "," + dup + "}";
    }

    /** Components of an op covering exactly {@code covered} units, as JSON, never splitting anything on purpose. */
    public String op(int covered) {
        return toJson(components(covered));
    }

    public List<Object> components(int covered) {
        List<Object> out = new ArrayList<>();
        int left = covered;
        while (left > 0 || random.nextInt(3) == 0) {
            if (random.nextInt(3) == 0) {
                out.add(INSERTS[random.nextInt(INSERTS.length)].repeat(1 + random.nextInt(3)));
            }
            if (left == 0) {
                break;
            }
            int n = 1 + random.nextInt(Math.min(left, 1 + random.nextInt(50)));
            out.add(random.nextInt(3) == 0 ? -n : n);
            left -= n;
        }
        return out;
    }

    /** Components whose retains and deletes cover anything but {@code length}. */
    public String opOfWrongLength(int length) {
        int covered;
        do {
            covered = random.nextInt(4) == 0 ? random.nextInt(length + 1) : length + 1 + random.nextInt(60);
        } while (covered == length);
        return op(covered);
    }

    public String toJson(List<Object> components) {
        StringBuilder out = new StringBuilder("[");
        for (Object c : components) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(c instanceof String s ? str(s) : c.toString());
        }
        return out.append(']').toString();
    }

    public static String toJson(TextOperation op) {
        StringBuilder out = new StringBuilder("[");
        for (Object c : op.toComponents()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(c instanceof String s ? HostileStrings.quote(s) : c.toString());
        }
        return out.append(']').toString();
    }

    /** A string of about {@code bytes} UTF-8 bytes, ASCII or two-byte characters. */
    public String bulk(int bytes) {
        return random.nextBoolean() ? "x".repeat(bytes) : "é".repeat(bytes / 2);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
