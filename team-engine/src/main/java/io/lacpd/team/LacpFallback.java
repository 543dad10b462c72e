package io.lacpd.team;

/**
 * Where a lacp team stands with its LACP fallback ({@link TeamPolicy#lacpFallbackNanos}): a switch port that
 * speaks no LACP (a server booting over the network before its switch's port-channel is configured, a switch with
 * LACP bypass) still gets one member's traffic, as a switch-independent Active/Standby team would give it.
 */
public enum LacpFallback {
    /** No fallback configured, or not lacp mode. */
    OFF,
    /** Configured; no LACPDU heard yet, and the fallback timeout since the start has not passed. */
    WAITING,
    /** In force: no LACPDU heard since the start for the timeout; one member carries the traffic. */
    ACTIVE,
    /** LACP was heard: the team follows LACP from then on, for good. */
    ENDED
}
