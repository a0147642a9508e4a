package dev.livepad.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one configured Jackson setup. Reading: duplicate keys and trailing content refused,
 * nesting bounded far below Jackson's 1000 levels, strings no longer than a frame, and numbers
 * kept exact so that a ping's {@code t} echoes as sent. Writing: surrogates are written as JSON
 * escapes, so a lone surrogate a client put in an id or a name comes back exactly instead
 * of being mangled by UTF-8 encoding.
 */
public final class Json {
    public static final int MAX_NESTING = 16;

    private Json() {
    }

    /**
     * For what the server wrote itself and reads back (stored ops, other instances' bus
     * messages, exports): checked when it first came in, and some of it larger than any frame (a
     * history restore is one op of a whole text), so a frame's bounds must not refuse it again.
     */
    public static final ObjectMapper TRUSTED = mapper(Integer.MAX_VALUE);

    /** A mapper whose strings may be as long as the largest frame the server accepts. */
    public static ObjectMapper mapper(int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(Math.max(maxStringLength, 1024))
                        .build())
                .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        factory.setCharacterEscapes(new SurrogateEscapes());
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * {@code mapper.readTree(text)}, except that a number too large for a {@code BigDecimal}
     * ({@code 1e99999999999}, legal JSON) is read as an infinite double instead of escaping as a
     * {@code NumberFormatException}: the message it is in is then refused for what it is.
     */
    public static JsonNode readTree(ObjectMapper mapper, String text) throws JacksonException {
        try {
            return mapper.readTree(text);
        } catch (NumberFormatException e) {
            return mapper.reader().without(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(text);
        }
    }

    /** A factory for writing server messages, with the same escaping as {@link #mapper}. */
    public static JsonFactory writerFactory() {
        JsonFactory factory = new JsonFactory();
        factory.setCharacterEscapes(new SurrogateEscapes());
        return factory;
    }

    /** Escapes UTF-16 surrogates (paired or not) and leaves everything else to the standard rules. */
    private static final class SurrogateEscapes extends CharacterEscapes {
        /**
         * Made once: a text of emoji has a surrogate in every other unit, and formatting each
         * escape anew made a megabyte join reply cost 0.4 s of CPU.
         */
        private static final SerializableString[] SURROGATES = new SerializableString[Character.MAX_SURROGATE
                - Character.MIN_SURROGATE + 1];

        static {
            for (int i = 0; i < SURROGATES.length; i++) {
                SURROGATES[i] = new SerializedString("\\u" + Integer.toHexString(Character.MIN_SURROGATE + i));
            }
        }

        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch >= Character.MIN_SURROGATE && ch <= Character.MAX_SURROGATE) {
                return SURROGATES[ch - Character.MIN_SURROGATE];
            }
            return null;
        }
    }
}
