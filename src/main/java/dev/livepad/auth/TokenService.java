package dev.livepad.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Mints and verifies join tokens: HS256 JWTs naming a room, its incarnation and a role. The
 * algorithm is pinned, and {@code exp}, {@code iss}, {@code aud}, {@code room}, {@code rid} and
 * {@code role} are all required, so a token missing any of them is refused. {@code gen}, the room's
 * token generation, is 0 when absent (tokens minted before revocation existed).
 */
public final class TokenService {
    /** Secrets shorter than this (in bytes) are refused: HS256 wants a 256-bit key. */
    public static final int MIN_SECRET_BYTES = 32;
    static final String ISSUER = "livepad";
    static final String AUDIENCE = "livepad-room";
    private static final long LEEWAY_SECONDS = 5;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;

    public TokenService(String secret, Clock clock) {
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.clock = clock;
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withAudience(AUDIENCE)
                .withClaimPresence("exp")
                .withClaimPresence("room")
                .withClaimPresence("rid")
                .withClaimPresence("role")
                .acceptLeeway(LEEWAY_SECONDS))
                .build(clock);
    }

    /** A fresh random secret of 256 bits, for servers started without {@code JWT_SECRET}. */
    public static String generateSecret() {
        byte[] bytes = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A token of a room whose tokens were never revoked (generation 0). */
    public String mint(String room, String roomId, Role role, Duration ttl) {
        return mint(room, roomId, 0, role, ttl);
    }

    /** A token of the room's token generation {@code generation}; revoking starts a new one. */
    public String mint(String room, String roomId, long generation, Role role, Duration ttl) {
        Instant now = clock.instant();
        return JWT.create()
                .withIssuer(ISSUER)
                .withAudience(AUDIENCE)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .withClaim("room", room)
                .withClaim("rid", roomId)
                .withClaim("role", role.wireName())
                .withClaim("gen", generation)
                .sign(algorithm);
    }

    /**
     * Checks signature, algorithm, issuer, audience and expiry, and maps java-jwt's exceptions to
     * the protocol's {@code token_expired} and {@code invalid_token}.
     */
    public JoinToken verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new ProtocolException(ErrorCode.TOKEN_EXPIRED, "the token has expired");
        } catch (JWTVerificationException | IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token is not valid");
        } catch (RuntimeException e) {
            // java-jwt fails outside its own exceptions on some malformed tokens (a header that
            // decodes to JSON null: NullPointerException); whatever it is, the token is not valid.
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token is not valid");
        }
        String room = jwt.getClaim("room").asString();
        String roomId = jwt.getClaim("rid").asString();
        Role role = Role.fromWire(jwt.getClaim("role").asString()).orElse(null);
        Long generation = jwt.getClaim("gen").isMissing() ? Long.valueOf(0) : jwt.getClaim("gen").asLong();
        if (room == null || roomId == null || role == null || generation == null || generation < 0) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token is not valid");
        }
        return new JoinToken(room, roomId, role, jwt.getExpiresAtAsInstant(), generation);
    }
}
