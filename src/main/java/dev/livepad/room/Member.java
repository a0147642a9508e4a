package dev.livepad.room;

import dev.livepad.ot.Selection;
import dev.livepad.protocol.MemberInfo;
import dev.livepad.protocol.Role;
import dev.livepad.protocol.ServerMessages;
import java.util.concurrent.CompletableFuture;

/**
 * One connection's membership of one room. Mutable fields are touched only on the room's
 * executor: {@code sinceRev} is the revision its {@code joined} reply covered, so broadcasts of
 * earlier revisions are not sent to it twice.
 */
public final class Member {
    private final Peer peer;
    private final Room room;
    private final MemberInfo info;
    long sinceRev;
    long cursorRev = -1;
    Selection cursor;

    private final CompletableFuture<Long> acked; // null for a connection's membership

    Member(Peer peer, Room room, String name, Role role) {
        this(peer, room, name, role, null);
    }

    private Member(Peer peer, Room room, String name, Role role, CompletableFuture<Long> acked) {
        this.peer = peer;
        this.room = room;
        this.info = new MemberInfo(peer.clientId(), name, role);
        this.acked = acked;
    }

    /**
     * An author of one edit made over HTTP rather than a connection (a restore): it may edit the
     * room without being listed in it, receives nothing, and its ack completes {@link #acked()}.
     */
    public static Member detached(Room room, String clientId, String name, Role role) {
        return new Member(new Peer(clientId, null, steps -> { }), room, name, role, new CompletableFuture<>());
    }

    boolean isDetached() {
        return acked != null;
    }

    /** A detached member's edit, once acknowledged (committed): its revision. */
    CompletableFuture<Long> acked() {
        return acked;
    }

    /** Acknowledges the member's op {@code id} as revision {@code rev}. */
    void ack(String roomName, String id, long rev) {
        if (acked != null) {
            acked.complete(rev);
        } else {
            send(ServerMessages.ack(roomName, id, rev));
        }
    }

    public Peer peer() {
        return peer;
    }

    public Room room() {
        return room;
    }

    public MemberInfo info() {
        return info;
    }

    public Role role() {
        return info.role();
    }

    void send(String frame) {
        peer.outbox().send(frame);
    }
}
