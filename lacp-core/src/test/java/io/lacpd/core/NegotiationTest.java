package io.lacpd.core;

import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two systems meet: what they agree on, and how fast. */
class NegotiationTest {

    @Test
    void twoLinksEndInOneAggregatorCollectingAndDistributingOnBothEnds() {
        Lab lab = Lab.twoSystems(2);
        // Aggregate_Wait_Time (2 s) plus a few PDU exchanges, which take no time on these wires
        lab.run(2.1);
        for (String sys : List.of("A", "B")) {
            SystemSnapshot s = lab.net.system(sys).snapshot();
            assertEquals(1, s.aggregators().size(), lab.dump());
            AggregatorSnapshot agg = s.aggregators().get(0);
            assertEquals(List.of("p1", "p2"), agg.distributingPorts(), lab.dump());
            assertFalse(agg.individual());
            for (PortSnapshot p : s.ports()) {
                assertEquals(MuxState.COLLECTING_DISTRIBUTING, p.muxState(), lab.dump());
                assertEquals(ReceiveState.CURRENT, p.receiveState());
                assertEquals(PeriodicState.FAST_PERIODIC, p.periodicState());
                assertTrue(p.partner().state().has(StateBit.SYNCHRONIZATION));
                assertNull(p.failureReason());
            }
        }
    }

    @Test
    void eachSideRecordsTheOthersActorInformationAsItsPartner() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        for (String port : List.of("p1", "p2")) {
            PortSnapshot a = lab.port("A", port);
            PortSnapshot b = lab.port("B", port);
            assertEquals(a.actor(), b.partner());
            assertEquals(b.actor(), a.partner());
        }
        AggregatorSnapshot agg = lab.net.system("A").snapshot().aggregators().get(0);
        assertEquals(Lab.mac(0xB), agg.partnerSystem());
        assertEquals(1, agg.partnerKey());
    }

    @Test
    void waitsAggregateWaitTimeBeforeAttaching() {
        Lab lab = Lab.twoSystems(2);
        lab.run(1.9);
        assertEquals(MuxState.WAITING, lab.port("A", "p1").muxState());
        assertEquals(FailureReason.WAITING, lab.port("A", "p1").failureReason());
        lab.run(0.2);
        assertTrue(lab.distributing("A", "p1"));
    }

    @Test
    void independentControlCollectsFirstThenDistributes() {
        Lab lab = new Lab();
        lab.system("A", SystemConfig.of(Lab.mac(0xA)).withMuxControl(MuxControl.INDEPENDENT));
        lab.system("B", SystemConfig.of(Lab.mac(0xB)).withMuxControl(MuxControl.INDEPENDENT));
        lab.port("A", "p1", 1);
        lab.port("B", "p1", 1);
        lab.connect("A", "p1", "B", "p1");
        lab.run(2.1);
        assertEquals(MuxState.DISTRIBUTING, lab.port("A", "p1").muxState(), lab.dump());
        assertEquals(MuxState.DISTRIBUTING, lab.port("B", "p1").muxState());
        assertTrue(lab.port("A", "p1").actor().state().has(StateBit.COLLECTING));
        List<LacpEvent> onA = lab.timed.stream().filter(t -> t.system().equals("A")).map(Lab.TimedEvent::event).toList();
        int collecting = onA.indexOf(new LacpEvent.CollectingChanged("p1", true));
        int distributing = onA.indexOf(new LacpEvent.DistributingChanged("p1", true));
        assertTrue(collecting >= 0 && collecting < distributing, lab.dump());
    }

    @Test
    void coupledAndIndependentEndsStillAggregate() {
        Lab lab = new Lab();
        lab.system("A", SystemConfig.of(Lab.mac(0xA)).withMuxControl(MuxControl.INDEPENDENT));
        lab.system("B", 0xB);
        lab.port("A", "p1", 1);
        lab.port("B", "p1", 1);
        lab.connect("A", "p1", "B", "p1");
        lab.run(3);
        assertTrue(lab.distributing("A", "p1"), lab.dump());
        assertTrue(lab.distributing("B", "p1"), lab.dump());
    }

    @Test
    void activeAndPassiveConverge() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE));
        lab.run(3);
        assertTrue(lab.distributing("A", "p1"), lab.dump());
        assertTrue(lab.distributing("B", "p1"), lab.dump());
        assertFalse(lab.port("B", "p1").actor().state().has(StateBit.LACP_ACTIVITY));
    }

    @Test
    void twoPassiveEndsNeverSendAndNeverAggregate() {
        Lab lab = new Lab();
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.port("A", PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE));
        lab.port("B", PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE));
        lab.connect("A", "p1", "B", "p1");
        lab.run(600);
        assertTrue(sent.isEmpty(), "passive ends sent " + sent);
        assertFalse(lab.distributing("A", "p1"));
        assertEquals(ReceiveState.DEFAULTED, lab.port("A", "p1").receiveState());
        assertEquals(PeriodicState.NO_PERIODIC, lab.port("A", "p1").periodicState());
        assertEquals(FailureReason.PARTNER_DEFAULTED, lab.port("A", "p1").failureReason());
        assertFalse(lab.port("A", "p1").actor().state().has(StateBit.LACP_ACTIVITY), "defaulted while passive");
    }

    @Test
    void anIndividualPortAggregatesAlone() {
        Lab lab = Lab.twoSystems(3);
        lab.net.system("A").reconfigurePort(PortConfig.of("p3", 3).withAggregatable(false), lab.net.now());
        lab.run(5);
        SystemSnapshot a = lab.net.system("A").snapshot();
        assertEquals(2, a.aggregators().size(), lab.dump());
        assertEquals(List.of("p1", "p2"), a.aggregators().get(0).distributingPorts());
        AggregatorSnapshot individual = a.aggregators().get(1);
        assertTrue(individual.individual());
        assertEquals(List.of("p3"), individual.distributingPorts());
        // The far end sees an Individual partner and also keeps that link apart.
        SystemSnapshot b = lab.net.system("B").snapshot();
        assertEquals(2, b.aggregators().size(), lab.dump());
        assertEquals(List.of("p3"), b.aggregators().get(1).attachedPorts());
        assertTrue(lab.distributing("B", "p3"));
    }
}
