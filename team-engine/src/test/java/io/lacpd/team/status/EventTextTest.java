package io.lacpd.team.status;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The daemon's log lines for each event, as its tests, the interop tests and the scripts look for them. */
class EventTextTest {

    @Test
    void everyEventHasItsLogLine() {
        PortInfo partner = new PortInfo(100, MacAddress.parse("02:00:00:00:00:0b"), 7, 200, 3, LacpState.NONE);
        assertEquals("eth0: selected aggregator 1", EventText.describe(new LacpEvent.PortSelected("eth0", 1)));
        assertEquals("eth0: left aggregator 1", EventText.describe(new LacpEvent.PortUnselected("eth0", 1)));
        assertEquals("eth0: attached to aggregator 2", EventText.describe(new LacpEvent.PortAttached("eth0", 2)));
        assertEquals("eth0: detached from aggregator 2", EventText.describe(new LacpEvent.PortDetached("eth0", 2)));
        assertEquals("eth0: collecting", EventText.describe(new LacpEvent.CollectingChanged("eth0", true)));
        assertEquals("eth0: not collecting", EventText.describe(new LacpEvent.CollectingChanged("eth0", false)));
        assertEquals("eth0: distributing", EventText.describe(new LacpEvent.DistributingChanged("eth0", true)));
        assertEquals("eth0: not distributing", EventText.describe(new LacpEvent.DistributingChanged("eth0", false)));
        assertEquals("aggregator 1: attached ports [eth0, eth1]",
                EventText.describe(new LacpEvent.AggregatorChanged(1, List.of("eth0", "eth1"))));
        assertEquals("eth0: partner changed to system 100,02:00:00:00:00:0b key 7 port 200,3",
                EventText.describe(new LacpEvent.PartnerChanged("eth0", PortInfo.NONE, partner)));
        assertEquals("eth0: partner expired (no LACPDU within the timeout)",
                EventText.describe(new LacpEvent.PartnerExpired("eth0")));
        assertEquals("eth0: partner defaulted (still no LACPDU)",
                EventText.describe(new LacpEvent.PartnerDefaulted("eth0")));
        assertEquals("eth0: actor churn detected", EventText.describe(new LacpEvent.ChurnChanged("eth0", true, true)));
        assertEquals("eth0: partner churn cleared", EventText.describe(new LacpEvent.ChurnChanged("eth0", false, false)));
        assertEquals("eth0: loopback (a LACPDU from this system), not aggregating",
                EventText.describe(new LacpEvent.LoopbackDetected("eth0")));
    }
}
