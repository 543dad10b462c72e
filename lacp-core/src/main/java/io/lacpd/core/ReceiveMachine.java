package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;

/** Receive machine, 802.1AX-2014 6.4.12, Figure 6-18. */
final class ReceiveMachine {

    /** The state bits whose echo update_NTT checks (6.4.9): Activity, Timeout, Synchronization, Aggregation. */
    private static final int NTT_BITS = StateBit.LACP_ACTIVITY.mask() | StateBit.LACP_TIMEOUT.mask()
            | StateBit.SYNCHRONIZATION.mask() | StateBit.AGGREGATION.mask();

    private final AggregationPort port;
    private final PortVariables v;
    private ReceiveState state = ReceiveState.INITIALIZE;

    ReceiveMachine(AggregationPort port) {
        this.port = port;
        this.v = port.vars;
    }

    ReceiveState state() {
        return state;
    }

    /**
     * Runs one transition, if any applies.
     *
     * @param pdu a LACPDU received since the last step (CtrlMuxN:M_UNITDATA.indication), or null
     * @return true when the machine entered a state
     */
    boolean step(long now, Lacpdu pdu) {
        if (v.begin) {
            return enter(ReceiveState.INITIALIZE, now, null);
        }
        // Global transition: (!Port_Enabled) && (!Port_Moved) from any state.
        if (!v.portEnabled && !v.portMoved && state != ReceiveState.PORT_DISABLED) {
            return enter(ReceiveState.PORT_DISABLED, now, null);
        }
        ReceiveState next = switch (state) {
            case INITIALIZE -> ReceiveState.PORT_DISABLED; // UCT
            case PORT_DISABLED -> v.portMoved ? ReceiveState.INITIALIZE
                    : v.portEnabled && v.lacpEnabled ? ReceiveState.EXPIRED
                    : v.portEnabled ? ReceiveState.LACP_DISABLED : null;
            case LACP_DISABLED -> v.lacpEnabled ? ReceiveState.PORT_DISABLED : null;
            case EXPIRED -> pdu != null ? ReceiveState.CURRENT
                    : v.timers.expired(Timer.CURRENT_WHILE, now) ? ReceiveState.DEFAULTED : null;
            case DEFAULTED -> pdu != null ? ReceiveState.CURRENT : null;
            case CURRENT -> pdu != null ? ReceiveState.CURRENT
                    : v.timers.expired(Timer.CURRENT_WHILE, now) ? ReceiveState.EXPIRED : null;
        };
        return next != null && enter(next, now, pdu);
    }

    private boolean enter(ReceiveState next, long now, Lacpdu pdu) {
        ReceiveState previous = state;
        state = next;
        switch (next) {
            case INITIALIZE -> {
                v.selected = Selected.UNSELECTED;
                recordDefault();
                v.setActor(StateBit.EXPIRED, false);
                v.portMoved = false;
            }
            case PORT_DISABLED -> v.setPartner(StateBit.SYNCHRONIZATION, false);
            case LACP_DISABLED -> {
                v.selected = Selected.UNSELECTED;
                recordDefault();
                v.setPartner(StateBit.AGGREGATION, false);
                v.setActor(StateBit.EXPIRED, false);
            }
            case EXPIRED -> {
                v.setPartner(StateBit.SYNCHRONIZATION, false);
                v.setPartner(StateBit.LACP_TIMEOUT, true); // Short Timeout: ask to be told fast
                v.timers.start(Timer.CURRENT_WHILE, now, ProtocolConstants.SHORT_TIMEOUT_TIME);
                v.setActor(StateBit.EXPIRED, true);
                if (previous == ReceiveState.CURRENT) {
                    port.emit(new LacpEvent.PartnerExpired(port.name));
                }
            }
            case DEFAULTED -> {
                updateDefaultSelected();
                recordDefault();
                v.setActor(StateBit.EXPIRED, false);
                port.emit(new LacpEvent.PartnerDefaulted(port.name));
            }
            case CURRENT -> {
                boolean aboutThisPort = port.isActor(pdu.partner()); // read by update_NTT and recordPDU alike
                updateSelected(pdu);
                updateNtt(pdu, aboutThisPort);
                recordPdu(pdu, aboutThisPort);
                v.timers.start(Timer.CURRENT_WHILE, now, v.actor(StateBit.LACP_TIMEOUT)
                        ? ProtocolConstants.SHORT_TIMEOUT_TIME : ProtocolConstants.LONG_TIMEOUT_TIME);
                v.setActor(StateBit.EXPIRED, false);
            }
        }
        return true;
    }

    /**
     * New partner admin values (6.4.7): a DEFAULTED port takes them at once, as on entering DEFAULTED
     * (update_Default_Selected, recordDefault); other states take them when they next record the default.
     */
    void partnerAdminChanged() {
        if (state == ReceiveState.DEFAULTED) {
            updateDefaultSelected();
            recordDefault();
        }
    }

    /**
     * recordPDU (6.4.9): take the partner's view of itself, and decide whether it is in sync with us.
     *
     * @param aboutThisPort the PDU's partner information names this port ({@link AggregationPort#isActor})
     */
    private void recordPdu(Lacpdu pdu, boolean aboutThisPort) {
        PortInfo heard = pdu.actor();
        PortInfo aboutUs = pdu.partner();
        boolean matched = aboutThisPort
                && aboutUs.state().has(StateBit.AGGREGATION) == v.actor(StateBit.AGGREGATION);
        boolean partnerIndividual = !heard.state().has(StateBit.AGGREGATION);
        boolean activelyMaintained = heard.state().has(StateBit.LACP_ACTIVITY)
                || (v.actor(StateBit.LACP_ACTIVITY) && aboutUs.state().has(StateBit.LACP_ACTIVITY));
        boolean sync = (matched || partnerIndividual) && heard.state().has(StateBit.SYNCHRONIZATION) && activelyMaintained;
        PortInfo previous = v.partnerOper;
        v.partnerOper = heard.withState(heard.state().with(StateBit.SYNCHRONIZATION, sync));
        v.partnerV2 = pdu.v2();
        v.setActor(StateBit.DEFAULTED, false);
        if (!previous.sameIdentity(heard)) {
            port.emit(new LacpEvent.PartnerChanged(port.name, previous, v.partnerOper));
        }
    }

    /** recordDefault (6.4.9): the partner is whatever the administrator said. */
    private void recordDefault() {
        v.partnerOper = v.partnerAdmin;
        v.partnerV2 = LacpV2Info.NONE;
        v.setActor(StateBit.DEFAULTED, true);
    }

    /** update_Selected (6.4.9): a different partner, or a change of its Aggregation bit, means reselecting. */
    private void updateSelected(Lacpdu pdu) {
        if (!samePartner(pdu.actor(), v.partnerOper)) {
            v.selected = Selected.UNSELECTED;
        }
    }

    /** update_Default_Selected (6.4.9): as update_Selected, against the administrative partner. */
    private void updateDefaultSelected() {
        if (!samePartner(v.partnerAdmin, v.partnerOper)) {
            v.selected = Selected.UNSELECTED;
        }
    }

    private static boolean samePartner(PortInfo a, PortInfo b) {
        return a.sameIdentity(b) && a.state().has(StateBit.AGGREGATION) == b.state().has(StateBit.AGGREGATION);
    }

    /**
     * update_NTT (6.4.9): tell the partner again when its view of us is out of date.
     *
     * @param aboutThisPort the PDU's partner information names this port ({@link AggregationPort#isActor})
     */
    private void updateNtt(Lacpdu pdu, boolean aboutThisPort) {
        int differing = pdu.partner().state().bits() ^ v.actorOperPortState;
        if (!aboutThisPort || (differing & NTT_BITS) != 0) {
            v.ntt = true;
        }
    }
}
