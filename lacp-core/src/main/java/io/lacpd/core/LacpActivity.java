package io.lacpd.core;

/** LACP_Activity (802.1AX-2014 6.4.2.3): whether a port speaks first. */
public enum LacpActivity {
    /** Sends LACPDUs whatever the partner does. The default, as in Windows NIC Teaming. */
    ACTIVE,
    /** Sends only to a partner that is Active: two Passive ends never talk. */
    PASSIVE
}
