package dev.livepad.web;

import static dev.livepad.web.RateLimiter.Verdict.ALLOW;
import static dev.livepad.web.RateLimiter.Verdict.DISCONNECT;
import static dev.livepad.web.RateLimiter.Verdict.DROP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two budgets on a fixed clock: messages and bytes, with the same three verdicts. */
class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void bytes_are_counted_as_utf8() {
        for (String text : new String[] {"", "ascii", "é", "€uro", "😀 grin", "a\u0000b", "日本語"}) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, RateLimiter.utf8Length(text), text);
        }
    }

    @Test
    void large_messages_spend_the_byte_budget_which_refills_at_its_rate() {
        RateLimiter limiter = new RateLimiter(1000, 1000, 100, 300, 0);
        assertEquals(ALLOW, limiter.acquire(0, 200));
        assertEquals(ALLOW, limiter.acquire(0, 100));
        assertEquals(DROP, limiter.acquire(0, 1));
        assertEquals(ALLOW, limiter.acquire(SECOND, 100));
    }

    @Test
    void dropping_more_than_a_further_burst_of_bytes_disconnects() {
        RateLimiter limiter = new RateLimiter(1000, 1000, 100, 300, 0);
        assertEquals(ALLOW, limiter.acquire(0, 300));
        assertEquals(DROP, limiter.acquire(0, 200));
        assertEquals(DROP, limiter.acquire(0, 100));
        assertEquals(DISCONNECT, limiter.acquire(0, 1));
    }

    @Test
    void the_message_budget_still_applies_to_small_messages() {
        RateLimiter limiter = new RateLimiter(1, 2, 1_000_000, 1_000_000, 0);
        assertEquals(ALLOW, limiter.acquire(0, 1));
        assertEquals(ALLOW, limiter.acquire(0, 1));
        assertEquals(DROP, limiter.acquire(0, 1));
        assertEquals(DROP, limiter.acquire(0, 1));
        assertEquals(DISCONNECT, limiter.acquire(0, 1));
    }
}
