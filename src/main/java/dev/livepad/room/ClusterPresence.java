package dev.livepad.room;

import dev.livepad.ot.Selection;
import dev.livepad.protocol.MemberInfo;
import dev.livepad.protocol.ServerMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A room's members and cursors on the other instances of a cluster, and what this instance tells
 * them of its own. Not stored: on every join and leave, and again every few seconds, an instance
 * sends its whole member list on the room's bus channel and into a shared Redis hash (which an
 * instance reads when it loads the room), so a lost message heals and the members of an instance
 * that went quiet expire ({@link RemoteMembers}). A remote cursor made at a revision this instance
 * has not applied yet waits for that op. Used on the room's executor only, but {@link #count} for
 * /status.
 */
final class ClusterPresence {
    private final Room room;
    private final History history;
    private final Members members;
    private final ClusterLink link;
    private final RemoteMembers remote = new RemoteMembers();
    private final Map<String, BusMessage.Cursor> cursors = new HashMap<>(); // by client id, at their rev
    private volatile int count; // remote.count(), for other threads

    ClusterPresence(Room room, History history, Members members, ClusterLink link) {
        this.room = room;
        this.history = history;
        this.members = members;
        this.link = link;
    }

    /** The members on other instances, for a joiner's {@code joined.members}. */
    List<MemberInfo> members() {
        return remote.all();
    }

    int count() {
        return count;
    }

    void cursorMoved(String clientId, long rev, Selection selection) {
        room.publish(new BusMessage.Cursor(room.id(), link.instanceId(), clientId, rev, selection));
    }

    /**
     * Tells the other instances who is here now, on the bus and in the shared presence hash that
     * an instance reads when it loads the room.
     */
    void announce() {
        if (link.bus().isEmpty()) {
            return;
        }
        List<MemberInfo> here = members.infos();
        BusMessage.Members message = new BusMessage.Members(room.id(), link.instanceId(), here);
        String key = ClusterLink.presenceKey(room.name());
        if (here.isEmpty()) {
            link.bus().get().removeField(key, link.instanceId()).exceptionally(e -> null);
        } else {
            link.bus()
                    .get()
                    .putField(
                            key,
                            link.instanceId(),
                            System.currentTimeMillis() + " " + BusMessage.encode(link.json(), message))
                    .exceptionally(e -> null);
        }
        room.publish(message);
    }

    /**
     * The registry's periodic call: members of instances silent since {@code deadlineNanos}
     * leave, and this instance repeats its own members.
     */
    void heartbeat(long deadlineNanos) {
        for (MemberInfo gone : remote.expire(deadlineNanos)) {
            cursors.remove(gone.clientId());
            members.broadcast(ServerMessages.presence(room.name(), "leave", gone), null);
        }
        count = remote.count();
        if (!members.isEmpty()) {
            announce();
        }
    }

    /**
     * Members found in the shared presence hash at load, written no earlier than {@code
     * sinceMillis}; heard when they were written, so a dead instance's members expire on time.
     */
    void seed(Map<String, String> fields, long sinceMillis) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        fields.forEach((instance, value) -> {
            int space = value.indexOf(' ');
            if (instance.equals(link.instanceId()) || space < 0) {
                return;
            }
            long written;
            try {
                written = Long.parseLong(value.substring(0, space));
            } catch (NumberFormatException e) {
                return;
            }
            BusMessage.decode(link.json(), value.substring(space + 1)).ifPresent(m -> {
                if (written >= sinceMillis && m instanceof BusMessage.Members ms && ms.roomId().equals(room.id())) {
                    remote.heard(instance, nowNanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - written)));
                    ms.members().forEach(info -> remote.joined(instance, info));
                }
            });
        });
        count = remote.count();
    }

    /** A presence or cursor message of another instance about this room. */
    void received(BusMessage message) {
        if (message.from().equals(link.instanceId())) {
            return;
        }
        remote.heard(message.from(), System.nanoTime());
        if (message instanceof BusMessage.Members all) {
            List<MemberInfo> joined = new ArrayList<>();
            List<MemberInfo> left = new ArrayList<>();
            remote.replace(all.from(), all.members(), joined, left);
            joined.forEach(m -> members.broadcast(ServerMessages.presence(room.name(), "join", m), null));
            left.forEach(m -> {
                cursors.remove(m.clientId());
                members.broadcast(ServerMessages.presence(room.name(), "leave", m), null);
            });
        } else if (message instanceof BusMessage.Cursor cursor) {
            cursor(cursor);
        }
        count = remote.count();
    }

    /** Shows a remote member's cursor now if its revision is here, else when its op arrives. */
    private void cursor(BusMessage.Cursor cursor) {
        long head = history.headRev();
        if (cursor.rev() > head) {
            cursors.put(cursor.clientId(), cursor);
        } else if (history.covers(cursor.rev())) {
            Selection moved = history.moveToHead(cursor.rev(), cursor.selection());
            cursors.put(
                    cursor.clientId(), new BusMessage.Cursor(room.id(), cursor.from(), cursor.clientId(), head, moved));
            members.broadcast(ServerMessages.cursor(room.name(), cursor.clientId(), head, moved), null);
        }
    }

    /** Another instance's op {@code rev} was applied here: the cursors that waited for it are shown. */
    void opApplied(long rev) {
        for (BusMessage.Cursor c : cursors.values()) {
            if (c.rev() == rev) {
                members.broadcast(ServerMessages.cursor(room.name(), c.clientId(), c.rev(), c.selection()), null);
            }
        }
    }

    /** The remote cursors moved to the head revision, for a member who just joined. */
    List<String> cursorsAtHead() {
        List<String> frames = new ArrayList<>();
        long head = history.headRev();
        for (BusMessage.Cursor c : cursors.values()) {
            if (history.covers(c.rev())) {
                frames.add(ServerMessages.cursor(
                        room.name(), c.clientId(), head, history.moveToHead(c.rev(), c.selection())));
            }
        }
        return frames;
    }
}
