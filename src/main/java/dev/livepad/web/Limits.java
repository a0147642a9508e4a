package dev.livepad.web;

import dev.livepad.Config;
import java.time.Duration;

/**
 * The edge's per-connection limits (frame size, silence, outbound queue, message and byte rate,
 * rooms) and the bound on bytes waiting to be sent over all connections together.
 */
record Limits(int maxMessageBytes, int outboxMaxFrames, long outboxMaxBytes, Duration idleTimeout,
              int ratePerSecond, int rateBurst, int rateBytesPerSecond, int rateBytesBurst,
              int maxRoomsPerConnection, long sendBudgetBytes) {

    static Limits from(Config config) {
        return new Limits(config.maxMessageBytes(), config.outboxMaxFrames(), config.outboxMaxBytes(),
                config.idleTimeout(), config.ratePerSecond(), config.rateBurst(), config.rateBytesPerSecond(),
                config.rateBytesBurst(), config.maxRoomsPerConnection(), config.sendBudgetBytes());
    }
}
