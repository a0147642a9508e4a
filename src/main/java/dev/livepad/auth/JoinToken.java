package dev.livepad.auth;

import dev.livepad.protocol.Role;
import java.time.Instant;

/**
 * What a verified token grants: one role in one incarnation of one room, until {@code expiresAt},
 * unless the room's tokens were revoked after generation {@code generation}.
 */
public record JoinToken(String room, String roomId, Role role, Instant expiresAt, long generation) {
}
