package dev.livepad.room;

import java.util.ArrayDeque;

/**
 * Holds back a room's outgoing messages until the ops they follow are durable. Actions run in the
 * order they were queued, each once every op up to its revision is committed, so acks,
 * broadcasts and join replies leave in revision order and never promise an op a crash could lose.
 * Used only on the room's executor.
 */
final class CommitLog {
    private record Pending(long rev, Runnable action) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long committedRev;

    CommitLog(long committedRev) {
        this.committedRev = committedRev;
    }

    void whenCommitted(long rev, Runnable action) {
        if (pending.isEmpty() && rev <= committedRev) {
            action.run();
        } else {
            pending.addLast(new Pending(rev, action));
        }
    }

    void committed(long rev) {
        committedRev = Math.max(committedRev, rev);
        while (!pending.isEmpty() && pending.peekFirst().rev() <= committedRev) {
            pending.removeFirst().action().run();
        }
    }

    boolean isIdle() {
        return pending.isEmpty();
    }

    /** Drops what is queued: the room has closed and nobody is left to tell. */
    void abandon() {
        pending.clear();
    }
}
