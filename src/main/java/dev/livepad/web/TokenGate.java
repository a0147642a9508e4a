package dev.livepad.web;

import dev.livepad.auth.JoinToken;
import dev.livepad.auth.TokenService;
import dev.livepad.protocol.ProtocolException;

/**
 * Verifies tokens on behalf of a client address, counting failures against that address so
 * that guessing tokens is slow, over HTTP and WebSocket alike.
 */
final class TokenGate {
    private final TokenService tokens;
    private final AddressLimits limits;

    TokenGate(TokenService tokens, AddressLimits limits) {
        this.tokens = tokens;
        this.limits = limits;
    }

    JoinToken verify(String token, String address) {
        limits.requireAuthBudget(address);
        try {
            return tokens.verify(token);
        } catch (ProtocolException e) {
            limits.authFailed(address);
            throw e;
        }
    }
}
