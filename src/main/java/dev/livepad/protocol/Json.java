package dev.livepad.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one configured Jackson mapper: duplicate keys refused, nesting and number lengths bounded
 * far below Jackson's defaults (1000 levels, 1000-digit numbers) since no livepad message needs them.
 */
public final class Json {
    public static final int MAX_NESTING = 16;
    public static final int MAX_NUMBER_LENGTH = 24;

    private Json() {
    }

    /** A mapper whose strings may be as long as the largest frame the server accepts. */
    public static ObjectMapper mapper(int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(Math.max(maxStringLength, 1024))
                        .build())
                .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return new ObjectMapper(factory);
    }
}
