package dev.livepad;

import dev.livepad.web.AddressRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of a livepad server, read once from the environment. Defaults suit one process
 * on a laptop; docs/operations.md lists each variable.
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        String store,
        Optional<String> jwtSecret,
        Duration ownerTokenTtl,
        Duration maxInviteTtl,
        int maxDocChars,
        int historyOps,
        int snapshotEvery,
        int retentionOps,
        int maxMessageBytes,
        int outboxMaxFrames,
        long outboxMaxBytes,
        List<String> allowedOrigins,
        List<AddressRange> trustedProxies,
        Duration emptyRoomLinger,
        int ratePerSecond,
        int rateBurst,
        int rateBytesPerSecond,
        int rateBytesBurst,
        Duration idleTimeout,
        int maxBodyBytes,
        int maxRoomsPerConnection,
        int maxMembersPerRoom,
        int maxConnectionsPerIp,
        int roomCreatesPerMinute,
        int authFailuresPerMinute,
        Optional<String> adminKey,
        boolean exemptLoopback,
        Duration commitDelay,
        int historyMaxBytes,
        int maxOpComponents,
        long memoryBudgetBytes,
        long sendBudgetBytes,
        int resumeMaxBytes,
        Optional<String> databaseUrl,
        Optional<String> redisUrl,
        String instanceId,
        Duration headCheckEvery,
        Duration presenceExpiry,
        Duration drainPeriod) {
    private static final int MIN_ADMIN_KEY_CHARS = 32;

    /** Settings that only make sense together. */
    public Config {
        if (rateBytesBurst < maxMessageBytes) {
            throw new IllegalArgumentException("RATE_LIMIT_BYTES_BURST (" + rateBytesBurst
                    + ") must be at least MAX_MESSAGE_BYTES (" + maxMessageBytes + "): the largest message must fit");
        }
    }

    /** Reads the settings from environment variables (names as in the README); absent means default. */
    public static Config fromEnv(Map<String, String> env) {
        checkLogSettings(env);
        return new Config(
                env.getOrDefault("HOST", "0.0.0.0"),
                intValue(env, "PORT", 3000, 0, 65_535),
                Path.of(env.getOrDefault("DATA_DIR", "./data")),
                env.getOrDefault("STORE", "sqlite"),
                jwtSecret(env),
                Duration.ofSeconds(intValue(env, "OWNER_TOKEN_TTL_SECONDS", 30 * 24 * 3600, 60, Integer.MAX_VALUE)),
                Duration.ofSeconds(intValue(env, "MAX_INVITE_TTL_SECONDS", 365 * 24 * 3600, 60, Integer.MAX_VALUE)),
                intValue(env, "MAX_DOC_CHARS", 1_000_000, 1, Integer.MAX_VALUE),
                intValue(env, "HISTORY_OPS", 1000, 1, Integer.MAX_VALUE),
                intValue(env, "SNAPSHOT_EVERY", 200, 1, Integer.MAX_VALUE),
                intValue(env, "RETENTION_OPS", 0, 0, Integer.MAX_VALUE),
                intValue(env, "MAX_MESSAGE_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
                intValue(env, "OUTBOX_MAX_FRAMES", 2048, 1, Integer.MAX_VALUE),
                intValue(env, "OUTBOX_MAX_BYTES", 8 * 1024 * 1024, 1024, Integer.MAX_VALUE),
                allowedOrigins(env),
                trustedProxies(env),
                Duration.ofSeconds(intValue(env, "EMPTY_ROOM_LINGER_SECONDS", 30, 0, Integer.MAX_VALUE)),
                intValue(env, "RATE_LIMIT_PER_SECOND", 1000, 1, Integer.MAX_VALUE),
                intValue(env, "RATE_LIMIT_BURST", 2000, 1, Integer.MAX_VALUE),
                intValue(env, "RATE_LIMIT_BYTES_PER_SECOND", 1 << 20, 1, Integer.MAX_VALUE),
                intValue(env, "RATE_LIMIT_BYTES_BURST", 4 << 20, 1, Integer.MAX_VALUE),
                Duration.ofSeconds(intValue(env, "IDLE_TIMEOUT_SECONDS", 120, 1, Integer.MAX_VALUE)),
                intValue(env, "MAX_BODY_BYTES", 64 * 1024, 256, Integer.MAX_VALUE),
                intValue(env, "MAX_ROOMS_PER_CONNECTION", 32, 1, Integer.MAX_VALUE),
                intValue(env, "MAX_MEMBERS_PER_ROOM", 2000, 1, Integer.MAX_VALUE),
                intValue(env, "MAX_CONNECTIONS_PER_IP", 256, 1, Integer.MAX_VALUE),
                intValue(env, "ROOM_CREATES_PER_MINUTE", 60, 1, Integer.MAX_VALUE),
                intValue(env, "AUTH_FAILURES_PER_MINUTE", 30, 1, Integer.MAX_VALUE),
                adminKey(env),
                exemptLoopback(env),
                Duration.ofNanos(1000L * intValue(env, "COMMIT_DELAY_MICROS", 0, 0, 100_000)),
                intValue(env, "HISTORY_MAX_BYTES", 4 * 1024 * 1024, 64 * 1024, Integer.MAX_VALUE),
                intValue(env, "MAX_OP_COMPONENTS", 10_000, 16, 1_000_000),
                heapShare(env, "MEMORY_BUDGET_BYTES", 4),
                heapShare(env, "SEND_BUDGET_BYTES", 8),
                intValue(env, "RESUME_MAX_BYTES", 64 * 1024, 0, Integer.MAX_VALUE),
                optional(env, "DATABASE_URL"),
                optional(env, "REDIS_URL"),
                instanceId(env),
                Duration.ofMillis(intValue(env, "HEAD_CHECK_MILLIS", 1000, 50, 3_600_000)),
                Duration.ofSeconds(intValue(env, "PRESENCE_EXPIRY_SECONDS", 15, 3, 3600)),
                Duration.ofSeconds(intValue(env, "DRAIN_SECONDS", 5, 0, 3600)));
    }

    /**
     * LOG_FORMAT and LOG_LEVEL are read by logback.xml, not here; they are checked here so that a
     * typo stops the server with a message rather than leaving it logging nothing.
     */
    private static void checkLogSettings(Map<String, String> env) {
        String format = env.get("LOG_FORMAT");
        if (format != null && !List.of("text", "json").contains(format)) {
            throw new IllegalArgumentException("LOG_FORMAT must be text or json, got '" + format + "'");
        }
        String level = env.get("LOG_LEVEL");
        if (level != null
                && !List.of("trace", "debug", "info", "warn", "error").contains(level.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "LOG_LEVEL must be trace, debug, info, warn or error, got '" + level + "'");
        }
    }

    /** Several instances share one database: PostgreSQL is the store, whatever STORE says. */
    public boolean clustered() {
        return databaseUrl.isPresent();
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * The name this instance gives itself in a cluster: in client ids (unique across instances),
     * on the bus, in /status and logs. Random unless INSTANCE_ID names it.
     */
    private static String instanceId(Map<String, String> env) {
        String id = optional(env, "INSTANCE_ID").orElseGet(() ->
                Long.toString(new java.security.SecureRandom().nextLong() >>> 28, 36));
        if (!id.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("INSTANCE_ID is 1 to 32 characters from A-Z a-z 0-9 . _ -, got '"
                    + id + "'");
        }
        return id;
    }

    /** A secret of blanks is no secret: refused like a short one. */
    private static Optional<String> jwtSecret(Map<String, String> env) {
        String secret = env.get("JWT_SECRET");
        if (secret != null && !secret.isEmpty() && secret.isBlank()) {
            throw new IllegalArgumentException("JWT_SECRET is only blanks; set a random secret of 32 bytes or more");
        }
        return Optional.ofNullable(secret).filter(s -> !s.isEmpty());
    }

    /** Exact origins; {@code null} (sandboxed frames, local files) would let any such page in, so it is refused. */
    private static List<String> allowedOrigins(Map<String, String> env) {
        List<String> origins = List.of(env.getOrDefault("ALLOWED_ORIGINS", "").split(",")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String origin : origins) {
            if (!origin.matches("(?i)https?://[^/\\s]+/?")) {
                throw new IllegalArgumentException("ALLOWED_ORIGINS entries are scheme://host[:port], got '"
                        + origin + "'");
            }
        }
        return origins;
    }

    /**
     * A byte budget that defaults to 1/{@code divisor} of the heap and may not exceed the heap:
     * a budget larger than memory would bound nothing.
     */
    private static long heapShare(Map<String, String> env, String key, int divisor) {
        long heap = Runtime.getRuntime().maxMemory();
        long value = longValue(env, key, heap / divisor);
        if (value > heap) {
            throw new IllegalArgumentException(key + " (" + value + ") is larger than the heap (" + heap
                    + " bytes, -Xmx); it would bound nothing");
        }
        return value;
    }

    /**
     * {@code EXEMPT_LOOPBACK}, or its predecessor {@code LIMIT_LOOPBACK} with the opposite sense,
     * which load-test scripts still set ({@code LIMIT_LOOPBACK=false}, as shared/bench does). Both
     * are parsed strictly; set both and disagreeing, they refuse to start.
     */
    private static boolean exemptLoopback(Map<String, String> env) {
        boolean exempt = booleanValue(env, "EXEMPT_LOOPBACK", false);
        String legacy = env.get("LIMIT_LOOPBACK");
        if (legacy == null || legacy.isBlank()) {
            return exempt;
        }
        boolean legacyExempt = !booleanValue(env, "LIMIT_LOOPBACK", true);
        String current = env.get("EXEMPT_LOOPBACK");
        if (current != null && !current.isBlank() && exempt != legacyExempt) {
            throw new IllegalArgumentException("LIMIT_LOOPBACK (the old name) and EXEMPT_LOOPBACK disagree;"
                    + " set EXEMPT_LOOPBACK only");
        }
        return legacyExempt;
    }

    /** An admin key short enough to guess would guard nothing, so a short one refuses to start. */
    private static Optional<String> adminKey(Map<String, String> env) {
        Optional<String> key = Optional.ofNullable(env.get("ADMIN_KEY")).filter(s -> !s.isEmpty());
        if (key.isPresent() && key.get().length() < MIN_ADMIN_KEY_CHARS) {
            throw new IllegalArgumentException("ADMIN_KEY must be at least " + MIN_ADMIN_KEY_CHARS
                    + " characters, got " + key.get().length());
        }
        return key;
    }

    /** Comma-separated addresses or CIDR ranges; one bad entry refuses to start, naming it. */
    private static List<AddressRange> trustedProxies(Map<String, String> env) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String entry : env.getOrDefault("TRUSTED_PROXIES", "").split(",")) {
            if (!entry.isBlank()) {
                try {
                    ranges.add(AddressRange.parse(entry.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("TRUSTED_PROXIES: " + e.getMessage()
                            + "; list IP addresses or CIDR ranges such as 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"
                            + " (names are not resolved)");
                }
            }
        }
        return List.copyOf(ranges);
    }

    /** true/yes/1 or false/no/0 in any case; anything else is a typo that must not pass as false. */
    private static boolean booleanValue(Map<String, String> env, String key, boolean fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false (or yes/no, 1/0), got '"
                    + value + "'");
        };
    }

    private static int intValue(Map<String, String> env, String key, int fallback, int min, int max) {
        int value = intValue(env, key, fallback);
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static long longValue(Map<String, String> env, String key, long fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(key + " must be a positive whole number, got '" + value + "'");
    }

    private static int intValue(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }
}
