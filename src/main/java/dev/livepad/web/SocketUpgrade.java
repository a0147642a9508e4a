package dev.livepad.web;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ServerMessages;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletCoreRequest;
import org.eclipse.jetty.ee10.servlet.ServletCoreResponse;
import org.eclipse.jetty.ee10.websocket.server.internal.JettyServerFrameHandlerFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandler;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

/**
 * Upgrades {@code /ws} to a WebSocket straight through Jetty, after the origin and per-address
 * checks, into a connection whose frames are read on the selector ({@link SelectorReads}).
 * Javalin's own WebSocket layer keeps the whole upgrade request (its HTTP connection, parser,
 * headers and servlet wrappers) alive for as long as the socket; this keeps only our listener.
 * Refusals are the HTTP API's JSON errors; requests that are not upgrades pass on to Javalin.
 */
final class SocketUpgrade extends HttpFilter {
    private static final int INPUT_BUFFER_BYTES = 1024;
    private static final String WRAPPED_REQUEST = "org.eclipse.jetty.websocket.wrappedRequest";
    private static final String WRAPPED_RESPONSE = "org.eclipse.jetty.websocket.wrappedResponse";

    private final SocketEndpoint sockets;
    private final OriginPolicy origins;
    private final TrustedProxies proxies;
    private final AddressLimits addresses;
    private final Limits limits;
    private final Configuration.ConfigurationCustomizer socketLimits = new Configuration.ConfigurationCustomizer();
    private final SelectorReads handshaker = new SelectorReads();
    private WebSocketComponents components;
    private JettyServerFrameHandlerFactory frameHandlers;

    SocketUpgrade(SocketEndpoint sockets, OriginPolicy origins, TrustedProxies proxies, AddressLimits addresses,
                  Limits limits) {
        this.sockets = sockets;
        this.origins = origins;
        this.proxies = proxies;
        this.addresses = addresses;
        this.limits = limits;
    }

    /**
     * Frame limits (1009 beyond), no compression (a small frame must not inflate into a huge
     * one), idle time, read buffer.
     */
    @Override
    public void init() {
        socketLimits.setMaxTextMessageSize(limits.maxMessageBytes());
        socketLimits.setMaxFrameSize(limits.maxMessageBytes());
        // A binary frame is refused with 1003 whatever its size (SocketEndpoint); only over the
        // limit every frame has is it 1009, so binary messages may be as large as text ones.
        socketLimits.setMaxBinaryMessageSize(limits.maxMessageBytes());
        socketLimits.setIdleTimeout(limits.idleTimeout().plus(Duration.ofSeconds(30)));
        // Jetty reads into a buffer of this size and starts every text message's decoder at this
        // capacity: at its default of 4 KB that decoder was a fifth of all the memory an op
        // allocated (async-profiler, fanout). Ops are a few hundred bytes; a larger frame is read
        // in several reads and its decoder grows as needed.
        socketLimits.setInputBufferSize(INPUT_BUFFER_BYTES);
        ServletContextHandler context = ServletContextHandler.getServletContextHandler(getServletContext());
        components = WebSocketServerComponents.getWebSocketComponents(context);
        components.getExtensionRegistry().unregister("permessage-deflate");
        frameHandlers = JettyServerFrameHandlerFactory.getFactory(getServletContext());
    }

    /**
     * Jetty's snapshot of the upgrade response ({@code CompletedUpgradeResponse}) keeps a live
     * view of the servlet response's headers, and through it the whole upgrade request and its
     * HTTP connection, for as long as the socket lives (5 KB per socket, measured); its snapshot
     * of the request is a copy of every header, the URI and a cookie parser (0.9 KB). Nothing
     * here reads either after the handshake, so the socket keeps neither: on our sockets
     * {@code Session.getUpgradeRequest()} and {@code getUpgradeResponse()} are null, and
     * {@code isSecure()} and {@code getProtocolVersion()}, which read the request, must not be
     * called.
     */
    private static FrameHandler withoutUpgrade(FrameHandler handler) {
        if (handler instanceof JettyWebSocketFrameHandler jetty) {
            jetty.setUpgradeRequest(null);
            jetty.setUpgradeResponse(null);
        }
        return handler;
    }

    /**
     * What {@code JettyWebSocketServerContainer.upgrade} does, with our limits and a negotiator
     * that hands the new connection the client address resolved here, at upgrade time: the
     * socket keeps no request to read forwarding headers from later.
     */
    private boolean upgrade(HttpServletRequest req, HttpServletResponse res, String client, AddressLimits.Slot slot)
            throws IOException {
        WebSocketNegotiator negotiator = WebSocketNegotiator.from(
                (request, response, callback) -> sockets.newConnection(client, slot,
                        request.getConnectionMetaData().getConnector().getExecutor()),
                (listener, request, response) ->
                        withoutUpgrade(frameHandlers.newFrameHandler(listener, request, response)));
        Request request = ServletCoreRequest.wrap(req);
        Response response = ServletCoreResponse.wrap(request, res, false);
        request.setAttribute(WRAPPED_REQUEST, req);
        request.setAttribute(WRAPPED_RESPONSE, res);
        try (Blocker.Callback callback = Blocker.callback()) {
            boolean upgraded = handshaker.upgradeRequest(negotiator, request, response, callback, components,
                    socketLimits);
            if (upgraded) {
                callback.block();
            }
            return upgraded;
        } finally {
            request.removeAttribute(WRAPPED_REQUEST);
            request.removeAttribute(WRAPPED_RESPONSE);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req.getHeader("Sec-WebSocket-Key") == null) {
            chain.doFilter(req, res);
            return;
        }
        String client = proxies.clientAddress(req);
        if (sockets.draining()) {
            refuse(res, client, ErrorCode.UNAVAILABLE, "this server is shutting down; connect again in a moment");
        } else if (!origins.allows(req.getHeader("Origin"), proxies.ownOrigin(req))) {
            refuse(res, client, ErrorCode.FORBIDDEN, "origin not allowed");
        } else {
            AddressLimits.Slot slot = addresses.tryConnect(client);
            if (slot == null) {
                refuse(res, client, ErrorCode.RATE_LIMITED, "too many connections from this address");
                return;
            }
            boolean upgraded = false;
            try {
                upgraded = upgrade(req, res, client, slot);
            } finally {
                if (!upgraded) {
                    slot.release(); // the connection, if one was made, never opened
                }
            }
            if (!upgraded) {
                refuse(res, client, ErrorCode.BAD_REQUEST, "not a valid WebSocket upgrade");
            }
        }
    }

    private void refuse(HttpServletResponse res, String client, ErrorCode code, String message) throws IOException {
        sockets.refused(client, code, message);
        if (res.isCommitted()) {
            return; // Jetty's handshake already answered
        }
        WebServer.SECURITY_HEADERS.forEach(res::setHeader);
        res.setStatus(code.httpStatus());
        res.setContentType("application/json");
        res.getWriter().write(ServerMessages.httpError(code, message));
    }
}
