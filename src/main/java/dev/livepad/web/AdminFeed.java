package dev.livepad.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.metrics.RecentEvents;
import dev.livepad.metrics.Sampler;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations dashboard: {@code /admin} (the page, public/admin.html) and its feed
 * {@code /admin/events}, a server-sent event stream of one {@link Sampler.Sample} a second,
 * preceded by the last ten minutes of them. Server-sent events rather than a WebSocket: the feed
 * only flows one way, the browser's EventSource reconnects by itself, and any HTTP proxy carries
 * it.
 *
 * <p>Who may look: with {@code ADMIN_KEY} set, whoever presents it, as {@code Authorization:
 * Bearer KEY} (curl) or as the session cookie that {@code POST /admin/session} sets for it (a
 * browser's EventSource cannot send headers). The cookie is the key's HMAC over its expiry, so
 * it holds no secret, needs no server state, works on every instance with the same key, and dies
 * when the key changes. Without {@code ADMIN_KEY}, only a browser on this machine: a loopback peer
 * whose request no proxy forwarded (a proxy on this host would otherwise make everyone local).
 *
 * <p>One thread samples and writes to every stream; a stream whose write fails is dropped.
 */
final class AdminFeed implements AutoCloseable {
    static final String COOKIE = "livepad_admin";
    static final Duration SESSION = Duration.ofHours(12);
    /** Open streams at most; the dashboard is for a few operators, not a crowd. */
    static final int MAX_STREAMS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(AdminFeed.class);
    private static final Set<String> FORWARDING_HEADERS = Set.of("X-Forwarded-For", "Forwarded", "X-Real-IP");

    private final Sampler sampler;
    private final RecentEvents events;
    private final ObjectMapper json;
    private final Optional<byte[]> adminKey;
    private final AddressLimits addresses;
    private final TrustedProxies proxies;
    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService feed = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "livepad-dashboard");
        thread.setDaemon(true);
        return thread;
    });

    AdminFeed(Sampler sampler, RecentEvents events, ObjectMapper json, Optional<String> adminKey,
              AddressLimits addresses, TrustedProxies proxies) {
        this.sampler = sampler;
        this.events = events;
        this.json = json;
        this.adminKey = adminKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
        this.addresses = addresses;
        this.proxies = proxies;
        feed.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin", this::page);
        routes.post("/admin/session", this::login);
        routes.before("/admin/events", this::authorize);
        routes.get("/admin/events", new SseHandler(this::subscribe));
    }

    private void page(Context ctx) throws IOException {
        try (InputStream page = AdminFeed.class.getResourceAsStream("/public/admin.html")) {
            if (page == null) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "the dashboard page is missing from this build");
            }
            ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").result(page.readAllBytes());
        }
    }

    /** {@code {"key": K}} with the right key sets the session cookie; failures count like token failures. */
    private void login(Context ctx) throws IOException {
        if (adminKey.isEmpty()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "ADMIN_KEY is not set: the dashboard is open to this"
                    + " machine only, without a key");
        }
        String client = proxies.clientAddress(ctx.req());
        addresses.requireAuthBudget(client);
        JsonNode body = json.readTree(ctx.bodyAsBytes());
        byte[] given = body == null ? new byte[0] : body.path("key").asText("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, adminKey.get())) {
            addresses.authFailed(client);
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "that is not the admin key");
        }
        long expires = System.currentTimeMillis() / 1000 + SESSION.toSeconds();
        boolean secure = proxies.ownOrigin(ctx.req()).startsWith("https:");
        ctx.header("Set-Cookie", COOKIE + "=" + expires + "." + signature(expires) + "; Path=/admin; Max-Age="
                + SESSION.toSeconds() + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        ctx.status(204);
    }

    /** A before-handler: refuses the feed, with the protocol's JSON error, to whoever may not see it. */
    private void authorize(Context ctx) {
        if (adminKey.isPresent()) {
            if (!hasKey(ctx)) {
                String client = proxies.clientAddress(ctx.req());
                addresses.requireAuthBudget(client);
                addresses.authFailed(client);
                throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the dashboard needs the admin key");
            }
        } else if (!fromThisMachine(ctx)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "without ADMIN_KEY the dashboard is open to this machine"
                    + " only");
        }
        if (streams.size() >= MAX_STREAMS) {
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "too many dashboards are open");
        }
    }

    private boolean hasKey(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            return MessageDigest.isEqual(header.substring(7).getBytes(StandardCharsets.UTF_8), adminKey.get());
        }
        String cookie = ctx.cookie(COOKIE);
        int dot = cookie == null ? -1 : cookie.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            long expires = Long.parseLong(cookie.substring(0, dot));
            return expires > System.currentTimeMillis() / 1000 && MessageDigest.isEqual(
                    cookie.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
                    signature(expires).getBytes(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String signature(long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(adminKey.get(), "HmacSHA256"));
            byte[] tag = mac.doFinal(("livepad-admin-session:" + expires).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A loopback peer, and no proxy's forwarding headers: someone on this machine, not through a proxy here. */
    private static boolean fromThisMachine(Context ctx) {
        for (String header : FORWARDING_HEADERS) {
            if (ctx.header(header) != null) {
                return false;
            }
        }
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A new stream: the history first, then every sample, in order, from the feed's thread. */
    private void subscribe(SseClient stream) {
        stream.keepAlive();
        stream.onClose(() -> streams.remove(stream));
        feed.execute(() -> {
            Map<String, Object> history = new LinkedHashMap<>();
            history.put("intervalSeconds", 1);
            history.put("samples", sampler.history());
            history.put("recentEvents", events.all());
            if (send(stream, "history", history)) {
                streams.add(stream);
            }
        });
    }

    private void tick() {
        try {
            Sampler.Sample sample = sampler.sample();
            for (SseClient stream : streams) {
                send(stream, "sample", sample);
            }
        } catch (RuntimeException e) { // never let the schedule die
            LOG.warn("dashboard sample failed", e);
        }
    }

    private boolean send(SseClient stream, String event, Object data) {
        try {
            stream.sendEvent(event, json.writeValueAsString(data));
            if (!stream.terminated()) {
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("dashboard stream dropped", e);
        }
        streams.remove(stream);
        stream.close();
        return false;
    }

    @Override
    public void close() {
        feed.shutdownNow();
        for (SseClient stream : streams) {
            stream.close();
        }
        streams.clear();
    }
}
