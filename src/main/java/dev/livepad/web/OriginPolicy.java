package dev.livepad.web;

import java.util.List;
import java.util.Locale;

/**
 * Decides whether a request's {@code Origin} may connect a WebSocket (or change state through
 * the API), against an exact allowlist (no prefix or suffix matching). With no allowlist
 * configured, only the server's own origin, as the client addressed it (see
 * {@link TrustedProxies#ownOrigin}), is allowed. Requests without an {@code Origin} come from
 * non-browser clients, which cross-site attacks cannot use, and are allowed.
 */
final class OriginPolicy {
    private final List<String> allowed;

    OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
    }

    /** {@code ownOrigin} is the origin the request was addressed to, or null if unknown. */
    boolean allows(String origin, String ownOrigin) {
        if (origin == null) {
            return true;
        }
        String candidate = normalize(origin);
        if (!allowed.isEmpty()) {
            return allowed.contains(candidate);
        }
        return ownOrigin != null && candidate.equals(normalize(ownOrigin));
    }

    private static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
