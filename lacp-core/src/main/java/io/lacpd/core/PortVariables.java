package io.lacpd.core;

import io.lacpd.core.pdu.LacpState;
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
    int actorAdminPortKey;
    int actorOperPortKey;
    LacpState actorAdminPortState;
    /** Actor_Oper_Port_State as bits, changed in place by the machines. */
    int actorOperPortState;

    // Partner: what we last heard, or the administrative defaults (6.4.7)
    PortInfo partnerAdmin = PortInfo.NONE;
    PortInfo partnerOper = PortInfo.NONE;

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

    /** Both ends allow aggregation; otherwise the port is Individual (6.4.14.1). */
    boolean aggregatable() {
        return actor(StateBit.AGGREGATION) && partner(StateBit.AGGREGATION);
    }
}
