package dev.livepad.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a server message that an {@link Editor} reads, taken in one streaming pass with Jackson's parser and
 * no tree: every member parses every op, so in {@code bigroom} this runs 250,000 times a second on the machine that
 * runs the server too, and a tree (a map per message) took a fifth of the generator's CPU. Other fields are skipped.
 *
 * @param rev the {@code rev} field, or -1 when absent
 * @param op the {@code op} components (String inserts, Long retains and deletes), or null when absent
 */
record Incoming(String type, long rev, String id, List<Object> op, String text, String code, String ref) {
    private static final JsonFactory JSON = new JsonFactory();

    /** The fields of {@code message}; its {@code op} is skipped (null) unless {@code withOp}. */
    static Incoming parse(String message, boolean withOp) throws IOException {
        String type = null;
        String id = null;
        String text = null;
        String code = null;
        String ref = null;
        long rev = -1;
        List<Object> op = null;
        try (JsonParser p = JSON.createParser(message)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object: " + message);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> type = p.getValueAsString();
                    case "rev" -> rev = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "id" -> id = p.getValueAsString();
                    case "text" -> text = p.getValueAsString();
                    case "code" -> code = p.getValueAsString();
                    case "ref" -> ref = p.getValueAsString();
                    case "op" -> op = withOp && value == JsonToken.START_ARRAY ? components(p) : null;
                    default -> { }
                }
                p.skipChildren(); // an object or array not read above; after a scalar or a read op, nothing
            }
        }
        return new Incoming(type, rev, id, op, text, code, ref);
    }

    // Strings stay strings and whole numbers become Longs, as TextOperation.fromComponents takes them.
    private static List<Object> components(JsonParser p) throws IOException {
        List<Object> out = new ArrayList<>(4);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new IOException("the op array is not closed");
            }
            if (t == JsonToken.VALUE_NUMBER_INT) {
                out.add(p.getLongValue());
            } else if (t == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            } else {
                throw new IOException("an op component is neither a whole number nor a string: " + t);
            }
        }
        return out;
    }
}
