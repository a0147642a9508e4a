package dev.livepad.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.Config;
import dev.livepad.auth.TokenService;
import dev.livepad.metrics.ServerStats;
import dev.livepad.metrics.StatusReport;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.room.RoomRegistry;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP and WebSocket edge on Javalin: routes, limits, origin checks and error mapping. */
public final class WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    /** What the edge needs from the rest of the server. */
    public record Parts(RoomRegistry rooms, TokenService tokens, MessageCodec codec, ObjectMapper json,
                        ServerStats stats, StatusReport status, ScheduledExecutorService scheduler) {
    }

    private final Javalin app;
    private final SocketEndpoint sockets;
    private final Config config;

    public WebServer(Parts parts, Config config) {
        this.config = config;
        Limits limits = Limits.from(config);
        this.sockets = new SocketEndpoint(parts.codec(), parts.tokens(), parts.rooms(), parts.stats(), limits,
                parts.scheduler());
        HttpApi api = new HttpApi(parts.rooms(), parts.tokens(), parts.json(), config.ownerTokenTtl(),
                config.maxInviteTtl());
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        ObjectMapper json = parts.json();
        this.app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = limits.maxBodyBytes();
            javalin.staticFiles.add("/public", Location.CLASSPATH);
            javalin.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setMaxTextMessageSize(limits.maxMessageBytes());
                factory.setMaxBinaryMessageSize(1024);
                factory.setIdleTimeout(limits.idleTimeout());
            });
            javalin.routes.wsBeforeUpgrade("/ws", ctx -> {
                if (!origins.allows(ctx.header("Origin"), ctx.header("Host"), "https".equals(ctx.scheme()))) {
                    throw new ProtocolException(ErrorCode.FORBIDDEN, "origin not allowed");
                }
            });
            javalin.routes.ws("/ws", sockets::configure);
            javalin.routes.get("/status", ctx -> ctx.contentType("application/json")
                    .result(json.writeValueAsString(parts.status().snapshot())));
            api.routes(javalin.routes);
            javalin.routes.exception(ProtocolException.class, (e, ctx) -> HttpApi.error(ctx, json, e.code(), e.getMessage()));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                HttpApi.error(ctx, json, ErrorCode.INTERNAL, "internal error");
            });
            javalin.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
                if (ctx.path().startsWith("/api/")) {
                    HttpApi.error(ctx, json, ErrorCode.NO_SUCH_ROOM, "not found");
                }
            });
        });
    }

    public WebServer start() {
        app.start(config.host(), config.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Closes every WebSocket with 1012 (clients reconnect and resume), then stops Jetty. */
    public void stop() {
        sockets.closeAll("server shutting down");
        app.stop();
    }
}
