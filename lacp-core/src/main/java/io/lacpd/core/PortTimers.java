package io.lacpd.core;

/**
 * The per-port timers of 802.1AX-2014 6.4.8 as deadlines (nanoseconds). A timer is "expired" from its
 * deadline on until it is started again or stopped, as the standard's timers are; comparisons are
 * overflow-safe ({@code deadline - now <= 0}).
 */
final class PortTimers {

    /** The timers of one port. */
    enum Timer {
        CURRENT_WHILE, PERIODIC, WAIT_WHILE, ACTOR_CHURN, PARTNER_CHURN
    }

    private static final Timer[] TIMERS = Timer.values();

    private final long[] deadlines = new long[TIMERS.length];
    private int running;

    void start(Timer t, long now, long duration) {
        deadlines[t.ordinal()] = now + duration;
        running |= 1 << t.ordinal();
    }

    void stop(Timer t) {
        running &= ~(1 << t.ordinal());
    }

    boolean expired(Timer t, long now) {
        return (running & (1 << t.ordinal())) != 0 && deadlines[t.ordinal()] - now <= 0;
    }

    /** Nanoseconds until the timer expires: 0 once expired, -1 when it is not running. */
    long left(Timer t, long now) {
        if ((running & (1 << t.ordinal())) == 0) {
            return -1;
        }
        return Math.max(0, deadlines[t.ordinal()] - now);
    }

    /**
     * The earliest deadline still ahead of {@code now}, or {@link LacpSystem#NO_DEADLINE}. Expired timers are
     * not counted: the machines have seen them already.
     */
    long nextDeadline(long now) {
        boolean found = false;
        long best = 0;
        for (int i = 0; i < TIMERS.length; i++) {
            if ((running & (1 << i)) != 0) {
                long d = deadlines[i];
                if (d - now > 0 && (!found || d - best < 0)) {
                    best = d;
                    found = true;
                }
            }
        }
        return found ? best : LacpSystem.NO_DEADLINE;
    }
}
