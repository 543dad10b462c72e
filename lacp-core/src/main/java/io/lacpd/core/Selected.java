package io.lacpd.core;

/**
 * The Selected variable, 802.1AX-2014 6.4.8. STANDBY is not produced: this Selection Logic puts no limit on
 * the number of ports in an aggregator.
 */
public enum Selected {
    UNSELECTED, SELECTED
}
