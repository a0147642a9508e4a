package dev.livepad.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.livepad.metrics.ServerStats;
import dev.livepad.protocol.CloseCode;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.room.Member;
import dev.livepad.room.Outbox;
import dev.livepad.room.Peer;
import dev.livepad.room.RoomRegistry;
import dev.livepad.room.Transport;
import dev.livepad.store.RoomRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/rooms/R/events}: a room's live messages as server-sent events, for clients that
 * cannot or need not open a WebSocket (the browser client's fallback, {@code curl -N}). The stream
 * is a member of the room like a WebSocket's membership, with the token's role: it is listed in
 * presence, is sent {@code joined} first and then every {@code op}, {@code presence},
 * {@code cursor} and {@code closed} message of the room, each as one event whose {@code data} is
 * the WebSocket frame. Events that carry a revision have it as their {@code id}, so a reconnect
 * with {@code Last-Event-ID: K} (and {@code ?revId=ID}) resumes as a {@code join} with
 * {@code "rev": K} (and {@code "revId"}) does.
 *
 * <p>It goes through the same edge as a WebSocket: the origin rule, the per-address connection
 * limit, the outbox with its bounds (a stream that falls behind is ended, and resumes), the
 * server-wide send budget, and the graceful drain. Writes never block ({@link SseOutput}): a stream
 * whose client stops reading holds its bytes, not a thread, and is ended when the outbox's bounds
 * say so or once its socket has taken nothing for two heartbeats. A comment line every {@code
 * heartbeat} keeps proxies and the client's dead-connection timer from giving up on a quiet room.
 */
final class EventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] KEEP_ALIVE = ": keep-alive\n".getBytes(StandardCharsets.UTF_8);
    /** How the {@code closed} message of a deleted room begins (ServerMessages.closed). */
    private static final byte[] CLOSED_PREFIX_BYTES = "{\"type\":\"closed\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final HttpApi api;
    private final SocketEndpoint sockets;
    private final RoomRegistry rooms;
    private final AddressLimits addresses;
    private final OriginPolicy origins;
    private final TrustedProxies proxies;
    private final ConnectionLog log;
    private final ServerStats stats;
    private final Duration heartbeat;
    private final ScheduledExecutorService scheduler;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final Map<String, Stream> byClient = new ConcurrentHashMap<>();

    EventStreams(HttpApi api, SocketEndpoint sockets, RoomRegistry rooms, AddressLimits addresses,
                 OriginPolicy origins, TrustedProxies proxies, ConnectionLog log, ServerStats stats,
                 Duration heartbeat, ScheduledExecutorService scheduler) {
        this.stats = stats;
        this.api = api;
        this.sockets = sockets;
        this.rooms = rooms;
        this.addresses = addresses;
        this.origins = origins;
        this.proxies = proxies;
        this.log = log;
        this.heartbeat = heartbeat;
        this.scheduler = scheduler;
    }

    void routes(RoutesConfig routes) {
        routes.before("/api/rooms/{room}/events", this::admit);
        routes.get("/api/rooms/{room}/events", this::stream);
    }

    /**
     * Starts the event stream as Javalin's {@code SseHandler} does, but whatever the request's
     * {@code Accept} (that handler answers an empty 200 unless it names text/event-stream, and
     * {@code curl -N} sends none).
     */
    private void stream(Context ctx) throws IOException {
        Stream stream = ctx.attribute(Stream.class.getName());
        try {
            begin(ctx);
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.slot.release(); // the client went before its stream began
            }
            throw e;
        }
    }

    private void begin(Context ctx) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.addHeader("Connection", "close");
        res.addHeader("Cache-Control", "no-cache");
        res.addHeader("X-Accel-Buffering", "no"); // nginx: pass events on as they come
        res.flushBuffer();
        ctx.async(config -> config.timeout = 0, () -> open(new SseClient(ctx)));
    }

    /** Refuses, with the protocol's JSON error, what a WebSocket upgrade would refuse. */
    private void admit(Context ctx) {
        if (!ctx.method().name().equals("GET")) {
            return;
        }
        String client = proxies.clientAddress(ctx.req());
        if (sockets.draining()) {
            throw new ProtocolException(
                    ErrorCode.UNAVAILABLE, "this server is shutting down; connect again in a moment");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origins.allows(origin, proxies.ownOrigin(ctx.req()))) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "origin not allowed");
        }
        HttpApi.Authorized who = api.authorizeToken(ctx, false);
        OptionalLong resumeRev = lastEventId(ctx);
        Optional<String> resumeId = revId(ctx);
        String token = ctx.header("Authorization").substring("Bearer ".length()).trim();
        AddressLimits.Slot slot = addresses.tryConnect(client); // last: nothing after it refuses
        if (slot == null) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many connections from this address");
        }
        ctx.attribute(Stream.class.getName(), new Stream(who, token, slot, client, resumeRev, resumeId,
                ctx.queryParam("name")));
    }

    /** {@code Last-Event-ID}: the revision the client saw last, as a join's {@code rev}. */
    private static OptionalLong lastEventId(Context ctx) {
        String id = ctx.header("Last-Event-ID");
        if (id == null || id.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long rev = Long.parseLong(id.trim());
            if (rev >= 0) {
                return OptionalLong.of(rev);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "Last-Event-ID must be a revision, a whole number");
    }

    /**
     * {@code ?revId=ID} (extension): the id of the op that made the {@code Last-Event-ID} revision as
     * the client saw it, a join's {@code revId}. After a restore from a backup revision numbers are
     * reused by other ops; with it, a resume at a revision the server knows by another op is a
     * reset, never ops that do not apply to the client's text.
     */
    private static Optional<String> revId(Context ctx) {
        String id = ctx.queryParam("revId");
        if (id == null) {
            return Optional.empty();
        }
        if (!MessageCodec.isOpId(id)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "revId must be 1 to " + MessageCodec.MAX_ID_LENGTH + " characters");
        }
        return Optional.of(id);
    }

    private void open(SseClient client) {
        Stream stream = client.ctx().attribute(Stream.class.getName());
        if (stream == null) { // not through admit(): cannot happen for GET
            client.close();
            return;
        }
        client.keepAlive();
        stream.start(client);
    }

    /** Ends every stream (a shutdown): clients reconnect elsewhere and resume with {@code Last-Event-ID}. */
    void closeAll() {
        for (Stream stream : List.copyOf(streams)) {
            stream.end();
        }
    }

    /** Who an op posted over HTTP is credited to when it names the caller's own event stream. */
    record Author(String clientId, String name) {
    }

    /**
     * The stream {@code clientId} names, if it is open on this instance, in {@code room}, and was
     * opened with {@code token} (so only whoever holds that token can credit ops to it).
     */
    Optional<Author> author(String clientId, String room, String token) {
        Stream stream = clientId == null ? null : byClient.get(clientId);
        if (stream == null || !stream.who.room().name().equals(room)
                || !MessageDigest.isEqual(stream.token, token.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new Author(clientId, stream.name));
    }

    int count() {
        return streams.size();
    }

    @Override
    public void close() {
        closeAll();
    }

    /** One open event stream: a peer whose outbox writes events, and its membership of the room. */
    private final class Stream implements Transport {
        private final HttpApi.Authorized who;
        private final byte[] token;
        private final AddressLimits.Slot slot;
        private final String address;
        private final OptionalLong resumeRev;
        private final Optional<String> resumeId;
        private final String name;
        private volatile SseClient client;
        private volatile SseOutput output;
        private volatile Peer peer;
        private volatile long lastWriteNanos = System.nanoTime();
        private java.util.concurrent.ScheduledFuture<?> beats;
        private volatile boolean ended;

        Stream(HttpApi.Authorized who, String token, AddressLimits.Slot slot, String address, OptionalLong resumeRev,
               Optional<String> resumeId, String name) {
            this.who = who;
            this.slot = slot;
            this.token = token.getBytes(StandardCharsets.UTF_8);
            this.address = address;
            this.resumeRev = resumeRev;
            this.resumeId = resumeId;
            this.name = name == null ? null : name.substring(0, Math.min(64, name.length()));
        }

        void start(SseClient client) {
            this.client = client;
            try {
                output = new SseOutput(client.ctx().res().getOutputStream(), failure -> end());
            } catch (IOException | RuntimeException e) {
                LOG.debug("event stream could not start writing", e);
                slot.release();
                client.close();
                return;
            }
            RoomRecord room = who.room();
            peer = new Peer(sockets.newClientId(), sockets.newOutbox(this), steps -> { });
            streams.add(this);
            byClient.put(peer.clientId(), this);
            stats.eventStreams.incrementAndGet();
            client.onClose(this::closed);
            log.connected(peer.clientId(), address);
            long every = heartbeat.toMillis();
            beats = scheduler.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
            try {
                rooms.join(peer, room.name(), room.id(), who.token().generation(), name, who.token().role(),
                        resumeRev, resumeId).join();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.debug("event stream for room {} could not join: {}", room.name(), cause.toString());
                output.write(events(new byte[][] {Outbox.encode(error(cause))}), this::end, failed -> end());
            }
        }

        /** The error a failed join is answered with, as one last event. */
        private String error(Throwable cause) {
            ErrorCode code = cause instanceof ProtocolException p ? p.code() : ErrorCode.UNAVAILABLE;
            return dev.livepad.protocol.ServerMessages.error(code, cause.getMessage(), who.room().name(), "join");
        }

        @Override
        public void send(byte[][] frames, Runnable onSent, Consumer<Throwable> onFailed) {
            boolean roomClosed = false;
            for (byte[] frame : frames) {
                roomClosed |= startsWith(frame, CLOSED_PREFIX_BYTES);
            }
            boolean last = roomClosed; // the room was deleted: nothing more will come
            output.write(events(frames), () -> {
                lastWriteNanos = System.nanoTime();
                onSent.run();
                if (last) {
                    end();
                }
            }, e -> {
                onFailed.accept(e);
                end();
            });
        }

        /**
         * A comment line, when nothing else was written for a while; or the end, when the socket
         * has taken none of what waits for two heartbeats: its client reads nothing.
         */
        private void beat() {
            SseOutput out = output;
            if (ended || out == null) {
                return;
            }
            long now = System.nanoTime();
            long waiting = out.waitingSince();
            if (waiting != 0) {
                if (now - waiting > 2 * heartbeat.toNanos()) {
                    LOG.debug("event stream {} ends: its client took nothing for two heartbeats", peer.clientId());
                    end();
                }
            } else if (now - lastWriteNanos >= heartbeat.toNanos() / 2) {
                out.write(KEEP_ALIVE, () -> lastWriteNanos = System.nanoTime(), e -> end());
            }
        }

        @Override
        public void close(int statusCode, String reason) {
            LOG.debug("event stream {} ends: {} {}", peer == null ? "?" : peer.clientId(), statusCode, reason);
            end();
        }

        /** Ends the stream from our side: the client sees it end, reconnects and resumes. */
        void end() {
            SseClient open = client;
            if (open != null) {
                try {
                    open.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing an event stream", e);
                }
            }
            closed();
        }

        /** The stream is over, by either side: leave the room once. */
        private void closed() {
            if (ended) {
                return;
            }
            ended = true;
            if (beats != null) {
                beats.cancel(false);
            }
            if (!streams.remove(this)) {
                return;
            }
            byClient.remove(peer.clientId());
            stats.eventStreams.decrementAndGet();
            slot.release();
            Peer gone = peer;
            gone.outbox().close();
            for (Member member : List.copyOf(gone.memberships().values())) {
                log.left(gone.clientId(), address, member.room().name(), "disconnect");
                rooms.leave(member, false);
            }
            log.disconnected(gone.clientId(), address, CloseCode.NORMAL.code(), "event stream ended", 0, 0);
        }
    }

    /**
     * {@code frames} as server-sent events: each frame a {@code data} line (one per line, should a
     * frame ever hold a line break), with its revision as the event's {@code id} when it has one.
     */
    static byte[] events(byte[][] frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            long rev = revisionOf(frame);
            if (rev >= 0) {
                out.writeBytes(("id: " + rev + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            int line = 0;
            for (int i = 0; i <= frame.length; i++) {
                if (i == frame.length || frame[i] == '\n') {
                    out.writeBytes(DATA);
                    out.write(frame, line, i - line);
                    out.write('\n');
                    line = i + 1;
                }
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] frame, byte[] prefix) {
        return frame.length >= prefix.length && Arrays.equals(frame, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The top-level {@code rev} of a server message that carries one ({@code joined}, {@code op},
     * {@code cursor}), or -1: read with a streaming parser up to that field, so nested revisions
     * (a resume's {@code ops}) are never taken for it.
     */
    static long revisionOf(byte[] frame) {
        try (JsonParser parser = JSON.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("rev") && value == JsonToken.VALUE_NUMBER_INT) {
                    return parser.getLongValue();
                }
                parser.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
