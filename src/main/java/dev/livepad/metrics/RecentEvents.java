package dev.livepad.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last few error replies and slow-consumer closes, for the dashboard: what went wrong just
 * now, with the client and room it concerns. Bounded, so a flood of errors costs nothing more.
 */
public final class RecentEvents {
    /** One event; {@code room} may be null, {@code detail} is already cleaned for display. */
    public record Event(long time, String kind, String client, String room, String code, String detail) {
    }

    public static final int KEPT = 50;

    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long added;

    public synchronized void add(Event event) {
        if (events.size() == KEPT) {
            events.removeFirst();
        }
        events.addLast(event);
        added++;
    }

    /** Every event kept, oldest first. */
    public synchronized List<Event> all() {
        return new ArrayList<>(events);
    }

    /** Events added since {@code count} had been added (those still kept), oldest first. */
    synchronized List<Event> since(long count) {
        int fresh = (int) Math.min(events.size(), added - count);
        List<Event> all = new ArrayList<>(events);
        return all.subList(all.size() - fresh, all.size());
    }

    synchronized long added() {
        return added;
    }
}
