package dev.livepad.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.auth.JoinToken;
import dev.livepad.auth.TokenService;
import dev.livepad.history.Revisions;
import dev.livepad.ot.Diff;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.InvalidMessage;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.Role;
import dev.livepad.protocol.RoomNames;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.room.RoomRegistry;
import dev.livepad.store.RoomRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** The REST side of the protocol: create rooms, mint invite tokens, delete rooms, export text. */
final class HttpApi {
    private static final Duration DEFAULT_INVITE_TTL = Duration.ofDays(7);
    private static final int DEFAULT_HISTORY_LIMIT = 100;
    private static final int MAX_NAME = 64;

    private final RoomRegistry rooms;
    private final TokenService tokens;
    private final TokenGate gate;
    private final AddressLimits addresses;
    private final TrustedProxies proxies;
    private final ObjectMapper json;
    private final MessageCodec codec;
    private EventStreams streams; // set once, before the server starts
    private final Duration ownerTtl;
    private final Duration maxInviteTtl;
    private final Optional<byte[]> adminKey;

    HttpApi(RoomRegistry rooms, TokenService tokens, TokenGate gate, AddressLimits addresses, TrustedProxies proxies,
            ObjectMapper json, MessageCodec codec, WebSettings settings) {
        this.rooms = rooms;
        this.codec = codec;
        this.tokens = tokens;
        this.gate = gate;
        this.addresses = addresses;
        this.proxies = proxies;
        this.json = json;
        this.ownerTtl = settings.ownerTokenTtl();
        this.maxInviteTtl = settings.maxInviteTtl();
        this.adminKey = settings.adminKey().map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    void routes(RoutesConfig routes) {
        routes.post("/api/rooms", this::createRoom);
        routes.post("/api/rooms/{room}/tokens", this::mintToken);
        routes.delete("/api/rooms/{room}", this::deleteRoom);
        routes.post("/api/rooms/{room}/owner-token", this::renewOwnerToken);
        routes.post("/api/rooms/{room}/revoke", this::revokeTokens);
        routes.get("/api/rooms/{room}/text", this::exportText);
        routes.get("/api/rooms/{room}/history", this::history);
        routes.get("/api/rooms/{room}/authors", this::authors);
        routes.post("/api/rooms/{room}/restore", this::restore);
        routes.post("/api/rooms/{room}/ops", this::submitOp);
        routes.post("/api/rooms/{room}/append", this::append);
        routes.put("/api/rooms/{room}/text", this::replaceText);
    }

    private void createRoom(Context ctx) {
        requireAdminKey(ctx);
        JsonNode body = body(ctx);
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'name' must be a string");
        }
        if (!RoomNames.isValid(name.asText())) {
            throw new ProtocolException(ErrorCode.INVALID_ROOM_NAME,
                    "room names are 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        addresses.takeCreation(client(ctx));
        RoomRecord room = rooms.create(name.asText());
        String token = tokens.mint(room.name(), room.id(), Role.OWNER, ownerTtl);
        respond(ctx, 201, Map.of("room", room.name(), "token", token));
    }

    private void mintToken(Context ctx) {
        RoomRecord room = authorize(ctx, true);
        JsonNode body = body(ctx);
        Role role = Role.fromWire(body.path("role").asText(null))
                .filter(r -> r != Role.OWNER)
                .orElseThrow(
                        () -> new ProtocolException(ErrorCode.BAD_REQUEST, "'role' must be \"editor\" or \"viewer\""));
        Duration ttl = ttl(body.get("ttlSeconds"));
        respond(ctx, 201, Map.of("token", tokens.mint(room.name(), room.id(), room.tokenGen(), role, ttl)));
    }

    /** A fresh owner token, so an owner keeps the room manageable past the first token's expiry. */
    private void renewOwnerToken(Context ctx) {
        RoomRecord room = authorize(ctx, true);
        respond(ctx, 201, Map.of("token", tokens.mint(room.name(), room.id(), room.tokenGen(), Role.OWNER, ownerTtl)));
    }

    /** Revokes every token of the room (invites and owner's alike) and answers a new owner token. */
    private void revokeTokens(Context ctx) {
        RoomRecord room = authorize(ctx, true);
        long generation = rooms.revokeTokens(room);
        respond(ctx, 200, Map.of("token", tokens.mint(room.name(), room.id(), generation, Role.OWNER, ownerTtl)));
    }

    private void deleteRoom(Context ctx) {
        rooms.delete(authorize(ctx, true));
        ctx.status(204);
    }

    /** The current text, or with {@code ?rev=K} the text at revision K. */
    private void exportText(Context ctx) {
        RoomRecord room = authorize(ctx, false);
        OptionalLong rev = longParam(ctx, "rev", 0);
        String text = rev.isEmpty()
                ? rooms.text(room)
                : pastRevision(() -> revisions().textAt(room.id(), rev.getAsLong()).toString());
        ctx.status(200).contentType("text/plain; charset=utf-8").result(text);
    }

    /** {@code ?before=K&limit=N}: up to N revisions below K (default: up to the head), newest first. */
    private void history(Context ctx) {
        RoomRecord room = authorize(ctx, false);
        OptionalLong before = longParam(ctx, "before", 0);
        OptionalLong limit = longParam(ctx, "limit", 1);
        if (limit.isPresent() && limit.getAsLong() > Revisions.MAX_LIMIT) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'limit' must be at most " + Revisions.MAX_LIMIT);
        }
        long head = revisions().head(room.id());
        List<Revisions.Revision> listed = revisions().before(room.id(), before.orElse(head + 1),
                (int) limit.orElse(DEFAULT_HISTORY_LIMIT));
        respond(ctx, 200, new HistoryPage(head, listed));
    }

    private record HistoryPage(long head, List<Revisions.Revision> revisions) {
    }

    /** {@code ?rev=K} (default: the head): the text at K in spans, each with the author who inserted it. */
    private void authors(Context ctx) {
        RoomRecord room = authorize(ctx, false);
        long rev = longParam(ctx, "rev", 0).orElseGet(() -> revisions().head(room.id()));
        List<Revisions.Span> spans = pastRevision(() -> revisions().authors(room.id(), rev));
        respond(ctx, 200, new Authors(rev, spans));
    }

    private record Authors(long rev, List<Revisions.Span> spans) {
    }

    /** {@code {"rev": K, "name": N}}: one new op that turns the text into revision K's (owner or editor). */
    private void restore(Context ctx) {
        Authorized who = authorizeToken(ctx, false);
        if (!who.token().role().canEdit()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a viewer may not restore");
        }
        addresses.takeWrite(client(ctx));
        JsonNode body = body(ctx);
        JsonNode rev = body.get("rev");
        if (rev == null || !rev.isIntegralNumber() || !rev.canConvertToLong() || rev.asLong() < 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'rev' must be a whole number, 0 or more");
        }
        String author = name(body);
        long applied = pastRevision(() -> rooms.restore(who.room(), rev.asLong(), author, who.token().role()));
        respond(ctx, 200, Map.of("rev", applied));
    }

    /**
     * {@code {"rev": K, "id": ID, "op": OP}}: the WebSocket {@code op} over HTTP, answered with its
     * revision once stored (the ack). The same checks, codes and retry rules; an optional
     * {@code "name"} is the display name the history shows, and an optional {@code "clientId"}
     * naming an event stream on this instance that the same token opened in this room credits the
     * op to that stream's client (otherwise the op gets a client id of its own).
     */
    private void submitOp(Context ctx) {
        Authorized who = editor(ctx);
        JsonNode body = body(ctx);
        String author = name(body);
        ObjectNode frame = ((ObjectNode) body.deepCopy()).put("type", "op").put("room", who.room().name());
        frame.remove("name");
        frame.remove("clientId");
        ClientMessage.Op op;
        try {
            if (!(codec.decode(json.writeValueAsString(frame)) instanceof ClientMessage.Op decoded)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "not an op");
            }
            op = decoded;
        } catch (InvalidMessage e) {
            throw new ProtocolException(e.code(), e.getMessage());
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
        Optional<EventStreams.Author> stream = streams == null ? Optional.empty()
                : streams.author(body.path("clientId").asText(null), who.room().name(), bearer(ctx));
        long rev = rooms.submitDetached(who.room(), stream.map(EventStreams.Author::clientId).orElse(null),
                stream.map(EventStreams.Author::name).orElse(author), who.token().role(), op);
        respond(ctx, 200, Map.of("rev", rev));
    }

    /** Where {@link #submitOp} finds the event stream a {@code clientId} names. */
    void streams(EventStreams streams) {
        this.streams = streams;
    }

    /** {@code {"text": S}}: S added at the end of the current text, as one op. */
    private void append(Context ctx) {
        Authorized who = editor(ctx);
        JsonNode body = body(ctx);
        String text = insertable(body);
        long rev = rooms.edit(who.room(), name(body), who.token().role(),
                current -> TextOperation.builder().retain(current.length()).insert(text).build());
        respond(ctx, 200, Map.of("rev", rev));
    }

    /**
     * {@code {"text": S}}: one op that turns the current text into S (the longest common prefix and
     * suffix kept), so members' carets and concurrent edits outside the change survive.
     */
    private void replaceText(Context ctx) {
        Authorized who = editor(ctx);
        JsonNode body = body(ctx);
        String text = insertable(body);
        long rev = rooms.edit(who.room(), name(body), who.token().role(), current -> Diff.between(current, text));
        respond(ctx, 200, Map.of("rev", rev));
    }

    /** The request's room and token, which must be an owner's or an editor's. */
    private Authorized editor(Context ctx) {
        Authorized who = authorizeToken(ctx, false);
        addresses.takeWrite(client(ctx));
        if (!who.token().role().canEdit()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a viewer may not edit");
        }
        return who;
    }

    /** {@code "text"}: a string that may be inserted (no lone surrogate). */
    private static String insertable(JsonNode body) {
        JsonNode text = body.get("text");
        if (text == null || !text.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'text' must be a string");
        }
        try {
            TextOperation.builder().insert(text.asText()).build();
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_OP, "'text' " + e.getMessage());
        }
        return text.asText();
    }

    /** The optional display name of a write's author, at most 64 characters. */
    private static String name(JsonNode body) {
        JsonNode name = body.get("name");
        if (name == null || name.isNull()) {
            return null;
        }
        if (!name.isTextual() || name.asText().length() > MAX_NAME) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'name' must be a string of at most 64 characters");
        }
        return name.asText();
    }

    private Revisions revisions() {
        return rooms.revisions();
    }

    /**
     * Runs a read of a past revision; a revision beyond the head or no longer kept is answered
     * {@code 400 bad_rev}, as the contract's history section says (an op's {@code bad_rev} is 409).
     */
    private static <T> T pastRevision(Supplier<T> read) {
        try {
            return read.get();
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.BAD_REV) {
                throw new ProtocolException(e, 400);
            }
            throw e;
        }
    }

    /** A query parameter that must be a whole number of at least {@code min}, if present. */
    private static OptionalLong longParam(Context ctx, String name, long min) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min) {
                return OptionalLong.of(parsed);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProtocolException(
                ErrorCode.BAD_REQUEST, "'" + name + "' must be a whole number, " + min + " or more");
    }

    /** Checks the bearer token against the room in the path; {@code ownerOnly} for management calls. */
    private RoomRecord authorize(Context ctx, boolean ownerOnly) {
        return authorizeToken(ctx, ownerOnly).room();
    }

    /** The room a request may act on, and the token that lets it. */
    record Authorized(RoomRecord room, JoinToken token) {
    }

    Authorized authorizeToken(Context ctx, boolean ownerOnly) {
        String name = roomInPath(ctx);
        if (!RoomNames.isValid(name)) {
            throw new ProtocolException(ErrorCode.NO_SUCH_ROOM, "no such room");
        }
        JoinToken token = gate.verify(bearer(ctx), client(ctx));
        if (!token.room().equals(name) || (ownerOnly && token.role() != Role.OWNER)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, ownerOnly
                    ? "only the owner of room " + name + " may do this" : "the token is for another room");
        }
        return new Authorized(rooms.require(name, token.roomId(), token.generation()), token);
    }

    /** The room named in the path; a segment that does not even decode names no room. */
    private static String roomInPath(Context ctx) {
        try {
            return ctx.pathParam("room");
        } catch (IllegalArgumentException undecodable) {
            return "";
        }
    }

    /** With {@code ADMIN_KEY} set, creating rooms takes {@code Authorization: Bearer ADMIN_KEY}. */
    private void requireAdminKey(Context ctx) {
        if (adminKey.isEmpty()) {
            return;
        }
        addresses.requireAuthBudget(client(ctx));
        byte[] given = bearer(ctx).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, adminKey.get())) {
            addresses.authFailed(client(ctx));
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "creating rooms needs the admin key");
        }
    }

    /** The address per-address limits count this request under, through trusted proxies. */
    private String client(Context ctx) {
        return proxies.clientAddress(ctx.req());
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProtocolException(
                    ErrorCode.INVALID_TOKEN, "an 'Authorization: Bearer <token>' header is required");
        }
        return header.substring(7).trim();
    }

    private Duration ttl(JsonNode value) {
        if (value == null || value.isNull()) {
            return DEFAULT_INVITE_TTL.compareTo(maxInviteTtl) < 0 ? DEFAULT_INVITE_TTL : maxInviteTtl;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1
                || value.asLong() > maxInviteTtl.toSeconds()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'ttlSeconds' must be a whole number from 1 to " + maxInviteTtl.toSeconds());
        }
        return Duration.ofSeconds(value.asLong());
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.readTree(json, ctx.body());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // answered below
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "the body must be a JSON object");
    }

    private void respond(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every HTTP failure as {@code {"error": CODE, "message": TEXT}}, never a stack trace. */
    static void error(Context ctx, ErrorCode code, String message) {
        error(ctx, code, message, code.httpStatus());
    }

    static void error(Context ctx, ErrorCode code, String message, int status) {
        ctx.status(status).contentType("application/json").result(ServerMessages.httpError(code, message));
    }
}
