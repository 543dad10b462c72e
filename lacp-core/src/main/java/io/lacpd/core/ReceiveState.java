package io.lacpd.core;

/** The states of the Receive machine, 802.1AX-2014 6.4.12, Figure 6-18. */
public enum ReceiveState {
    INITIALIZE, PORT_DISABLED, LACP_DISABLED, EXPIRED, DEFAULTED, CURRENT
}
