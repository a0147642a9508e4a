package dev.livepad.room;

import dev.livepad.ot.Selection;
import dev.livepad.protocol.MemberInfo;
import dev.livepad.protocol.Role;

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

    Member(Peer peer, Room room, String name, Role role) {
        this.peer = peer;
        this.room = room;
        this.info = new MemberInfo(peer.clientId(), name, role);
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
