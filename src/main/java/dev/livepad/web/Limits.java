package dev.livepad.web;

import dev.livepad.Config;
import java.time.Duration;

/** The edge's per-connection limits: frame size, silence, outbound queue, message and byte rate, rooms. */
record Limits(int maxMessageBytes, int outboxMaxFrames, long outboxMaxBytes, Duration idleTimeout,
              int ratePerSecond, int rateBurst, int rateBytesPerSecond, int rateBytesBurst,
              int maxRoomsPerConnection) {

    static Limits from(Config config) {
        return new Limits(config.maxMessageBytes(), config.outboxMaxFrames(), config.outboxMaxBytes(),
                config.idleTimeout(), config.ratePerSecond(), config.rateBurst(), config.rateBytesPerSecond(),
                config.rateBytesBurst(), config.maxRoomsPerConnection());
    }
}
