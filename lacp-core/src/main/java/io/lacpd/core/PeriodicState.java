package io.lacpd.core;

/** The states of the Periodic Transmission machine, 802.1AX-2014 6.4.13, Figure 6-19. */
public enum PeriodicState {
    NO_PERIODIC, FAST_PERIODIC, SLOW_PERIODIC, PERIODIC_TX
}
