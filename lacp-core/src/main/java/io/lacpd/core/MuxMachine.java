package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.StateBit;

/**
 * Mux machine, 802.1AX-2014 6.4.15: independent control (Figure 6-21: COLLECTING, then DISTRIBUTING once
 * the partner collects) or coupled control (Figure 6-22: COLLECTING_DISTRIBUTING).
 */
final class MuxMachine {

    /** The states of Figures 6-21 and 6-22. */
    enum State {
        DETACHED, WAITING, ATTACHED, COLLECTING, DISTRIBUTING, COLLECTING_DISTRIBUTING
    }

    private final AggregationPort port;
    private final PortVariables v;
    private State state = State.DETACHED;

    MuxMachine(AggregationPort port) {
        this.port = port;
        this.v = port.vars;
    }

    State state() {
        return state;
    }

    boolean step(long now, MuxControl control) {
        if (v.begin) {
            return enter(State.DETACHED, now);
        }
        boolean selected = v.selected == Selected.SELECTED;
        boolean partnerSync = v.partner(StateBit.SYNCHRONIZATION);
        State next = switch (state) {
            case DETACHED -> selected ? State.WAITING : null;
            case WAITING -> {
                if (!selected) {
                    yield State.DETACHED;
                }
                if (!v.readyN && v.timers.expired(Timer.WAIT_WHILE, now)) {
                    v.readyN = true; // Ready_N: this port has waited Aggregate_Wait_Time
                    port.readyChanged();
                }
                yield v.aggregator.ready() ? State.ATTACHED : null;
            }
            case ATTACHED -> !selected ? State.DETACHED
                    : !partnerSync ? null
                    : control == MuxControl.COUPLED ? State.COLLECTING_DISTRIBUTING : State.COLLECTING;
            case COLLECTING -> !selected || !partnerSync ? State.ATTACHED
                    : v.partner(StateBit.COLLECTING) ? State.DISTRIBUTING : null;
            case DISTRIBUTING -> !selected || !partnerSync || !v.partner(StateBit.COLLECTING) ? State.COLLECTING : null;
            case COLLECTING_DISTRIBUTING -> !selected || !partnerSync ? State.ATTACHED : null;
        };
        return next != null && enter(next, now);
    }

    private boolean enter(State next, long now) {
        State previous = state;
        state = next;
        if (previous == State.WAITING) {
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
                v.timers.start(Timer.WAIT_WHILE, now, ProtocolConstants.AGGREGATE_WAIT_TIME);
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
