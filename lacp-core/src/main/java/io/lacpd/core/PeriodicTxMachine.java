package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.StateBit;

/**
 * Periodic Transmission machine, 802.1AX-2014 6.4.13, Figure 6-19. The rate follows the PARTNER's
 * LACP_Timeout: a partner that asked for the short timeout hears from us every second.
 */
final class PeriodicTxMachine {

    private final PortVariables v;
    private PeriodicState state = PeriodicState.NO_PERIODIC;

    PeriodicTxMachine(PortVariables v) {
        this.v = v;
    }

    PeriodicState state() {
        return state;
    }

    boolean step(long now) {
        // Global transition: BEGIN, LACP disabled, port disabled, or both ends Passive.
        if (v.begin || v.silent()) {
            return state != PeriodicState.NO_PERIODIC && enter(PeriodicState.NO_PERIODIC, now);
        }
        boolean partnerShort = v.partner(StateBit.LACP_TIMEOUT);
        boolean expired = v.timers.expired(Timer.PERIODIC, now);
        PeriodicState next = switch (state) {
            case NO_PERIODIC -> PeriodicState.FAST_PERIODIC; // UCT
            case FAST_PERIODIC -> expired ? PeriodicState.PERIODIC_TX : !partnerShort ? PeriodicState.SLOW_PERIODIC : null;
            case SLOW_PERIODIC -> expired || partnerShort ? PeriodicState.PERIODIC_TX : null;
            case PERIODIC_TX -> partnerShort ? PeriodicState.FAST_PERIODIC : PeriodicState.SLOW_PERIODIC;
        };
        return next != null && enter(next, now);
    }

    private boolean enter(PeriodicState next, long now) {
        state = next;
        switch (next) {
            case NO_PERIODIC -> v.timers.stop(Timer.PERIODIC);
            case FAST_PERIODIC -> v.timers.start(Timer.PERIODIC, now, ProtocolConstants.FAST_PERIODIC_TIME);
            case SLOW_PERIODIC -> v.timers.start(Timer.PERIODIC, now, ProtocolConstants.SLOW_PERIODIC_TIME);
            case PERIODIC_TX -> v.ntt = true;
        }
        return true;
    }
}
