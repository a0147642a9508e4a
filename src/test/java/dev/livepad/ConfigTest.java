package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void the_commit_delay_is_read_in_microseconds_and_defaults_to_none() {
        assertEquals(Duration.ZERO, Config.fromEnv(Map.of()).commitDelay());
        assertEquals(Duration.ofMillis(1), Config.fromEnv(Map.of("COMMIT_DELAY_MICROS", "1000")).commitDelay());
    }

    @Test
    void a_commit_delay_outside_0_to_100_ms_refuses_to_start() {
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("COMMIT_DELAY_MICROS", "-1")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("COMMIT_DELAY_MICROS", "100001")));
    }
}
