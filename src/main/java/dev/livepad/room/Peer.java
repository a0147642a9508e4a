package dev.livepad.room;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

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
    private final LongConsumer workMeter;
    private volatile Map<String, Member> memberships = Map.of();

    /**
     * {@code workMeter} is told what each of this connection's messages cost the room beyond
     * its size (in steps of transforming ops and moving ranges), so the connection's budget can
     * charge a cheap message for expensive work.
     */
    public Peer(String clientId, Outbox outbox, LongConsumer workMeter) {
        this.clientId = clientId;
        this.outbox = outbox;
        this.workMeter = workMeter;
    }

    /** Charges the connection for work done on its behalf; called on a room's executor. */
    void charge(long steps) {
        if (steps > 0) {
            workMeter.accept(steps);
        }
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
