package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import dev.livepad.protocol.MemberInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's members and the ways a frame reaches them. Changed only on the room's executor;
 * {@link #count} may be read from any thread.
 */
final class Members {
    private final List<Member> list = new ArrayList<>();
    private final ServerStats stats;
    private volatile int count;

    Members(ServerStats stats) {
        this.stats = stats;
    }

    void add(Member member) {
        list.add(member);
        count = list.size();
        stats.members.incrementAndGet();
    }

    /** Removes the member from the room and from its connection's memberships. */
    void remove(Member member) {
        if (list.remove(member)) {
            count = list.size();
            stats.members.decrementAndGet();
        }
        member.peer().release(member);
    }

    boolean contains(Member member) {
        return list.contains(member);
    }

    int count() {
        return count;
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<Member> all() {
        return List.copyOf(list);
    }

    List<MemberInfo> infos() {
        return list.stream().map(Member::info).toList();
    }

    /** Sends one encoded frame to everyone but {@code except}. */
    void broadcast(String frame, Member except) {
        for (Member m : list) {
            if (m != except) {
                m.send(frame);
            }
        }
    }

    /** Sends the broadcast of revision {@code rev} to everyone whose join reply did not already include it. */
    void broadcastRevision(String frame, Member except, long rev) {
        for (Member m : list) {
            if (m != except && m.sinceRev < rev) {
                m.send(frame);
            }
        }
    }

    /** The members other than {@code except} whose cursor is known. */
    List<Member> withCursors(Member except) {
        List<Member> result = new ArrayList<>();
        for (Member m : list) {
            if (m != except && m.cursor != null) {
                result.add(m);
            }
        }
        return result;
    }
}
