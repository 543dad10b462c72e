package io.lacpd.core;

/** Link duplex as the NIC reports it. LACP runs only on full-duplex links (802.1AX-2014 6.4.8, LACP_Enabled). */
public enum Duplex {
    FULL,
    HALF,
    UNKNOWN
}
