package dev.livepad.web;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import io.javalin.http.Context;
import java.util.Set;

/**
 * Refuses state-changing API requests that a browser sends on behalf of another site: any page
 * can make a visitor's browser POST an HTML form to us, no CORS involved. Such a request carries
 * an {@code Origin} that the WebSocket origin policy refuses (through trusted proxies too), or
 * {@code Sec-Fetch-Site: cross-site}. Requests with neither (curl, scripts, the JDK's client)
 * come from no browser page and pass, whatever their Content-Type.
 */
final class CrossSiteGuard {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "DELETE", "PATCH");

    private final OriginPolicy origins;
    private final TrustedProxies proxies;

    CrossSiteGuard(OriginPolicy origins, TrustedProxies proxies) {
        this.origins = origins;
        this.proxies = proxies;
    }

    /** A before-handler for {@code /api/*}: throws {@code forbidden} (403) for a cross-site change. */
    void check(Context ctx) {
        if (!STATE_CHANGING.contains(ctx.req().getMethod())) {
            return;
        }
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))
                || !origins.allows(ctx.header("Origin"), proxies.ownOrigin(ctx.req()))) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "cross-site requests may not change anything here");
        }
    }
}
