package io.lacpd.core;

/**
 * Why a port does not distribute (Actor Distributing FALSE): the first of these facts that holds, in this
 * order, read from the port's variables (802.1AX-2014 6.4.7, 6.4.8) and machine states.
 */
public enum FailureReason {
    /** Port_Enabled is FALSE: the link is down. */
    LINK_DOWN,
    /** LACP_Enabled is FALSE: the link is half duplex, or the port's settings keep LACP off (a Static member). */
    LACP_DISABLED,
    /** The partner is this very system (same system priority and MAC): the link loops back. */
    LOOPBACK,
    /** The Receive machine is in EXPIRED: no LACPDU within the timeout. */
    PARTNER_EXPIRED,
    /** The Receive machine is in DEFAULTED: no LACPDU received, the partner is the administrative default. */
    PARTNER_DEFAULTED,
    /** Selected is not SELECTED. */
    NOT_SELECTED,
    /** The Mux is in WAITING, for Aggregate_Wait_Time. */
    WAITING,
    /** The Mux is in ATTACHED: the partner's Synchronization is FALSE. */
    PARTNER_NOT_IN_SYNC,
    /** The Mux is in COLLECTING (independent control): the partner's Collecting is FALSE. */
    PARTNER_NOT_COLLECTING,
    /** Selected, but the Mux is still DETACHED. */
    DETACHED
}
