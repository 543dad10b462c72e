package io.lacpd.core;

import java.util.concurrent.TimeUnit;

/** The timer values of 802.1AX-2014 6.4.4, in nanoseconds. */
public final class ProtocolConstants {

    /** Fast_Periodic_Time: PDU interval towards a partner that asked for the short timeout. */
    public static final long FAST_PERIODIC_TIME = TimeUnit.SECONDS.toNanos(1);
    /** Slow_Periodic_Time: PDU interval towards a partner that asked for the long timeout. */
    public static final long SLOW_PERIODIC_TIME = TimeUnit.SECONDS.toNanos(30);
    /** Short_Timeout_Time: how long partner information stays current with the short timeout. */
    public static final long SHORT_TIMEOUT_TIME = TimeUnit.SECONDS.toNanos(3);
    /** Long_Timeout_Time: how long partner information stays current with the long timeout. */
    public static final long LONG_TIMEOUT_TIME = TimeUnit.SECONDS.toNanos(90);
    /** Churn_Detection_Time: how long a port may stay out of sync before churn is flagged. */
    public static final long CHURN_DETECTION_TIME = TimeUnit.SECONDS.toNanos(60);
    /** Aggregate_Wait_Time: how long a port waits so that ports of one LAG attach together (the default of {@link SystemConfig#aggregateWaitTime}). */
    public static final long AGGREGATE_WAIT_TIME = TimeUnit.SECONDS.toNanos(2);
    /** At most this many LACPDUs in any Fast_Periodic_Time (6.4.16). */
    public static final int MAX_TX_PER_FAST_PERIODIC_TIME = 3;

    private ProtocolConstants() {
    }
}
