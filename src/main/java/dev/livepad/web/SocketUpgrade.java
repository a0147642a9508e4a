package dev.livepad.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.protocol.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

/**
 * Upgrades {@code /ws} to a WebSocket straight through Jetty, after the origin and per-address
 * checks. Javalin's own WebSocket layer keeps the whole upgrade request (its HTTP connection,
 * parser, headers and servlet wrappers) alive for as long as the socket; this keeps only our
 * listener. Refusals are the HTTP API's JSON errors; requests that are not upgrades
 * pass on to Javalin.
 */
final class SocketUpgrade extends HttpFilter {
    private final SocketEndpoint sockets;
    private final OriginPolicy origins;
    private final AddressLimits addresses;
    private final Limits limits;
    private final ObjectMapper json;
    private JettyWebSocketServerContainer container;

    SocketUpgrade(SocketEndpoint sockets, OriginPolicy origins, AddressLimits addresses, Limits limits,
                  ObjectMapper json) {
        this.sockets = sockets;
        this.origins = origins;
        this.addresses = addresses;
        this.limits = limits;
        this.json = json;
    }

    /**
     * Frame limits (1009 beyond), no compression (a small frame must not inflate into a huge
     * one), idle time.
     */
    @Override
    public void init() {
        container = JettyWebSocketServerContainer.getContainer(getServletContext());
        container.setMaxTextMessageSize(limits.maxMessageBytes());
        container.setMaxFrameSize(limits.maxMessageBytes());
        container.setMaxBinaryMessageSize(1024);
        container.setIdleTimeout(limits.idleTimeout().plus(Duration.ofSeconds(30)));
        WebSocketServerComponents.getWebSocketComponents(ServletContextHandler.getServletContextHandler(
                getServletContext())).getExtensionRegistry().unregister("permessage-deflate");
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req.getHeader("Sec-WebSocket-Key") == null) {
            chain.doFilter(req, res);
        } else if (!origins.allows(req.getHeader("Origin"), req.getHeader("Host"), "https".equals(req.getScheme()))) {
            refuse(res, ErrorCode.FORBIDDEN, "origin not allowed");
        } else if (!addresses.mayConnect(req.getRemoteAddr())) {
            refuse(res, ErrorCode.RATE_LIMITED, "too many connections from this address");
        } else if (!container.upgrade((upgradeReq, upgradeRes) -> sockets.newConnection(), req, res)) {
            refuse(res, ErrorCode.BAD_REQUEST, "not a valid WebSocket upgrade");
        }
    }

    private void refuse(HttpServletResponse res, ErrorCode code, String message) throws IOException {
        WebServer.SECURITY_HEADERS.forEach(res::setHeader);
        res.setStatus(code.httpStatus());
        res.setContentType("application/json");
        res.getWriter().write(json.writeValueAsString(Map.of("error", code.wireName(), "message", message)));
    }
}
