package io.lacpd.team.events;

import io.lacpd.team.status.EventTime;

import java.util.ArrayList;
import java.util.List;

/**
 * The team's last events, a bounded ring: the oldest goes when a new one comes, so a flapping link costs a fixed
 * amount of memory however long it flaps. Added to from the loop and the daemon's other threads, read by the
 * control thread; each call holds the log's lock for a copy at most.
 */
public final class EventLog {

    /** The events kept by default: a few hundred, hours of a quiet team, minutes of a flapping one. */
    public static final int DEFAULT_CAPACITY = 500;

    private final TeamEvent[] ring;
    private long added;

    /** A log keeping at most {@code capacity} events. */
    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected: at least 1)");
        }
        ring = new TeamEvent[capacity];
    }

    /** A log of {@value #DEFAULT_CAPACITY} events. */
    public EventLog() {
        this(DEFAULT_CAPACITY);
    }

    /** Records an event. */
    public synchronized void add(long atMillis, String text) {
        ring[(int) (added % ring.length)] = new TeamEvent(atMillis, text);
        added++;
    }

    /** The events kept, oldest first. */
    public synchronized List<TeamEvent> events() {
        int n = (int) Math.min(added, ring.length);
        List<TeamEvent> out = new ArrayList<>(n);
        for (long i = added - n; i < added; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }

    /** Events recorded since the log began, those no longer kept included. */
    public synchronized long added() {
        return added;
    }

    /**
     * The answer to the control request {@code events}: one line per event, oldest first, each its UTC time and
     * text, after a line saying how many were recorded and how many are shown.
     */
    public String render() {
        List<TeamEvent> events;
        long total;
        synchronized (this) {
            events = events();
            total = added;
        }
        StringBuilder out = new StringBuilder();
        out.append("events: ").append(total).append(" recorded");
        if (total > events.size()) {
            out.append(", the last ").append(events.size()).append(" shown");
        }
        out.append('\n');
        for (TeamEvent e : events) {
            out.append(EventTime.format(e.atMillis())).append(' ').append(e.text()).append('\n');
        }
        return out.toString();
    }
}
