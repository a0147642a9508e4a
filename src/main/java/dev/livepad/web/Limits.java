package dev.livepad.web;

import dev.livepad.Config;
import java.time.Duration;

/** The edge's limits: frame and body size, idle time, each connection's outbound queue and rate. */
record Limits(int maxMessageBytes, int outboxMaxFrames, long outboxMaxChars, Duration idleTimeout,
              int maxBodyBytes, int ratePerSecond, int rateBurst) {

    static Limits from(Config config) {
        return new Limits(config.maxMessageBytes(), config.outboxMaxFrames(), config.outboxMaxBytes(),
                config.idleTimeout(), config.maxBodyBytes(), config.ratePerSecond(), config.rateBurst());
    }
}
