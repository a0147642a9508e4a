package dev.livepad.metrics;

import dev.livepad.protocol.CloseCode;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections closed, by WebSocket status code. The codes RFC 6455 and the protocol use each have
 * a slot; anything else (a client may send any code from 3000 to 4999) counts as {@code other},
 * so a client cannot grow the label set.
 */
public final class CloseCounts {
    /** The codes counted on their own, in the order they are reported: every {@link CloseCode}. */
    public static final int[] CODES = Arrays.stream(CloseCode.values()).mapToInt(CloseCode::code).toArray();

    private final LongAdder[] counts = new LongAdder[CODES.length + 1];

    CloseCounts() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void add(int statusCode) {
        counts[slot(statusCode)].increment();
    }

    /** Closes with {@code statusCode} (any code outside {@link #CODES}: all of those together). */
    public long count(int statusCode) {
        return counts[slot(statusCode)].sum();
    }

    /** The label a code is reported under: the code itself, or {@code other}. */
    public static String label(int statusCode) {
        int slot = slot(statusCode);
        return slot < CODES.length ? Integer.toString(CODES[slot]) : "other";
    }

    private static int slot(int statusCode) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == statusCode) {
                return i;
            }
        }
        return CODES.length;
    }
}
