package dev.livepad.room;

import java.time.Duration;

/**
 * The limits and intervals every room of a server shares. {@code retentionOps} is how many ops
 * before the head the store keeps readable ({@code RETENTION_OPS}); 0 keeps every revision.
 */
public record RoomSettings(int maxDocChars, int historyOps, long historyMaxBytes, int snapshotEvery,
                           Duration emptyRoomLinger, int maxMembers, int resumeMaxBytes, int retentionOps) {

    /**
     * A snapshot is the whole text, so a text larger than this many characters per op of the
     * interval is snapshotted less often: snapshots then store and write at most about this much
     * per op, however large the document. Up to 100,000 characters (at the default interval of
     * 200) nothing changes.
     */
    static final int SNAPSHOT_CHARS_PER_OP = 500;

    /**
     * The interval between snapshots of a text of {@code length}: {@code snapshotEvery}, doubled
     * until it is at least {@code length / SNAPSHOT_CHARS_PER_OP}. Every interval is a multiple
     * of the smaller ones, so a text that grows or shrinks still meets the next multiple of its
     * own, and a revision is at most one interval from a snapshot.
     */
    public long snapshotInterval(long length) {
        long interval = snapshotEvery;
        while (interval * SNAPSHOT_CHARS_PER_OP < length) {
            interval *= 2;
        }
        return interval;
    }

    /** Whether revision {@code rev}, leaving a text of {@code length}, is snapshotted. */
    public boolean snapshotDue(long rev, long length) {
        return rev % snapshotInterval(length) == 0;
    }

    /**
     * What a snapshot save may prune up to: every revision by default, else at least the retention
     * and never less than a load needs ({@code historyOps}).
     */
    public int keepOps() {
        return retentionOps == 0 ? Integer.MAX_VALUE : Math.max(retentionOps, historyOps);
    }
}
