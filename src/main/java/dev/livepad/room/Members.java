package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import dev.livepad.protocol.MemberInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A room's members and the ways a frame reaches them. Changed only on the room's executor;
 * {@link #count} may be read from any thread.
 */
final class Members {
    /** From this many members on, a broadcast only queues and the writes run on the pool. */
    static final int OFFLOAD_WRITES_FROM = 32;

    private final List<Member> list = new ArrayList<>();
    private final ServerStats stats;
    private final Executor writers;
    private volatile int count;

    Members(ServerStats stats, Executor writers) {
        this.stats = stats;
        this.writers = writers;
    }

    void add(Member member) {
        list.add(member);
        count = list.size();
        stats.members.incrementAndGet();
        stats.joins.increment();
    }

    /** Removes the member from the room and from its connection's memberships. */
    void remove(Member member) {
        if (list.remove(member)) {
            count = list.size();
            stats.members.decrementAndGet();
            stats.leaves.increment();
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

    /** Sends one frame, encoded once, to everyone but {@code except}. */
    void broadcast(String frame, Member except) {
        broadcastRevision(frame, except, Long.MAX_VALUE);
    }

    /** Sends the broadcast of revision {@code rev} to everyone whose join reply did not already include it. */
    void broadcastRevision(String frame, Member except, long rev) {
        byte[] bytes = Outbox.encode(frame);
        Executor writer = writer();
        for (Member m : list) {
            if (m != except && m.sinceRev < rev) {
                m.peer().outbox().send(bytes, writer);
            }
        }
    }

    /** Null (write on the room's thread) for small rooms, where a hand-off would cost more than it saves. */
    private Executor writer() {
        return list.size() >= OFFLOAD_WRITES_FROM ? writers : null;
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
