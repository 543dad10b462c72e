package io.lacpd.core;

/** Which Mux machine a system runs (802.1AX-2014 6.4.15). */
public enum MuxControl {
    /** Collecting and distributing switch together (Figure 6-22), as Linux bonding does. The default. */
    COUPLED,
    /** Collecting first, distributing once the partner collects (Figure 6-21). */
    INDEPENDENT
}
