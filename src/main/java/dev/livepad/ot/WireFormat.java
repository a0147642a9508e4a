package dev.livepad.ot;

import java.math.BigInteger;
import java.util.List;

/** The ot.js JSON shape of an operation: validation of decoded components and a compact JSON rendering. */
final class WireFormat {
    private WireFormat() {
    }

    static TextOperation parse(List<?> components) throws InvalidOperationException {
        if (components == null) {
            throw new InvalidOperationException("operation must be a list of components, not null");
        }
        TextOperation.Builder builder = TextOperation.builder();
        int index = 0;
        for (Object component : components) {
            try {
                add(builder, component, index++);
            } catch (IllegalArgumentException tooLong) {
                throw new InvalidOperationException(tooLong.getMessage());
            }
        }
        return builder.buildTrusted(); // every insert was checked for lone surrogates in add()
    }

    private static void add(TextOperation.Builder builder, Object component, int index)
            throws InvalidOperationException {
        if (component instanceof Integer || component instanceof Long) {
            int count = toCount(((Number) component).longValue(), index);
            if (count > 0) {
                builder.retain(count);
            } else {
                builder.delete(-count);
            }
        } else if (component instanceof String text) {
            builder.insert(checkInsert(text, index));
        } else if (component instanceof BigInteger) {
            throw new InvalidOperationException("component " + index + " is out of range: " + component);
        } else {
            String type = component == null ? "null" : component.getClass().getSimpleName();
            throw new InvalidOperationException("component " + index
                    + " must be a non-zero integer or a non-empty string, not " + type);
        }
    }

    private static int toCount(long value, int index) throws InvalidOperationException {
        if (value == 0) {
            throw new InvalidOperationException("component " + index + " is 0; retains and deletes must be non-zero");
        }
        // -Integer.MIN_VALUE does not fit an int, so deletes are bounded by MAX_VALUE too.
        if (value > Integer.MAX_VALUE || value < -Integer.MAX_VALUE) {
            throw new InvalidOperationException("component " + index + " is out of range: " + value);
        }
        return (int) value;
    }

    private static String checkInsert(String text, int index) throws InvalidOperationException {
        if (text.isEmpty()) {
            throw new InvalidOperationException("component " + index + " is an empty insert");
        }
        int lone = Utf16.findLoneSurrogate(text);
        if (lone >= 0) {
            throw new InvalidOperationException("component " + index
                    + " inserts a lone surrogate at character " + lone);
        }
        return text;
    }

    /** Renders components as compact JSON, e.g. {@code [3,"ab",-2]}. */
    static String toJson(List<Object> components) {
        StringBuilder out = new StringBuilder("[");
        for (Object component : components) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(component instanceof String text ? quote(text) : component.toString());
        }
        return out.append(']').toString();
    }

    /** A JSON string literal for {@code text}. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
