package dev.livepad.testing;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Tokens a join must refuse, each with the error code the protocol gives it: forged, tampered,
 * malformed, wrong algorithm, missing claims, expired, or for an earlier room of the same name.
 */
public final class ForgedTokens {
    /** A token and the code a join with it (for {@code room}) must get. */
    public record Forged(String description, String token, String code) {
    }

    private ForgedTokens() {
    }

    /** Bad tokens for an existing room whose current incarnation is {@code rid}; {@code valid} is a good one. */
    public static List<Forged> forRoom(String room, String rid, String valid) {
        Instant now = Instant.now();
        Algorithm right = Algorithm.HMAC256(TestServer.SECRET);
        List<Forged> out = new ArrayList<>();
        String[] parts = valid.split("\\.");
        for (String garbage : new String[] {"", "x", "a.b.c", "not.a.jwt", "..", "....", "Bearer " + valid,
            valid + "x", valid.substring(0, valid.length() - 2), parts[0] + "." + parts[1], "😀.😀.😀",
            "eyJhbGciOiJIUzI1NiJ9.e30.", "\u0000", "null", "\ud800", "A".repeat(20_000)}) {
            out.add(new Forged("garbage", garbage, "invalid_token"));
        }
        out.add(new Forged("tampered payload", parts[0] + "." + b64(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8).replace("\"editor\"", "\"owner\"") + " ") + "."
                + parts[2], "invalid_token"));
        out.add(new Forged(
                "alg none", b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".", "invalid_token"));
        out.add(new Forged("other secret", new TokenService("a-completely-different-secret-of-32-bytes!",
                Clock.systemUTC()).mint(room, rid, Role.OWNER, Duration.ofHours(1)), "invalid_token"));
        out.add(new Forged("HS512", claims(room, rid, "owner", now).sign(Algorithm.HMAC512(TestServer.SECRET)),
                "invalid_token"));
        out.add(new Forged("no rid", JWT.create().withIssuer("livepad").withAudience("livepad-room")
                .withExpiresAt(Date.from(now.plusSeconds(600))).withClaim("room", room).withClaim("role", "owner")
                .sign(right), "invalid_token"));
        out.add(new Forged(
                "no exp",
                JWT.create()
                        .withIssuer("livepad")
                        .withAudience("livepad-room")
                        .withClaim("room", room)
                        .withClaim("rid", rid)
                        .withClaim("role", "owner")
                        .sign(right),
                "invalid_token"));
        out.add(new Forged("wrong issuer", claims(room, rid, "owner", now).withIssuer("evil").sign(right),
                "invalid_token"));
        out.add(new Forged("wrong audience", claims(room, rid, "owner", now).withAudience("other").sign(right),
                "invalid_token"));
        out.add(new Forged("role admin", claims(room, rid, "admin", now).sign(right), "invalid_token"));
        out.add(new Forged("role number", JWT.create().withIssuer("livepad").withAudience("livepad-room")
                .withExpiresAt(Date.from(now.plusSeconds(600))).withClaim("room", room).withClaim("rid", rid)
                .withClaim("role", 7).sign(right), "invalid_token"));
        out.add(new Forged("earlier incarnation", service(now).mint(room, "0123456789abcdef01234567", Role.OWNER,
                Duration.ofHours(1)), "invalid_token"));
        out.add(new Forged("expired", service(now.minus(Duration.ofDays(2))).mint(room, rid, Role.OWNER,
                Duration.ofHours(1)), "token_expired"));
        out.add(new Forged("expired a minute ago", service(now.minus(Duration.ofMinutes(61))).mint(room, rid,
                Role.EDITOR, Duration.ofHours(1)), "token_expired"));
        return out;
    }

    /** A correctly signed token for a room that does not exist. */
    public static String forMissingRoom(String room) {
        return service(Instant.now()).mint(room, "feedfacefeedfacefeedface", Role.OWNER, Duration.ofHours(1));
    }

    /** The room incarnation ({@code rid}) a token names. */
    public static String roomIdOf(String token) {
        return JWT.decode(token).getClaim("rid").asString();
    }

    private static TokenService service(Instant now) {
        return new TokenService(TestServer.SECRET, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static com.auth0.jwt.JWTCreator.Builder claims(String room, String rid, String role, Instant now) {
        return JWT.create().withIssuer("livepad").withAudience("livepad-room").withIssuedAt(Date.from(now))
                .withExpiresAt(Date.from(now.plusSeconds(600))).withClaim("room", room).withClaim("rid", rid)
                .withClaim("role", role);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
