package dev.livepad.room;

import java.time.Duration;

/**
 * The limits and intervals every room of a server shares. {@code retentionOps} is how many ops
 * before the head the store keeps readable ({@code RETENTION_OPS}); 0 keeps every revision.
 */
public record RoomSettings(int maxDocChars, int historyOps, long historyMaxBytes, int snapshotEvery,
                           Duration emptyRoomLinger, int maxMembers, int resumeMaxBytes, int retentionOps) {

    /**
     * What a snapshot save may prune up to: every revision by default, else at least the retention
     * and never less than a load needs ({@code historyOps}).
     */
    public int keepOps() {
        return retentionOps == 0 ? Integer.MAX_VALUE : Math.max(retentionOps, historyOps);
    }
}
