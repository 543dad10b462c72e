package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;

/**
 * System-wide settings of one LACP speaker.
 *
 * @param systemPriority    Actor_System_Priority, 0..65535 (lower wins)
 * @param systemMac         Actor_System: a stable unicast MAC, never derived from enslave order
 * @param muxControl        coupled or independent collecting/distributing
 * @param collectorMaxDelay CollectorMaxDelay advertised, in tens of microseconds
 * @param aggregateWaitTime Aggregate_Wait_Time (6.4.4) in nanoseconds: how long a port stays in the Mux's
 *                          WAITING before it may attach, so that links coming up together join together; the
 *                          standard's 2 s by default, 0 attaches at once (as Open vSwitch does)
 */
public record SystemConfig(int systemPriority, MacAddress systemMac, MuxControl muxControl, int collectorMaxDelay,
                           long aggregateWaitTime) {

    /** The default system priority. */
    public static final int DEFAULT_SYSTEM_PRIORITY = 32768;

    public SystemConfig {
        if (systemPriority < 0 || systemPriority > 0xFFFF) {
            throw new IllegalArgumentException("system priority " + systemPriority + " out of range (expected: 0..65535)");
        }
        if (systemMac == null || systemMac.equals(MacAddress.ZERO) || systemMac.isMulticast()) {
            throw new IllegalArgumentException("system MAC " + systemMac + " is not a unicast address");
        }
        if (muxControl == null) {
            throw new IllegalArgumentException("mux control is required");
        }
        if (collectorMaxDelay < 0 || collectorMaxDelay > 0xFFFF) {
            throw new IllegalArgumentException("collector max delay " + collectorMaxDelay + " out of range (expected: 0..65535)");
        }
        if (aggregateWaitTime < 0) {
            throw new IllegalArgumentException("aggregate wait time " + aggregateWaitTime + " ns is negative (expected: 0 or more)");
        }
    }

    /** Settings with the standard's Aggregate_Wait_Time of 2 s. */
    public SystemConfig(int systemPriority, MacAddress systemMac, MuxControl muxControl, int collectorMaxDelay) {
        this(systemPriority, systemMac, muxControl, collectorMaxDelay, ProtocolConstants.AGGREGATE_WAIT_TIME);
    }

    /** Default settings for a system identified by {@code systemMac}. */
    public static SystemConfig of(MacAddress systemMac) {
        return new SystemConfig(DEFAULT_SYSTEM_PRIORITY, systemMac, MuxControl.COUPLED, 0);
    }

    /** These settings with another system priority. */
    public SystemConfig withSystemPriority(int priority) {
        return new SystemConfig(priority, systemMac, muxControl, collectorMaxDelay, aggregateWaitTime);
    }

    /** These settings with another system MAC. */
    public SystemConfig withSystemMac(MacAddress mac) {
        return new SystemConfig(systemPriority, mac, muxControl, collectorMaxDelay, aggregateWaitTime);
    }

    /** These settings with another mux control. */
    public SystemConfig withMuxControl(MuxControl control) {
        return new SystemConfig(systemPriority, systemMac, control, collectorMaxDelay, aggregateWaitTime);
    }

    /** These settings with another Aggregate_Wait_Time, in nanoseconds. */
    public SystemConfig withAggregateWaitTime(long nanos) {
        return new SystemConfig(systemPriority, systemMac, muxControl, collectorMaxDelay, nanos);
    }
}
