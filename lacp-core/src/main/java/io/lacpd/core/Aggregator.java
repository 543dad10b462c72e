package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * One aggregator (802.1AX-2014 6.4.6) and the LAG ID of the ports that have selected it. Each port brings
 * one aggregator, so a system has as many as it has ports and several LAGs can run side by side.
 */
final class Aggregator {

    final int id;
    // The LAG ID, fixed while any port has this aggregator selected (6.3.6.1)
    int actorOperKey;
    boolean individual;
    int partnerSystemPriority;
    MacAddress partnerSystem = MacAddress.ZERO;
    int partnerOperKey;

    /** Ports whose Selected refers to this aggregator (SELECTED, in any mux state). */
    final List<AggregationPort> selectedPorts = new ArrayList<>(2);
    /** Ports the Mux has attached (6.4.9 Attach_Mux_To_Aggregator), in attach order. */
    final List<AggregationPort> attachedPorts = new ArrayList<>(2);

    Aggregator(int id) {
        this.id = id;
    }

    boolean free() {
        return selectedPorts.isEmpty();
    }

    /** True when the port's LAG ID equals this aggregator's, so the port may join it. */
    boolean matches(PortVariables v) {
        return !individual && v.aggregatable() && actorOperKey == v.actorOperPortKey
                && partnerSystemPriority == v.partnerOper.systemPriority()
                && partnerSystem.equals(v.partnerOper.system()) && partnerOperKey == v.partnerOper.key();
    }

    /** Takes on the LAG ID of the first port to select it. */
    void adopt(PortVariables v) {
        actorOperKey = v.actorOperPortKey;
        individual = !v.aggregatable();
        partnerSystemPriority = v.partnerOper.systemPriority();
        partnerSystem = v.partnerOper.system();
        partnerOperKey = v.partnerOper.key();
    }

    /**
     * Ready (6.4.8): every port waiting to attach here has its wait_while_timer expired (Ready_N), so the
     * ports of one LAG attach together.
     */
    boolean ready() {
        for (AggregationPort p : selectedPorts) {
            if (p.mux.state() == MuxState.WAITING && !p.vars.readyN) {
                return false;
            }
        }
        return true;
    }
}
