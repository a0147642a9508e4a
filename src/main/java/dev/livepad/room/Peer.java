package dev.livepad.room;

import java.util.HashMap;
import java.util.Map;

/**
 * One client connection as rooms see it: its id, its outbox, and the rooms it is a member of.
 * A connection may be in several rooms at once; it has the same client id in each.
 *
 * <p>Memberships change only on join and leave and are read on every message, and most
 * connections are in one room: an immutable map replaced on change costs 24 bytes for one room,
 * where a {@code ConcurrentHashMap} cost 180 per connection.
 */
public final class Peer {
    private final String clientId;
    private final Outbox outbox;
    private volatile Map<String, Member> memberships = Map.of();

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

    /** The memberships at this moment: an immutable snapshot. */
    public Map<String, Member> memberships() {
        return memberships;
    }

    /** Claims a membership slot; false if the connection is already in (or joining) that room. */
    synchronized boolean claim(Member member) {
        String room = member.room().name();
        if (memberships.containsKey(room)) {
            return false;
        }
        Map<String, Member> next = new HashMap<>(memberships);
        next.put(room, member);
        memberships = Map.copyOf(next);
        return true;
    }

    synchronized void release(Member member) {
        String room = member.room().name();
        if (memberships.get(room) == member) {
            Map<String, Member> next = new HashMap<>(memberships);
            next.remove(room);
            memberships = Map.copyOf(next);
        }
    }
}
