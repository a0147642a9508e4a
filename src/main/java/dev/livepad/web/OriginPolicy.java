package dev.livepad.web;

import java.util.List;
import java.util.Locale;

/**
 * Decides whether a WebSocket upgrade's {@code Origin} may connect, against an exact allowlist
 * (no prefix or suffix matching). With no allowlist configured, only the server's own origin,
 * as named by the request's {@code Host}, is allowed. Requests without an {@code Origin} come
 * from non-browser clients, which cross-site WebSocket hijacking cannot use, and are allowed.
 */
final class OriginPolicy {
    private final List<String> allowed;

    OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
    }

    boolean allows(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        String candidate = normalize(origin);
        if (!allowed.isEmpty()) {
            return allowed.contains(candidate);
        }
        return host != null && candidate.equals(normalize((secure ? "https://" : "http://") + host));
    }

    private static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
