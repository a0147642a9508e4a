package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static final String LONG_KEY = "k".repeat(32);

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

    @Test
    void loopback_is_not_exempt_from_per_address_limits_by_default() {
        assertFalse(Config.fromEnv(Map.of()).exemptLoopback());
        assertTrue(Config.fromEnv(Map.of("EXEMPT_LOOPBACK", "true")).exemptLoopback());
    }

    @Test
    void booleans_accept_true_false_yes_no_1_0_in_any_case() {
        for (String yes : new String[] {"true", "TRUE", "True", "yes", "YES", "1", " true "}) {
            assertTrue(Config.fromEnv(Map.of("EXEMPT_LOOPBACK", yes)).exemptLoopback(), yes);
        }
        for (String no : new String[] {"false", "FALSE", "no", "No", "0", ""}) {
            assertFalse(Config.fromEnv(Map.of("EXEMPT_LOOPBACK", no)).exemptLoopback(), no);
        }
    }

    @Test
    void any_other_boolean_value_refuses_to_start_naming_the_variable() {
        for (String bad : new String[] {"on", "2", "ture", "y", "enabled"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Config.fromEnv(Map.of("EXEMPT_LOOPBACK", bad)), bad);
            assertTrue(e.getMessage().contains("EXEMPT_LOOPBACK") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void the_old_limit_loopback_setting_still_works_with_its_opposite_sense_and_strictly() {
        assertTrue(Config.fromEnv(Map.of("LIMIT_LOOPBACK", "false")).exemptLoopback(), "shared/bench sets this");
        assertFalse(Config.fromEnv(Map.of("LIMIT_LOOPBACK", "true")).exemptLoopback());
        assertTrue(Config.fromEnv(Map.of("LIMIT_LOOPBACK", "false", "EXEMPT_LOOPBACK", "true")).exemptLoopback());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("LIMIT_LOOPBACK", "maybe")));
        assertTrue(e.getMessage().contains("LIMIT_LOOPBACK"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("LIMIT_LOOPBACK", "false", "EXEMPT_LOOPBACK", "false")));
        assertTrue(e.getMessage().contains("LIMIT_LOOPBACK") && e.getMessage().contains("EXEMPT_LOOPBACK"),
                e.getMessage());
    }

    @Test
    void the_byte_rate_limit_defaults_to_1_mib_per_second_with_a_4_mib_burst() {
        Config defaults = Config.fromEnv(Map.of());
        assertEquals(1_048_576, defaults.rateBytesPerSecond());
        assertEquals(4_194_304, defaults.rateBytesBurst());
    }

    @Test
    void a_byte_burst_below_the_largest_message_refuses_to_start() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("RATE_LIMIT_BYTES_BURST", "262143")));
        assertTrue(e.getMessage().contains("RATE_LIMIT_BYTES_BURST") && e.getMessage().contains("MAX_MESSAGE_BYTES"),
                e.getMessage());
        assertEquals(65536, Config.fromEnv(Map.of("RATE_LIMIT_BYTES_BURST", "65536", "MAX_MESSAGE_BYTES", "65536"))
                .rateBytesBurst());
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("RATE_LIMIT_BYTES_PER_SECOND", "0")));
    }

    @Test
    void an_admin_key_shorter_than_32_characters_refuses_to_start() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("ADMIN_KEY", "k".repeat(31))));
        assertTrue(e.getMessage().contains("ADMIN_KEY") && e.getMessage().contains("32"), e.getMessage());
        assertEquals(Optional.of(LONG_KEY), Config.fromEnv(Map.of("ADMIN_KEY", LONG_KEY)).adminKey());
        assertEquals(Optional.empty(), Config.fromEnv(Map.of("ADMIN_KEY", "")).adminKey());
    }

    @Test
    void settings_that_would_switch_a_limit_off_or_break_the_server_refuse_to_start_naming_the_variable() {
        String[][] refused = {
            {"MAX_MESSAGE_BYTES", "-1"}, {"MAX_MESSAGE_BYTES", "0"}, {"SNAPSHOT_EVERY", "0"}, {"HISTORY_OPS", "0"},
            {"IDLE_TIMEOUT_SECONDS", "0"}, {"IDLE_TIMEOUT_SECONDS", "-5"}, {"RATE_LIMIT_PER_SECOND", "0"},
            {"RATE_LIMIT_BURST", "0"}, {"MAX_CONNECTIONS_PER_IP", "-1"}, {"AUTH_FAILURES_PER_MINUTE", "0"},
            {"ROOM_CREATES_PER_MINUTE", "-1"}, {"MAX_DOC_CHARS", "-1"}, {"OUTBOX_MAX_FRAMES", "0"},
            {"OUTBOX_MAX_BYTES", "-1"}, {"MAX_ROOMS_PER_CONNECTION", "-1"}, {"MAX_MEMBERS_PER_ROOM", "-1"},
            {"OWNER_TOKEN_TTL_SECONDS", "-1"}, {"MAX_INVITE_TTL_SECONDS", "0"}, {"MAX_BODY_BYTES", "-1"},
            {"PORT", "70000"}, {"MAX_OP_COMPONENTS", "0"}, {"HISTORY_MAX_BYTES", "1"},
            {"JWT_SECRET", " ".repeat(40)}, {"ALLOWED_ORIGINS", "null"}, {"ALLOWED_ORIGINS", "https://ok.example,*"},
            {"TRUSTED_PROXIES", "0.0.0.0/1,128.0.0.0/1"}, {"TRUSTED_PROXIES", "::/1"},
            {"MEMORY_BUDGET_BYTES", String.valueOf(Long.MAX_VALUE)}, {"SEND_BUDGET_BYTES", "0"},
            {"LOG_FORMAT", "JSON "}, {"LOG_FORMAT", "xml"}, {"LOG_LEVEL", "verbose"}, {"DRAIN_SECONDS", "-1"},
        };
        for (String[] setting : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Config.fromEnv(Map.of(setting[0], setting[1])), setting[0] + "=" + setting[1]);
            assertTrue(e.getMessage().contains(setting[0].equals("TRUSTED_PROXIES") ? "prefix" : setting[0]),
                    e.getMessage());
        }
        assertEquals(List.of("https://pad.example.com", "http://localhost:3000"), Config.fromEnv(
                Map.of("ALLOWED_ORIGINS", "https://pad.example.com, http://localhost:3000")).allowedOrigins());
        assertEquals(1, Config.fromEnv(Map.of("TRUSTED_PROXIES", "10.0.0.0/8")).trustedProxies().size());
    }

    @Test
    void a_stop_drains_for_five_seconds_unless_told_otherwise_and_log_settings_are_checked_but_kept_by_logback() {
        assertEquals(Duration.ofSeconds(5), Config.fromEnv(Map.of()).drainPeriod());
        assertEquals(Duration.ZERO, Config.fromEnv(Map.of("DRAIN_SECONDS", "0")).drainPeriod());
        Config.fromEnv(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "DEBUG")); // accepted
    }
}
