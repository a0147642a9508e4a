package dev.livepad.web;

import dev.livepad.auth.JoinToken;
import dev.livepad.metrics.ServerStats;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.CloseCode;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.InvalidMessage;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.room.Member;
import dev.livepad.room.Outbox;
import dev.livepad.room.Peer;
import dev.livepad.room.RoomRegistry;
import dev.livepad.room.SendBudget;
import dev.livepad.room.Transport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws}: decodes each frame, dispatches it to the room, and is the
 * one place where a failure becomes the protocol's {@code error} reply. Nothing thrown here
 * escapes to Javalin, which would close the socket with 1011.
 */
final class SocketEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SocketEndpoint.class);

    /**
     * One socket, as Jetty's listener for it: its peer (what rooms see) and what only the edge
     * needs: address, rate, liveness. Holds the Jetty session and nothing of the upgrade request.
     *
     * <p>Frames arrive on Jetty's selector thread ({@link SelectorReads}), one at a time: the next
     * is read only once this one is handled ({@code demand}), so a connection's messages keep
     * their order. A join may block (it can load a room from the store), so it runs on
     * {@code blocking}, Jetty's pool, and the next frame is asked for when it is done.
     */
    public final class Connection implements Session.Listener {
        private final RateLimiter limiter;
        private final String address; // the client's, resolved through trusted proxies at upgrade time
        private final AddressLimits.Slot slot; // taken at the upgrade, given back when the socket is gone
        private final Executor blocking;
        private volatile Session session;
        private volatile Peer peer; // set on open, before the connection is listed
        private final long openedNanos = System.nanoTime();
        private final AtomicInteger errors = new AtomicInteger();
        volatile long lastHeardNanos = System.nanoTime();

        Connection(RateLimiter limiter, String address, AddressLimits.Slot slot, Executor blocking) {
            this.limiter = limiter;
            this.address = address;
            this.slot = slot;
            this.blocking = blocking;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            connected(this, session);
            session.demand();
        }

        @Override
        public void onWebSocketText(String frame) {
            if (!received(this, frame)) {
                session.demand();
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            callback.succeed();
            if (connections.contains(this)) {
                peer.outbox().abort(CloseCode.UNSUPPORTED_DATA, "binary frames are not supported");
            }
            session.demand(); // to read the close handshake
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            slot.release();
            closed(this, statusCode, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("websocket error", cause);
            if (session == null) {
                slot.release(); // failed before it ever opened: no close follows
            }
        }

        /** Runs a step that may block off the selector; the next frame is read after it. */
        private void offSelector(Runnable step) {
            Runnable thenNextFrame = () -> {
                try {
                    step.run();
                } finally {
                    session.demand();
                }
            };
            try {
                blocking.execute(thenNextFrame);
            } catch (RejectedExecutionException e) { // the server is stopping
                thenNextFrame.run();
            }
        }
    }

    private final MessageCodec codec;
    private final TokenGate tokens;
    private final AddressLimits addresses;
    private final RoomRegistry rooms;
    private final ServerStats stats;
    private final ConnectionLog log;
    private final Limits limits;
    private final ScheduledExecutorService scheduler;
    private final SendBudget sendBudget;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean upgradeKeptWarned;

    /**
     * Logged once if a socket still holds its upgrade request or response (the response holds
     * the HTTP connection): {@link SocketUpgrade} drops both through Jetty internals, and a Jetty
     * upgrade that changed them would bring back about 6 KB per idle socket without it
     * (SocketUpgradeIT fails on this line).
     */
    static final String UPGRADE_KEPT = "WebSocket sessions keep their upgrade request (about 6 KB per socket):"
            + " SocketUpgrade.withoutUpgrade no longer matches this Jetty version";
    private final AtomicLong nextClientId = new AtomicLong();
    private volatile boolean draining;

    SocketEndpoint(MessageCodec codec, TokenGate tokens, AddressLimits addresses, RoomRegistry rooms,
                   ServerStats stats, ConnectionLog log, Limits limits, ScheduledExecutorService scheduler) {
        this.codec = codec;
        this.tokens = tokens;
        this.addresses = addresses;
        this.rooms = rooms;
        this.stats = stats;
        this.log = log;
        this.limits = limits;
        this.sendBudget = new SendBudget(limits.sendBudgetBytes());
        this.scheduler = scheduler;
        long sweepMillis = Math.max(250, limits.idleTimeout().toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::closeSilent, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A listener for a socket about to open from {@code address} (the client's, as the upgrade
     * resolved it); Jetty calls it back for everything that happens on it, and {@code blocking}
     * runs what may block.
     */
    Session.Listener newConnection(String address, AddressLimits.Slot slot, Executor blocking) {
        RateLimiter limiter = new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), limits.rateBytesPerSecond(),
                limits.rateBytesBurst(), System.nanoTime());
        return new Connection(limiter, address, slot, blocking);
    }

    private void connected(Connection connection, Session session) {
        boolean keptUpgrade = session.getUpgradeRequest() != null || session.getUpgradeResponse() != null;
        if (keptUpgrade && !upgradeKeptWarned) {
            upgradeKeptWarned = true; // once is enough; a race may say it twice
            LOG.warn(UPGRADE_KEPT);
        }
        Outbox outbox = newOutbox(new JettyTransport(session, scheduler));
        connection.peer = new Peer(newClientId(), outbox, connection.limiter::charge);
        connections.add(connection);
        stats.connections.incrementAndGet();
        stats.connectionsOpened.increment();
        log.connected(connection.peer.clientId(), connection.address);
    }

    /** An upgrade from {@code address} was refused with {@code code}: counted here with the rest. */
    void refused(String address, ErrorCode code, String message) {
        stats.upgradeRejected(code);
        log.refused(address, code, message);
    }

    private void closed(Connection connection, int statusCode, String reason) {
        if (!connections.remove(connection)) {
            return;
        }
        stats.connectionClosed(statusCode);
        Peer peer = connection.peer;
        stats.connections.decrementAndGet();
        peer.outbox().close();
        for (Member member : List.copyOf(peer.memberships().values())) {
            log.left(peer.clientId(), connection.address, member.room().name(), "disconnect");
            rooms.leave(member, false);
        }
        log.disconnected(peer.clientId(), connection.address, statusCode, reason,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - connection.openedNanos), connection.errors.get());
    }

    /**
     * Handles one frame; returns true if a step of it went off the selector, which then asks for
     * the next frame itself.
     */
    private boolean received(Connection connection, String frame) {
        if (!connections.contains(connection)) {
            return false; // not open yet, or already closed
        }
        stats.messagesIn.increment();
        long now = System.nanoTime();
        connection.lastHeardNanos = now;
        Peer peer = connection.peer;
        int bytes = RateLimiter.utf8Length(frame);
        stats.bytesIn.add(bytes);
        RateLimiter.Verdict verdict = connection.limiter.acquire(now, bytes);
        if (verdict == RateLimiter.Verdict.DISCONNECT) {
            peer.outbox().abort(CloseCode.POLICY_VIOLATION, "sending far faster than the rate limit");
            return false;
        } else if (verdict == RateLimiter.Verdict.DROP) {
            reject(connection, ErrorCode.RATE_LIMITED, "too many messages; this one was dropped", null, null);
            return false;
        }
        ClientMessage msg;
        try {
            msg = codec.decode(frame);
        } catch (InvalidMessage e) {
            reject(connection, e.code(), e.getMessage(), e.room(), e.ref());
            return false;
        }
        if (msg instanceof ClientMessage.Join) {
            connection.offSelector(() -> handle(connection, msg));
            return true;
        }
        handle(connection, msg);
        return false;
    }

    private void handle(Connection connection, ClientMessage msg) {
        try {
            dispatch(connection, msg).whenComplete((ok, failure) -> {
                if (failure != null) {
                    reject(connection, msg, failure);
                }
            });
        } catch (RuntimeException e) {
            reject(connection, msg, e);
        }
    }

    private CompletableFuture<Void> dispatch(Connection connection, ClientMessage msg) {
        Peer peer = connection.peer;
        if (msg instanceof ClientMessage.Join join) {
            return join(connection, join);
        } else if (msg instanceof ClientMessage.Op op) {
            return rooms.submit(member(peer, op), op);
        } else if (msg instanceof ClientMessage.Cursor cursor) {
            return rooms.cursor(member(peer, cursor), cursor);
        } else if (msg instanceof ClientMessage.Leave leave) {
            Member member = member(peer, leave);
            log.left(peer.clientId(), connection.address, leave.room(), "leave");
            return rooms.leave(member, true);
        } else if (msg instanceof ClientMessage.Ping ping) {
            peer.outbox().send(ServerMessages.pong(ping.rawT()));
            return CompletableFuture.completedFuture(null);
        }
        throw new IllegalStateException("undispatched message " + msg);
    }

    private CompletableFuture<Void> join(Connection connection, ClientMessage.Join join) {
        if (draining) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "this server is shutting down; join again in a moment");
        }
        if (connection.peer.memberships().size() >= limits.maxRoomsPerConnection()) {
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "a connection may be in at most "
                    + limits.maxRoomsPerConnection() + " rooms");
        }
        JoinToken token = tokens.verify(join.token(), connection.address);
        if (!token.room().equals(join.room())) {
            throw new ProtocolException(ErrorCode.WRONG_ROOM, "the token is for another room");
        }
        return rooms.join(
                        connection.peer,
                        join.room(),
                        token.roomId(),
                        token.generation(),
                        join.name(),
                        token.role(),
                        join.rev(),
                        join.revId())
                .thenRun(() -> log.joined(
                        connection.peer.clientId(),
                        connection.address,
                        join.room(),
                        token.role().wireName(),
                        join.rev().isPresent()));
    }

    private static Member member(Peer peer, ClientMessage msg) {
        Member member = peer.membership(msg.room());
        if (member == null) {
            throw new ProtocolException(ErrorCode.NOT_JOINED, "not a member of room " + msg.room());
        }
        return member;
    }

    private void reject(Connection connection, ClientMessage msg, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ProtocolException p) {
            reject(connection, p.code(), p.getMessage(), msg.room(), msg.ref());
        } else {
            LOG.error("unexpected failure handling a {} message", msg.getClass().getSimpleName(), cause);
            reject(connection, ErrorCode.INTERNAL, "internal error", msg.room(), msg.ref());
        }
    }

    /** Sends an {@code error} reply; logs the connection's first few, counts them all. */
    private void reject(Connection connection, ErrorCode code, String message, String room, String ref) {
        stats.error(code);
        String client = connection.peer.clientId();
        int count = connection.errors.incrementAndGet();
        if (count <= ConnectionLog.ERRORS_LOGGED_PER_CONNECTION) {
            log.error(client, connection.address, room, code, message);
            if (count == ConnectionLog.ERRORS_LOGGED_PER_CONNECTION) {
                log.errorsSuppressed(client, connection.address);
            }
        }
        connection.peer.outbox().send(ServerMessages.error(code, message, room, ref));
    }

    /**
     * The first step of a graceful stop: joins are refused with {@code unavailable} from now on,
     * while members already in rooms go on editing until {@link #closeAll}.
     */
    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** Open connections. */
    int connectionCount() {
        return connections.size();
    }

    /** Bytes waiting in every connection's outbox. */
    long queuedBytes() {
        return sendBudget.used();
    }

    /** A client id for a new connection or event stream, unique on this instance and across a cluster. */
    String newClientId() {
        return rooms.clientIdPrefix() + nextClientId.incrementAndGet();
    }

    /** An outbox over {@code transport} with a connection's bounds, counted in the server-wide send budget. */
    Outbox newOutbox(Transport transport) {
        return new Outbox(transport, limits.outboxMaxFrames(), limits.outboxMaxBytes(), stats, sendBudget);
    }

    /** Closes every connection with 1012 (service restart): clients reconnect and resume. */
    void closeAll(String reason) {
        for (Connection connection : connections) {
            connection.peer.outbox().abort(CloseCode.SERVICE_RESTART, reason);
        }
    }

    /**
     * Closes connections that have sent nothing for the idle timeout. Jetty's own idle timeout
     * counts our writes as activity, so a half-open peer in a busy room would never time out;
     * clients keep their connection alive with {@code ping}.
     */
    private void closeSilent() {
        long deadline = System.nanoTime() - limits.idleTimeout().toNanos();
        for (Connection connection : connections) {
            if (connection.lastHeardNanos - deadline < 0) {
                connection.peer.outbox().abort(CloseCode.GOING_AWAY, "idle: nothing received for "
                        + limits.idleTimeout().toSeconds() + " s");
            }
        }
    }
}
