package io.lacpd.team.status;

import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Partner identities that 802.1AX does not forbid but no real system sends: the null system
 * 00:00:00:00:00:00, a multicast (group) system MAC, port number 0. A partner claiming one is accepted as the
 * standard allows, and flagged in the status and the log, since it is most likely forged or broken.
 */
public final class OddPartner {

    private OddPartner() {
    }

    /** What is odd about this identity, e.g. ["null system", "port 0"]; empty when nothing is. */
    public static List<String> of(PortInfo partner) {
        List<String> odd = new ArrayList<>(3);
        if (partner.system().equals(MacAddress.ZERO)) {
            odd.add("null system");
        } else if (partner.system().isMulticast()) {
            odd.add("multicast system");
        }
        if (partner.port() == 0) {
            odd.add("port 0");
        }
        return odd;
    }

    /**
     * What is odd about the port's partner as learned from its LACPDUs; empty when nothing is, or when no
     * LACPDU names the partner (defaulted: the administrative values, which are zero by design).
     */
    public static List<String> of(PortSnapshot port) {
        ReceiveState r = port.receiveState();
        return r == ReceiveState.CURRENT || r == ReceiveState.EXPIRED ? of(port.partner()) : List.of();
    }
}
