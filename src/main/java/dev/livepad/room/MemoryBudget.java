package dev.livepad.room;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the loaded rooms of a server may hold in memory together: their texts and histories, as
 * estimated bytes. Each room bounds its own history and text, but the rooms one client can fill
 * (creating and joining many) multiply those bounds; past this budget, rooms that are not loaded
 * stay unloaded and ops that insert text wait ({@code unavailable}: resend later, same id),
 * while everything else, deleting text included, goes on. Rooms give their share back when they
 * leave memory.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    /**
     * What a room with a text of {@code textLength} units and this history holds, by the same
     * estimate as the history's (a rope's tree adds a few percent to its chunks; Latin-1 chunks take half).
     */
    static long weight(int textLength, History history) {
        return 2L * textLength + history.weight();
    }

    void adjust(long delta) {
        used.addAndGet(delta);
    }

    /** Refuses work that would add to memory while the budget is spent. */
    void requireRoom(String what) {
        if (used.get() > limit) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "the server holds as much text as its memory allows ("
                    + limit / (1024 * 1024) + " MB); " + what + " must wait until other rooms leave memory");
        }
    }

    /** Admits a room of this weight into memory, or refuses it. */
    void admit(String room, long weight) {
        long now = used.addAndGet(weight);
        if (now > limit && now - weight > 0) { // a room alone may exceed it: it must be loadable
            used.addAndGet(-weight);
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "room " + room
                    + " cannot be opened now: the server holds as much text as its memory allows");
        }
    }
}
