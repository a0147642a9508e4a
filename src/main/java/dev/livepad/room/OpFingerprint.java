package dev.livepad.room;

import dev.livepad.ot.TextOperation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A 64-bit digest of an op as its client sent it: the revision it was made against and its
 * normalized components. A message with a known id is a retry only when its fingerprint is the
 * first one's; otherwise the id was reused for a different op. SHA-256, so that nobody can craft
 * a different op that passes for another client's.
 */
final class OpFingerprint {
    /** Stored for ops whose fingerprint was never recorded; no computed fingerprint is 0. */
    static final long UNKNOWN = 0;

    private OpFingerprint() {
    }

    static long of(long rev, TextOperation op) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(rev).array());
        sha.update(op.toString().getBytes(StandardCharsets.UTF_8));
        long digest = ByteBuffer.wrap(sha.digest()).getLong();
        return digest == UNKNOWN ? 1 : digest;
    }
}
