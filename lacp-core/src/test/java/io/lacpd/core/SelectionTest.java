package io.lacpd.core;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selection Logic: which links may share an aggregator (802.1AX-2014 6.4.14). */
class SelectionTest {

    @Test
    void aKeyMismatchKeepsLinksInSeparateAggregatorsOnBothSides() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.port("A", "p1", 1);
        lab.port("A", PortConfig.of("p2", 2).withKey(2));
        lab.port("B", "p1", 1);
        lab.port("B", "p2", 2);
        lab.connect("A", "p1", "B", "p1");
        lab.connect("A", "p2", "B", "p2");
        lab.run(5);
        for (String sys : List.of("A", "B")) {
            SystemSnapshot s = lab.net.system(sys).snapshot();
            assertEquals(2, s.aggregators().size(), lab.dump());
            assertEquals(List.of("p1"), s.aggregators().get(0).distributingPorts());
            assertEquals(List.of("p2"), s.aggregators().get(1).distributingPorts());
            assertNotEquals(s.port("p1").aggregatorId(), s.port("p2").aggregatorId());
        }
        // B's ports share a key but face partners with different keys: different LAG IDs.
        SystemSnapshot b = lab.net.system("B").snapshot();
        assertEquals(1, b.aggregators().get(0).partnerKey());
        assertEquals(2, b.aggregators().get(1).partnerKey());
    }

    @Test
    void linksToTwoDifferentPartnerSystemsUseSeparateAggregators() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.system("C", 0xC);
        for (int i = 1; i <= 4; i++) {
            lab.port("A", "p" + i, i);
        }
        lab.port("B", "p1", 1);
        lab.port("B", "p2", 2);
        lab.port("C", "p1", 1);
        lab.port("C", "p2", 2);
        lab.connect("A", "p1", "B", "p1");
        lab.connect("A", "p2", "C", "p1");
        lab.connect("A", "p3", "B", "p2");
        lab.connect("A", "p4", "C", "p2");
        lab.run(5);
        SystemSnapshot a = lab.net.system("A").snapshot();
        assertEquals(2, a.aggregators().size(), lab.dump());
        AggregatorSnapshot toB = a.aggregators().get(0);
        AggregatorSnapshot toC = a.aggregators().get(1);
        assertEquals(Lab.mac(0xB), toB.partnerSystem());
        assertEquals(List.of("p1", "p3"), toB.distributingPorts());
        assertEquals(Lab.mac(0xC), toC.partnerSystem());
        assertEquals(List.of("p2", "p4"), toC.distributingPorts());
    }

    @Test
    void aPartnerMovingToAnotherSystemMovesTheLinkToAnotherAggregator() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.system("C", 0xC);
        lab.port("A", "p1", 1);
        lab.port("A", "p2", 2);
        lab.port("B", "p1", 1);
        lab.port("B", "p2", 2);
        lab.port("C", "p1", 1);
        lab.connect("A", "p1", "B", "p1");
        lab.connect("A", "p2", "B", "p2");
        lab.run(5);
        lab.net.disconnect(lab.net.wireAt("A", "p2"));
        lab.connect("A", "p2", "C", "p1");
        lab.run(5);
        SystemSnapshot a = lab.net.system("A").snapshot();
        assertEquals(2, a.aggregators().size(), lab.dump());
        assertEquals(List.of("p1"), a.aggregators().get(0).distributingPorts());
        assertEquals(List.of("p2"), a.aggregators().get(1).distributingPorts());
        assertEquals(Lab.mac(0xC), a.port("p2").partner().system());
        assertTrue(lab.events.contains(new LacpEvent.PortUnselected("p2", a.port("p1").aggregatorId())), lab.dump());
    }

    @Test
    void twoPortsOfOneSystemLoopedTogetherNeverAggregate() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.port("A", "p1", 1);
        lab.port("A", "p2", 2);
        lab.connect("A", "p1", "A", "p2");
        lab.run(120);
        SystemSnapshot a = lab.net.system("A").snapshot();
        assertTrue(a.aggregators().isEmpty(), lab.dump());
        for (PortSnapshot p : a.ports()) {
            assertFalse(p.selected());
            assertFalse(p.distributing());
            assertEquals(FailureReason.LOOPBACK, p.failureReason());
            assertEquals(ChurnState.ACTOR_CHURN, p.churn().actor(), "a looped port cannot synchronise");
        }
        assertTrue(lab.events.contains(new LacpEvent.LoopbackDetected("p1")));
        assertEquals(1, lab.events.stream().filter(e -> e.equals(new LacpEvent.LoopbackDetected("p1"))).count(),
                "reported once, not on every PDU");
    }

    @Test
    void removingThePortWhoseAggregatorCarriesTheLagDisturbsNoOtherLink() {
        Lab lab = Lab.twoSystems(3);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        assertEquals(1, a.snapshot().port("p2").aggregatorId(), "the LAG uses p1's aggregator");
        long removed = lab.net.now();
        lab.net.disconnect(lab.net.wireAt("A", "p1"));
        a.removePort("p1", lab.net.now());
        lab.run(3);
        SystemSnapshot s = a.snapshot();
        assertEquals(1, s.aggregators().size(), lab.dump());
        assertEquals(1, s.aggregators().get(0).id(), "the aggregator outlives the port it came with");
        assertEquals(List.of("p2", "p3"), s.aggregators().get(0).distributingPorts());
        assertEquals(-1, lab.firstTime("A", e -> e instanceof LacpEvent.DistributingChanged d && !d.distributing()
                && !d.port().equals("p1"), removed), lab.dump());
        assertEquals(List.of("p2", "p3"), a.portNames());
        // One aggregator per port still: with p2 and p3 both reselecting, each finds one.
        lab.net.system("B").reconfigurePort(PortConfig.of("p2", 2).withKey(5), lab.net.now());
        lab.net.system("B").reconfigurePort(PortConfig.of("p3", 3).withKey(6), lab.net.now());
        lab.run(3);
        assertEquals(2, a.snapshot().aggregators().size(), lab.dump());
    }

    @Test
    void aRemovedPortTellsItsPartner() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5.5);
        lab.net.system("A").removePort("p2", lab.net.now());
        lab.run(0);
        assertFalse(lab.distributing("B", "p2"), lab.dump());
        assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, lab.port("B", "p2").failureReason());
        assertTrue(lab.distributing("B", "p1"));
    }

    @Test
    void aDisabledPortWhosePartnerTurnsUpOnAnotherPortLetsGoOfIt() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.port("A", "p1", 1);
        lab.port("A", "p2", 2);
        lab.port("B", "p1", 1);
        lab.connect("A", "p1", "B", "p1");
        lab.run(5);
        assertTrue(lab.distributing("A", "p1"));
        // The cable moves from A's p1 to A's p2: p1 is down and still holds B's p1 as its partner.
        lab.net.disconnect(lab.net.wireAt("A", "p1"));
        lab.connect("A", "p2", "B", "p1");
        lab.run(0.001);
        PortSnapshot p1 = lab.port("A", "p1");
        assertEquals(ReceiveState.PORT_DISABLED, p1.receiveState());
        assertEquals(PortInfo.NONE.system(), p1.partner().system(), "port_moved re-initialised p1 (6.4.12)");
        assertFalse(p1.selected());
        lab.run(3);
        assertTrue(lab.distributing("A", "p2"), lab.dump());
    }

    @Test
    void aPartnerThatTurnsIndividualIsReselectedAlone() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        lab.net.system("B").reconfigurePort(PortConfig.of("p2", 2).withAggregatable(false), lab.net.now());
        lab.run(5);
        SystemSnapshot a = lab.net.system("A").snapshot();
        assertEquals(2, a.aggregators().size(), lab.dump());
        assertTrue(a.aggregators().get(1).individual());
        assertFalse(a.port("p2").partner().state().has(StateBit.AGGREGATION));
        assertTrue(lab.distributing("A", "p2"));
    }

    @Test
    void aPartnerInSyncButNotAboutUsIsNotTakenAsInSync() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1));
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        PortInfo stranger = new PortInfo(1, Lab.mac(0xEE), 9, 1, 7, LacpState.NONE);
        PortInfo partner = new PortInfo(1, Lab.mac(0xB), 1, 1, 1, LacpState.of(StateBit.LACP_ACTIVITY, StateBit.LACP_TIMEOUT,
                StateBit.AGGREGATION, StateBit.SYNCHRONIZATION, StateBit.COLLECTING, StateBit.DISTRIBUTING));
        for (int i = 0; i < 10; i++) {
            lab.injectLacpdu("A", "p1", partner, stranger);
            lab.run(1);
        }
        PortSnapshot p = lab.port("A", "p1");
        assertFalse(p.partner().state().has(StateBit.SYNCHRONIZATION), "recordPDU: not Matched, so not in sync");
        assertEquals(MuxState.ATTACHED, p.muxState());
        assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, p.failureReason());
    }
}
