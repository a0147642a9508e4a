package dev.livepad.room;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection as rooms see it: its id, its outbox, and the rooms it is a member of.
 * A connection may be in several rooms at once; it has the same client id in each.
 */
public final class Peer {
    private final String clientId;
    private final Outbox outbox;
    private final Map<String, Member> memberships = new ConcurrentHashMap<>();

    public Peer(String clientId, Outbox outbox) {
        this.clientId = clientId;
        this.outbox = outbox;
    }

    public String clientId() {
        return clientId;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The membership in that room, or null when this connection has not joined it. */
    public Member membership(String room) {
        return memberships.get(room);
    }

    public Map<String, Member> memberships() {
        return memberships;
    }

    /** Claims a membership slot; false if the connection is already in (or joining) that room. */
    boolean claim(Member member) {
        return memberships.putIfAbsent(member.room().name(), member) == null;
    }

    void release(Member member) {
        memberships.remove(member.room().name(), member);
    }
}
