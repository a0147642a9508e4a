package dev.livepad.web;

import java.time.Duration;

/**
 * The edge's per-connection limits (frame size, silence, outbound queue, message and byte rate,
 * rooms) and the bound on bytes waiting to be sent over all connections together.
 */
public record Limits(int maxMessageBytes, int outboxMaxFrames, long outboxMaxBytes, Duration idleTimeout,
              int ratePerSecond, int rateBurst, int rateBytesPerSecond, int rateBytesBurst,
              int maxRoomsPerConnection, long sendBudgetBytes) {
}
