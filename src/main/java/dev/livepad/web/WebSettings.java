package dev.livepad.web;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the web edge is configured with, taken from {@code Config} by the composition root, so
 * that {@code web} depends on its own settings and not on the root package that builds it (as
 * {@code room.RoomSettings} does for rooms).
 *
 * @param host           the address to listen on
 * @param port           the port; 0 picks a free one
 * @param maxBodyBytes   the largest HTTP request body
 * @param limits         per-connection limits and the server-wide send budget
 * @param addressBudget  the per-address limits
 * @param allowedOrigins origins allowed to open WebSockets and call the API from a browser
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed
 * @param instanceId     this instance's name in log lines
 * @param adminKey       the dashboard's key; empty opens it to this machine only
 * @param ownerTokenTtl  how long an owner token lives
 * @param maxInviteTtl   the longest lifetime an invite may ask for
 */
public record WebSettings(String host, int port, int maxBodyBytes, Limits limits, AddressBudget addressBudget,
                          List<String> allowedOrigins, List<AddressRange> trustedProxies, String instanceId,
                          Optional<String> adminKey, Duration ownerTokenTtl, Duration maxInviteTtl,
                          Duration eventsHeartbeat) {

    /**
     * Per-address budgets: open connections, room creations and failed tokens per minute, and
     * whether loopback is exempt from them.
     */
    public record AddressBudget(boolean exemptLoopback, int maxConnections, int roomCreatesPerMinute,
                                int authFailuresPerMinute) {
    }

    public WebSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }
}
