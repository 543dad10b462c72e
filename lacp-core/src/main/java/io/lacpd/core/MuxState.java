package io.lacpd.core;

/** The states of the Mux machine, 802.1AX-2014 6.4.15, Figures 6-21 (independent) and 6-22 (coupled control). */
public enum MuxState {
    DETACHED, WAITING, ATTACHED, COLLECTING, DISTRIBUTING, COLLECTING_DISTRIBUTING
}
