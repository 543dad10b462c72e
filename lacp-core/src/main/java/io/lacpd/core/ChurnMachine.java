package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.StateBit;

/**
 * Churn Detection machines, 802.1AX-2014 6.4.17, Figures 6-23 (actor) and 6-24 (partner): a port whose
 * Synchronization stays FALSE for Churn_Detection_Time is flagged, which points at a misconfiguration
 * (no aggregator to attach to, a partner that never agrees).
 */
final class ChurnMachine {

    /** Whose Synchronization a machine watches. */
    enum Side {
        ACTOR(Timer.ACTOR_CHURN),
        PARTNER(Timer.PARTNER_CHURN);

        private final Timer timer;

        Side(Timer timer) {
            this.timer = timer;
        }
    }

    /** The states of Figures 6-23 and 6-24; {@link #standardName} gives the side-specific name. */
    enum State {
        NO_CHURN, CHURN_MONITOR, CHURN
    }

    private final AggregationPort port;
    private final PortVariables v;
    private final Side side;
    private State state = State.CHURN_MONITOR;

    ChurnMachine(AggregationPort port, Side side) {
        this.port = port;
        this.v = port.vars;
        this.side = side;
    }

    /** The standard's name of the current state, e.g. NO_ACTOR_CHURN or PARTNER_CHURN_MONITOR. */
    String standardName() {
        return switch (state) {
            case NO_CHURN -> "NO_" + side + "_CHURN";
            case CHURN_MONITOR -> side + "_CHURN_MONITOR";
            case CHURN -> side + "_CHURN";
        };
    }

    boolean step(long now) {
        // Global transition: BEGIN or !port_enabled. While the port stays disabled the monitor keeps being
        // re-entered, so its timer does not run out on a port that is down.
        if (v.begin || !v.portEnabled) {
            if (state == State.CHURN_MONITOR) {
                v.timers.start(side.timer, now, ProtocolConstants.CHURN_DETECTION_TIME);
                return false;
            }
            return enter(State.CHURN_MONITOR, now);
        }
        boolean sync = side == Side.ACTOR ? v.actor(StateBit.SYNCHRONIZATION) : v.partner(StateBit.SYNCHRONIZATION);
        State next = switch (state) {
            case CHURN_MONITOR -> sync ? State.NO_CHURN
                    : v.timers.expired(side.timer, now) ? State.CHURN : null;
            case NO_CHURN -> sync ? null : State.CHURN_MONITOR;
            case CHURN -> sync ? State.NO_CHURN : null;
        };
        return next != null && enter(next, now);
    }

    private boolean enter(State next, long now) {
        State previous = state;
        state = next;
        switch (next) {
            case CHURN_MONITOR -> v.timers.start(side.timer, now, ProtocolConstants.CHURN_DETECTION_TIME);
            case NO_CHURN -> {
                // actor_churn / partner_churn = FALSE: the state itself is the variable here
            }
            case CHURN -> {
                if (side == Side.ACTOR) {
                    v.actorChurnCount++;
                } else {
                    v.partnerChurnCount++;
                }
            }
        }
        if ((previous == State.CHURN) != (next == State.CHURN)) {
            port.emit(new LacpEvent.ChurnChanged(port.name, side == Side.ACTOR, next == State.CHURN));
        }
        return true;
    }
}
