package io.lacpd.core;

import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;

/**
 * The per-port variables of 802.1AX-2014 6.4.7 and 6.4.8, in one place. The state machines read and write
 * them; the standard's names are kept in camelCase.
 */
final class PortVariables {

    // Actor: this port (6.4.7)
    int actorPortNumber;
    int actorPortPriority;
    int actorOperPortKey;
    /** Actor_Oper_Port_State as bits, changed in place by the machines. */
    int actorOperPortState;

    // Partner: what we last heard, or the administrative defaults (6.4.7)
    PortInfo partnerAdmin = PortInfo.NONE;
    PortInfo partnerOper = PortInfo.NONE;
    /** Ours: the version 2 TLVs of the LACPDU partnerOper came from; NONE while the partner is the default. */
    LacpV2Info partnerV2 = LacpV2Info.NONE;

    // Machine inputs and outputs (6.4.8)
    boolean begin = true;
    boolean portEnabled;
    /** LACP_Enabled: the link is full duplex, so LACP may run on it. */
    boolean lacpEnabled;
    boolean ntt;
    Selected selected = Selected.UNSELECTED;
    boolean readyN;
    boolean portMoved;
    /** The aggregator this port has selected (Actor_Port_Aggregator_Identifier), or null. */
    Aggregator aggregator;

    // Counts kept with the churn machines (802.1AX-2014 6.4.7: Actor_Churn_Count, Partner_Churn_Count)
    long actorChurnCount;
    long partnerChurnCount;

    final PortTimers timers = new PortTimers();

    boolean actor(StateBit bit) {
        return (actorOperPortState & bit.mask()) != 0;
    }

    void setActor(StateBit bit, boolean value) {
        actorOperPortState = value ? actorOperPortState | bit.mask() : actorOperPortState & ~bit.mask();
    }

    boolean partner(StateBit bit) {
        return partnerOper.state().has(bit);
    }

    void setPartner(StateBit bit, boolean value) {
        partnerOper = partnerOper.withState(partnerOper.state().with(bit, value));
    }

    /**
     * No LACPDU may go out: the port or LACP is disabled, or both ends are Passive. The Periodic machine's
     * NO_PERIODIC condition (6.4.13, Figure 6-19), which also silences the Transmit machine (6.4.16).
     */
    boolean silent() {
        // A Passive port speaks only to an Active partner (6.4.2.4): two Passive ends stay silent.
        return !portEnabled || !lacpEnabled || (!actor(StateBit.LACP_ACTIVITY) && !partner(StateBit.LACP_ACTIVITY));
    }

    /** Both ends allow aggregation; otherwise the port is Individual (6.4.14.1). */
    boolean aggregatable() {
        return actor(StateBit.AGGREGATION) && partner(StateBit.AGGREGATION);
    }
}
