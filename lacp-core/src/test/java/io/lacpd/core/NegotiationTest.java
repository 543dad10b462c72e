package io.lacpd.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NegotiationTest {

    @Test
    void twoLinksEndInOneAggregatorCollectingAndDistributingOnBothEnds() {
        Lab lab = Lab.twoSystems(2);
        lab.run(2.5);
        for (String sys : new String[] {"A", "B"}) {
            SystemSnapshot s = lab.net.system(sys).snapshot();
            assertEquals(1, s.aggregators().size(), lab.dump());
            assertEquals(java.util.List.of("p1", "p2"), s.aggregators().get(0).distributingPorts(), lab.dump());
            for (PortSnapshot p : s.ports()) {
                assertEquals("COLLECTING_DISTRIBUTING", p.muxState(), lab.dump());
                assertEquals("CURRENT", p.receiveState());
                assertNull(p.failureReason());
            }
        }
        System.out.println(lab.dump());
    }
}
