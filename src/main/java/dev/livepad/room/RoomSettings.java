package dev.livepad.room;

import java.time.Duration;

/** The limits and intervals every room of a server shares. */
public record RoomSettings(int maxDocChars, int historyOps, long historyMaxBytes, int snapshotEvery,
                           Duration emptyRoomLinger, int maxMembers, int resumeMaxBytes) {
}
