package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.StateBit;

/**
 * Mux machine, 802.1AX-2014 6.4.15: independent control (Figure 6-21: COLLECTING, then DISTRIBUTING once
 * the partner collects) or coupled control (Figure 6-22: COLLECTING_DISTRIBUTING).
 */
final class MuxMachine {

    private final AggregationPort port;
    private final PortVariables v;
    private MuxState state = MuxState.DETACHED;

    MuxMachine(AggregationPort port) {
        this.port = port;
        this.v = port.vars;
    }

    MuxState state() {
        return state;
    }

    boolean step(long now, MuxControl control) {
        if (v.begin) {
            return enter(MuxState.DETACHED, now);
        }
        boolean selected = v.selected == Selected.SELECTED;
        boolean partnerSync = v.partner(StateBit.SYNCHRONIZATION);
        MuxState next = switch (state) {
            case DETACHED -> selected ? MuxState.WAITING : null;
            case WAITING -> {
                if (!selected) {
                    yield MuxState.DETACHED;
                }
                if (!v.readyN && v.timers.expired(Timer.WAIT_WHILE, now)) {
                    v.readyN = true; // Ready_N: this port has waited Aggregate_Wait_Time
                    port.readyChanged();
                }
                yield v.aggregator.ready() ? MuxState.ATTACHED : null;
            }
            case ATTACHED -> !selected ? MuxState.DETACHED
                    : !partnerSync ? null
                    : control == MuxControl.COUPLED ? MuxState.COLLECTING_DISTRIBUTING : MuxState.COLLECTING;
            case COLLECTING -> !selected || !partnerSync ? MuxState.ATTACHED
                    : v.partner(StateBit.COLLECTING) ? MuxState.DISTRIBUTING : null;
            case DISTRIBUTING -> !selected || !partnerSync || !v.partner(StateBit.COLLECTING) ? MuxState.COLLECTING : null;
            case COLLECTING_DISTRIBUTING -> !selected || !partnerSync ? MuxState.ATTACHED : null;
        };
        return next != null && enter(next, now);
    }

    private boolean enter(MuxState next, long now) {
        MuxState previous = state;
        state = next;
        if (previous == MuxState.WAITING) {
            port.readyChanged(); // leaving WAITING may make the aggregator Ready for the others
        }
        switch (next) {
            case DETACHED -> {
                port.detachMuxFromAggregator();
                v.setActor(StateBit.SYNCHRONIZATION, false);
                setCollecting(false);
                setDistributing(false);
                v.ntt = true;
            }
            case WAITING -> {
                v.readyN = false;
                v.timers.start(Timer.WAIT_WHILE, now, port.system.config().aggregateWaitTime());
            }
            case ATTACHED -> {
                port.attachMuxToAggregator();
                v.setActor(StateBit.SYNCHRONIZATION, true);
                setCollecting(false);
                setDistributing(false);
                v.ntt = true;
            }
            case COLLECTING -> {
                setCollecting(true);
                setDistributing(false);
                v.ntt = true;
            }
            case DISTRIBUTING -> setDistributing(true);
            case COLLECTING_DISTRIBUTING -> {
                setCollecting(true);
                setDistributing(true);
                v.ntt = true;
            }
        }
        return true;
    }

    /** Enable_Collecting / Disable_Collecting (6.4.11): reported to listeners, who own the data path. */
    private void setCollecting(boolean on) {
        if (v.actor(StateBit.COLLECTING) != on) {
            v.setActor(StateBit.COLLECTING, on);
            port.emit(new LacpEvent.CollectingChanged(port.name, on));
        }
    }

    /** Enable_Distributing / Disable_Distributing (6.4.11). */
    private void setDistributing(boolean on) {
        if (v.actor(StateBit.DISTRIBUTING) != on) {
            v.setActor(StateBit.DISTRIBUTING, on);
            port.emit(new LacpEvent.DistributingChanged(port.name, on));
        }
    }
}
