package io.lacpd.core;

/** LACP_Timeout (802.1AX-2014 6.4.2.3): how fast this port asks its partner to send. */
public enum LacpTimeout {
    /** Short_Timeout_Time (3 s); the partner sends every Fast_Periodic_Time (1 s). The default. */
    SHORT,
    /** Long_Timeout_Time (90 s); the partner sends every Slow_Periodic_Time (30 s). */
    LONG
}
