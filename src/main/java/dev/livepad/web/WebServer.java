package dev.livepad.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.TokenService;
import dev.livepad.metrics.PrometheusMetrics;
import dev.livepad.metrics.RecentEvents;
import dev.livepad.metrics.Sampler;
import dev.livepad.metrics.ServerStats;
import dev.livepad.metrics.StatusReport;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.room.RoomRegistry;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP and WebSocket edge on Javalin: routes, limits, origin checks, headers and error mapping. */
public final class WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final int ACCEPT_QUEUE = 1024;

    /** Sent with every response: no inline script, no framing, no MIME sniffing, no referrer. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src"
                            + " 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    /** What the edge needs from the rest of the server. */
    public record Parts(RoomRegistry rooms, TokenService tokens, MessageCodec codec, ObjectMapper json,
                        ServerStats stats, StatusReport status, PrometheusMetrics metrics,
                        ScheduledExecutorService scheduler) {
    }

    private final Javalin app;
    private final SocketEndpoint sockets;
    private final Health health;
    private final AdminFeed dashboard;
    private final EventStreams events;
    private final WebSettings settings;

    public WebServer(Parts parts, WebSettings settings) {
        this.settings = settings;
        Limits limits = settings.limits();
        WebSettings.AddressBudget budget = settings.addressBudget();
        AddressLimits addresses = new AddressLimits(budget.exemptLoopback(), budget.maxConnections(),
                budget.roomCreatesPerMinute(), budget.authFailuresPerMinute(), limits.ratePerSecond(),
                limits.rateBurst());
        parts.scheduler().scheduleWithFixedDelay(addresses::sweep, 1, 1, TimeUnit.MINUTES);
        TokenGate gate = new TokenGate(parts.tokens(), addresses);
        TrustedProxies proxies = new TrustedProxies(settings.trustedProxies());
        RecentEvents recent = new RecentEvents();
        ConnectionLog connectionLog = new ConnectionLog(settings.instanceId(), recent);
        this.sockets = new SocketEndpoint(parts.codec(), gate, addresses, parts.rooms(), parts.stats(),
                connectionLog, limits, parts.scheduler());
        HttpApi api = new HttpApi(parts.rooms(), parts.tokens(), gate, addresses, proxies, parts.json(), parts.codec(),
                settings);
        OriginPolicy origins = new OriginPolicy(settings.allowedOrigins());
        this.events = new EventStreams(api, sockets, parts.rooms(), addresses, origins, proxies, connectionLog,
                parts.stats(), settings.eventsHeartbeat(), parts.scheduler());
        api.streams(events);
        CrossSiteGuard crossSite = new CrossSiteGuard(origins, proxies);
        ObjectMapper json = parts.json();
        this.dashboard = new AdminFeed(new Sampler(parts.stats(), parts.status(), recent, parts.rooms()::load), recent,
                json, settings.adminKey(), addresses, proxies);
        this.health = new Health(parts.rooms());
        parts.metrics()
                .gauge("livepad.ready", "1 when /ready answers 200, else 0", () -> health.unready() == null ? 1 : 0);
        parts.metrics().gauge("livepad.draining", "1 from the moment a graceful shutdown begins", () ->
                health.draining() ? 1 : 0);
        parts.metrics().bytesGauge("livepad.outbox.queued", "Bytes waiting to be sent, over every connection",
                sockets::queuedBytes);
        this.app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = settings.maxBodyBytes();
            javalin.http.prefer405over404 = true;
            javalin.jetty.threadPool = threadPool();
            javalin.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                server.addEventListener(new LongAcceptQueue(server));
            });
            javalin.jetty.modifyServletContextHandler(context -> {
                keepNoSessions(context);
                context.addFilter(new FilterHolder(new SocketUpgrade(sockets, origins, proxies, addresses, limits)),
                        "/ws", EnumSet.of(DispatcherType.REQUEST));
            });
            javalin.resourceHandler(new BundledFiles());
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
            });
            javalin.routes.before(ctx -> SECURITY_HEADERS.forEach(ctx::header));
            javalin.routes.before("/api/*", crossSite::check);
            javalin.routes.before("/admin/*", crossSite::check);
            javalin.routes.get("/health", health::health);
            javalin.routes.get("/ready", health::ready);
            javalin.routes.get("/status", ctx -> ctx.contentType("application/json")
                    .result(json.writeValueAsString(parts.status().snapshot())));
            javalin.routes.get("/metrics", ctx -> ctx.contentType(PrometheusMetrics.CONTENT_TYPE)
                    .result(parts.metrics().scrape()));
            events.routes(javalin.routes);
            api.routes(javalin.routes);
            dashboard.routes(javalin.routes);
            mapErrors(javalin, connectionLog, proxies);
        });
    }

    /**
     * Jetty's pool, sized to the cores. WebSocket frames are handled on the selector thread
     * ({@link SelectorReads}), so the pool only runs HTTP requests, joins (which may load a room)
     * and the completion of writes that did not finish at once: Javalin's default of up to 250
     * threads, with "reserved" threads kept spinning for hand-offs that no longer happen, cost
     * memory and wake-ups for nothing. A burst beyond the pool waits in its queue.
     */
    private static QueuedThreadPool threadPool() {
        int cores = Runtime.getRuntime().availableProcessors();
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(16, 8 * cores), 4, 60_000);
        pool.setReservedThreads(0);
        pool.setName("livepad-http");
        return pool;
    }

    /**
     * livepad uses no HTTP sessions, but Javalin's upgrade reads the session and so creates one per
     * WebSocket, which then outlives the socket until it times out (measured: 10,000 connections
     * left 10,000 sessions). A cache and store that keep nothing make them vanish with the request.
     */
    private static void keepNoSessions(ServletContextHandler context) {
        SessionHandler sessions = context.getSessionHandler();
        NullSessionCache cache = new NullSessionCache(sessions);
        cache.setSessionDataStore(new NullSessionDataStore());
        sessions.setSessionCache(cache);
    }

    /**
     * Jetty leaves the listen backlog to Java's default of 50, so a burst of connections (a
     * reconnect storm after a restart) saw SYNs dropped and a one-second TCP retry.
     */
    private record LongAcceptQueue(Server server) implements LifeCycle.Listener {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
            for (Connector connector : server.getConnectors()) {
                if (connector instanceof ServerConnector serverConnector) {
                    serverConnector.setAcceptQueueSize(ACCEPT_QUEUE);
                }
            }
        }
    }

    /** Every failure becomes {@code {"error", "message"}} JSON; nothing internal leaks out. */
    private static void mapErrors(JavalinConfig javalin, ConnectionLog log, TrustedProxies proxies) {
        javalin.routes.exception(ProtocolException.class, (e, ctx) -> {
            log.httpError(proxies.clientAddress(ctx.req()), ctx.method().name(), ctx.path(), e.code(), e.getMessage());
            HttpApi.error(ctx, e.code(), e.getMessage(), e.httpStatus());
        });
        javalin.routes.exception(HttpResponseException.class, (e, ctx) ->
                HttpApi.error(ctx, codeFor(e.getStatus()), e.getStatus() == 413
                        ? "the request body is too large" : "the request cannot be served"));
        javalin.routes.exception(IllegalArgumentException.class, (e, ctx) -> {
            LOG.debug("malformed request on {} {}", ctx.method(), ctx.path(), e);
            HttpApi.error(ctx, ErrorCode.BAD_REQUEST, "the request is malformed");
        });
        javalin.routes.exception(java.io.IOException.class, (e, ctx) -> {
            LOG.debug("unreadable request on {} {}", ctx.method(), ctx.path(), e);
            HttpApi.error(ctx, ErrorCode.BAD_REQUEST, "the request body could not be read");
        });
        javalin.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            HttpApi.error(ctx, ErrorCode.INTERNAL, "internal error");
        });
        javalin.routes.error(404, "*", ctx -> notFound(ctx));
        javalin.routes.error(405, "*", ctx -> HttpApi.error(ctx, ErrorCode.METHOD_NOT_ALLOWED,
                "method not allowed"));
    }

    private static void notFound(Context ctx) {
        if (!ctx.result().isEmpty() && ctx.res().getContentType() != null
                && ctx.res().getContentType().startsWith("application/json")) {
            return; // an API error body is already there
        }
        HttpApi.error(ctx, ErrorCode.NOT_FOUND, "not found");
    }

    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413, 414, 431 -> ErrorCode.TOO_LARGE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
    }

    public WebServer start() {
        app.start(settings.host(), settings.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    /**
     * The first step of a graceful stop: {@code /ready} answers 503, so balancers send no new
     * clients, and new sockets and joins are refused with {@code unavailable}; members already in
     * rooms go on editing.
     */
    public void drain() {
        health.drain();
        sockets.drain();
    }

    /** Open WebSockets. */
    public int connectionCount() {
        return sockets.connectionCount();
    }

    /** Closes every WebSocket with 1012 (clients reconnect and resume), then stops Jetty. */
    public void stop() {
        drain();
        sockets.closeAll("server shutting down");
        events.close();
        dashboard.close();
        app.stop();
    }
}
