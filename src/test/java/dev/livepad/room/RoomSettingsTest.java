package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often a room's text is snapshotted, by its size. */
class RoomSettingsTest {
    private static RoomSettings every(int snapshotEvery) {
        return new RoomSettings(2_000_000, 1000, 1 << 20, snapshotEvery, Duration.ZERO, 100, 1 << 20, 0);
    }

    @Test
    void texts_up_to_500_characters_per_op_of_the_interval_keep_it() {
        RoomSettings settings = every(200);
        assertEquals(200, settings.snapshotInterval(0));
        assertEquals(200, settings.snapshotInterval(100_000));
        assertEquals(400, settings.snapshotInterval(100_001));
        assertEquals(3_200, settings.snapshotInterval(1_000_000));
        assertEquals(1, every(1).snapshotInterval(500));
        assertEquals(2, every(1).snapshotInterval(501));
    }

    @Test
    void a_larger_text_has_an_interval_that_is_a_multiple_of_a_smaller_ones() {
        RoomSettings settings = every(3);
        long previous = settings.snapshotInterval(0);
        for (long length = 1; length < 2_000_000; length = length * 3 / 2 + 1) {
            long interval = settings.snapshotInterval(length);
            assertEquals(0, interval % previous, "interval at " + length);
            assertTrue(interval * RoomSettings.SNAPSHOT_CHARS_PER_OP >= length, "interval at " + length);
            previous = interval;
        }
    }

    @Test
    void a_revision_is_due_on_the_multiples_of_its_texts_interval() {
        RoomSettings settings = every(200);
        assertTrue(settings.snapshotDue(200, 10));
        assertFalse(settings.snapshotDue(201, 10));
        assertFalse(settings.snapshotDue(200, 1_000_000));
        assertTrue(settings.snapshotDue(6_400, 1_000_000));
    }
}
