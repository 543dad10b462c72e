package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.StateBit;

/**
 * Churn Detection machines, 802.1AX-2014 6.4.17, Figures 6-23 (actor) and 6-24 (partner): a port whose
 * Synchronization stays FALSE for Churn_Detection_Time is flagged, which points at a misconfiguration
 * (no aggregator to attach to, a partner that never agrees).
 */
final class ChurnMachine {

    /** Whose Synchronization a machine watches, with its timer and its figure's three states. */
    enum Side {
        ACTOR(Timer.ACTOR_CHURN, ChurnState.NO_ACTOR_CHURN, ChurnState.ACTOR_CHURN_MONITOR, ChurnState.ACTOR_CHURN),
        PARTNER(Timer.PARTNER_CHURN, ChurnState.NO_PARTNER_CHURN, ChurnState.PARTNER_CHURN_MONITOR,
                ChurnState.PARTNER_CHURN);

        private final Timer timer;
        private final ChurnState noChurn;
        private final ChurnState monitor;
        private final ChurnState churn;

        Side(Timer timer, ChurnState noChurn, ChurnState monitor, ChurnState churn) {
            this.timer = timer;
            this.noChurn = noChurn;
            this.monitor = monitor;
            this.churn = churn;
        }
    }

    private final AggregationPort port;
    private final PortVariables v;
    private final Side side;
    private ChurnState state;

    ChurnMachine(AggregationPort port, Side side) {
        this.port = port;
        this.v = port.vars;
        this.side = side;
        this.state = side.monitor;
    }

    ChurnState state() {
        return state;
    }

    boolean step(long now) {
        // Global transition: BEGIN or !port_enabled. While the port stays disabled the monitor keeps being
        // re-entered, so its timer does not run out on a port that is down.
        if (v.begin || !v.portEnabled) {
            if (state == side.monitor) {
                v.timers.start(side.timer, now, ProtocolConstants.CHURN_DETECTION_TIME);
                return false;
            }
            return enter(side.monitor, now);
        }
        boolean sync = side == Side.ACTOR ? v.actor(StateBit.SYNCHRONIZATION) : v.partner(StateBit.SYNCHRONIZATION);
        // A machine only ever holds its own side's states: each case names the actor's and the partner's.
        ChurnState next = switch (state) {
            case ACTOR_CHURN_MONITOR, PARTNER_CHURN_MONITOR -> sync ? side.noChurn
                    : v.timers.expired(side.timer, now) ? side.churn : null;
            case NO_ACTOR_CHURN, NO_PARTNER_CHURN -> sync ? null : side.monitor;
            case ACTOR_CHURN, PARTNER_CHURN -> sync ? side.noChurn : null;
        };
        return next != null && enter(next, now);
    }

    private boolean enter(ChurnState next, long now) {
        ChurnState previous = state;
        state = next;
        switch (next) {
            case ACTOR_CHURN_MONITOR, PARTNER_CHURN_MONITOR ->
                    v.timers.start(side.timer, now, ProtocolConstants.CHURN_DETECTION_TIME);
            case NO_ACTOR_CHURN, NO_PARTNER_CHURN -> {
                // actor_churn / partner_churn = FALSE: the state itself is the variable here
            }
            case ACTOR_CHURN -> v.actorChurnCount++;
            case PARTNER_CHURN -> v.partnerChurnCount++;
        }
        if ((previous == side.churn) != (next == side.churn)) {
            port.emit(new LacpEvent.ChurnChanged(port.name, side == Side.ACTOR, next == side.churn));
        }
        return true;
    }
}
