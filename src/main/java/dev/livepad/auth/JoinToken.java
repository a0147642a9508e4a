package dev.livepad.auth;

import dev.livepad.protocol.Role;
import java.time.Instant;

/** What a verified token grants: one role in one incarnation of one room, until {@code expiresAt}. */
public record JoinToken(String room, String roomId, Role role, Instant expiresAt) {
}
