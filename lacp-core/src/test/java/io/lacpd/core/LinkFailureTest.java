package io.lacpd.core;

import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.Wire;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Links that go down, partners that go quiet, and how the aggregation heals. */
class LinkFailureTest {

    @Test
    void carrierLossTakesTheLinkOutAtOnceAndItRejoinsWhenBack() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        Wire p2 = lab.net.wireAt("A", "p2");
        p2.setUp(false);
        // No time passes: the link leaves on the carrier event itself.
        for (String sys : List.of("A", "B")) {
            PortSnapshot p = lab.port(sys, "p2");
            assertFalse(p.distributing());
            assertEquals(ReceiveState.PORT_DISABLED, p.receiveState());
            assertFalse(p.partner().state().has(StateBit.SYNCHRONIZATION), "PORT_DISABLED clears partner sync");
            assertEquals(FailureReason.LINK_DOWN, p.failureReason());
            assertEquals(List.of("p1"), lab.net.system(sys).snapshot().aggregators().get(0).distributingPorts());
        }
        lab.run(10);
        p2.setUp(true);
        lab.run(0.001);
        for (String sys : List.of("A", "B")) {
            assertTrue(lab.distributing(sys, "p2"), lab.dump());
            assertEquals(List.of("p1", "p2"), lab.net.system(sys).snapshot().aggregators().get(0).distributingPorts());
        }
    }

    @Test
    void aSilentPartnerExpiresAfterShortTimeoutAndDefaultsThreeSecondsLater() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        long silentFrom = lab.net.now();
        lab.net.wireAt("A", "p1").blockFrom("B", true);

        lab.run(10);
        long expired = lab.firstTime("A", e -> e instanceof LacpEvent.PartnerExpired x && x.port().equals("p1"), silentFrom);
        long defaulted = lab.firstTime("A", e -> e instanceof LacpEvent.PartnerDefaulted x && x.port().equals("p1"), silentFrom);
        // The last PDU came at most one Fast_Periodic_Time before the silence; Short_Timeout_Time is 3 s.
        assertTrue(expired - silentFrom > Lab.seconds(2) && expired - silentFrom <= Lab.seconds(3), lab.dump());
        assertEquals(ProtocolConstants.SHORT_TIMEOUT_TIME, defaulted - expired);
        long stoppedDistributing = lab.firstTime("A",
                e -> e instanceof LacpEvent.DistributingChanged x && x.port().equals("p1") && !x.distributing(), silentFrom);
        assertEquals(expired, stoppedDistributing, "EXPIRED clears partner Synchronization, so the mux leaves at once");

        PortSnapshot a1 = lab.port("A", "p1");
        assertEquals(ReceiveState.DEFAULTED, a1.receiveState());
        assertFalse(a1.partner().state().has(StateBit.SYNCHRONIZATION));
        assertTrue(a1.actor().state().has(StateBit.DEFAULTED));
        assertFalse(a1.distributing());
        assertTrue(lab.distributing("A", "p2"));
        // B still hears A; once A defaults and detaches, A's Synchronization clears and B stops using the link.
        assertFalse(lab.distributing("B", "p1"), lab.dump());
        assertTrue(lab.distributing("B", "p2"));
    }

    @Test
    void expiredSetsTheActorExpiredBitAndAsksForFastPdus() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5);
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        lab.run(3.5);
        PortSnapshot a1 = lab.port("A", "p1");
        assertEquals(ReceiveState.EXPIRED, a1.receiveState());
        assertTrue(a1.actor().state().has(StateBit.EXPIRED));
        assertTrue(a1.partner().state().has(StateBit.LACP_TIMEOUT), "EXPIRED sets the partner's timeout to short");
        assertEquals(FailureReason.PARTNER_EXPIRED, a1.failureReason());
    }

    @Test
    void aPartnerThatComesBackIsTakenBackIn() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        Wire w = lab.net.wireAt("A", "p1");
        w.blockFrom("B", true);
        lab.run(4);
        assertEquals(ReceiveState.EXPIRED, lab.port("A", "p1").receiveState());
        long back = lab.net.now();
        w.blockFrom("B", false);
        lab.run(1);
        for (String sys : List.of("A", "B")) {
            assertEquals(List.of("p1", "p2"), lab.net.system(sys).snapshot().aggregators().get(0).distributingPorts(), lab.dump());
        }
        long rejoined = lab.firstTime("A", e -> e instanceof LacpEvent.DistributingChanged x && x.port().equals("p1") && x.distributing(), back);
        // Same partner as before: no reselection, so no Aggregate_Wait_Time; the next PDU (within 1 s) does it.
        assertTrue(rejoined >= back, "p1 never distributed again\n" + lab.dump());
        assertTrue(rejoined - back <= ProtocolConstants.FAST_PERIODIC_TIME, lab.dump());
    }

    @Test
    void afterBothEndsDefaultedTheyTalkAtTheSlowRateUntilTheyHearEachOther() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        Wire w = lab.net.wireAt("A", "p1");
        w.blockFrom("B", true);
        lab.run(20);
        // A defaulted to the administrative partner (Long timeout), so it sent to B every 30 s, and B, which
        // asked for the short timeout, expired and defaulted too: the standard's behaviour (6.4.13, 6.4.12).
        assertEquals(ReceiveState.DEFAULTED, lab.port("A", "p1").receiveState());
        assertEquals(ReceiveState.DEFAULTED, lab.port("B", "p1").receiveState(), lab.dump());
        assertEquals(PeriodicState.SLOW_PERIODIC, lab.port("B", "p1").periodicState());
        w.blockFrom("B", false);
        long back = lab.net.now();
        lab.run(35);
        for (String sys : List.of("A", "B")) {
            assertEquals(List.of("p1", "p2"), lab.net.system(sys).snapshot().aggregators().get(0).distributingPorts(), lab.dump());
        }
        long rejoined = lab.firstTime("A", e -> e instanceof LacpEvent.DistributingChanged x && x.port().equals("p1") && x.distributing(), back);
        assertTrue(rejoined >= back, "p1 never distributed again\n" + lab.dump());
        assertTrue(rejoined - back <= ProtocolConstants.SLOW_PERIODIC_TIME + ProtocolConstants.AGGREGATE_WAIT_TIME
                + ProtocolConstants.FAST_PERIODIC_TIME, lab.dump());
    }

    @Test
    void lossyLinksStillConverge() {
        Lab lab = Lab.twoSystems(2);
        lab.net.wireAt("A", "p1").setLoss(0.3);
        lab.net.wireAt("A", "p2").setDelay(Lab.seconds(0.05));
        lab.run(15);
        for (String sys : List.of("A", "B")) {
            assertEquals(List.of("p1", "p2"), lab.net.system(sys).snapshot().aggregators().get(0).distributingPorts(), lab.dump());
        }
    }

    @Test
    void halfDuplexLinkRunsNoLacp() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.port("A", "p1", 1);
        LacpSystem a = lab.net.system("A");
        a.linkUp("p1", 100, Duplex.HALF, 0);
        PortSnapshot p = a.snapshot().port("p1");
        assertEquals(ReceiveState.LACP_DISABLED, p.receiveState());
        assertEquals(FailureReason.LACP_DISABLED, p.failureReason());
        assertFalse(p.partner().state().has(StateBit.AGGREGATION));
        a.linkUp("p1", 1000, Duplex.FULL, 1);
        assertEquals(ReceiveState.EXPIRED, a.snapshot().port("p1").receiveState());
    }

    @Test
    void aSystemThatShutsDownTellsItsPartnerWhichStopsDistributingAtOnce() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5.5);
        LacpSystem a = lab.net.system("A");
        a.shutdown(lab.net.now());
        assertTrue(a.farewellSent());
        lab.run(0);
        for (String port : List.of("p1", "p2")) {
            assertFalse(lab.distributing("A", port));
            assertFalse(lab.port("A", port).actor().state().has(StateBit.SYNCHRONIZATION));
            assertFalse(lab.distributing("B", port), "B heard the farewell: " + lab.dump());
            assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, lab.port("B", port).failureReason());
        }
        lab.run(10);
        assertTrue(lab.net.system("A").snapshot().aggregators().isEmpty(), "nothing is selected after shutdown");
    }

    @Test
    void aFarewellHeldBackByTheTransmitLimitGoesOutWithinASecond() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5.5);
        LacpSystem a = lab.net.system("A");
        for (int i = 0; i < 3; i++) {
            a.reconfigurePort(PortConfig.of("p1", 1).withPortPriority(10 + i), lab.net.now()); // 3 PDUs now
        }
        a.shutdown(lab.net.now());
        assertFalse(a.farewellSent());
        long start = lab.net.now();
        while (!a.farewellSent()) {
            lab.net.runUntil(a.nextDeadline());
        }
        assertTrue(lab.net.now() - start <= ProtocolConstants.FAST_PERIODIC_TIME);
        lab.run(0);
        assertFalse(lab.distributing("B", "p1"));
    }

    @Test
    void aPortThatLeavesSendsItsHeldFarewellBeforeItIsRemovedAndTheOtherCarriesOn() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5.5);
        LacpSystem a = lab.net.system("A");
        for (int i = 0; i < 3; i++) { // 3 PDUs now, and nothing that makes B select again
            LacpTimeout t = i % 2 == 0 ? LacpTimeout.LONG : LacpTimeout.SHORT;
            a.reconfigurePort(PortConfig.of("p1", 1).withTimeout(t), lab.net.now());
        }
        a.leavePort("p1", lab.net.now());
        assertFalse(a.farewellSent("p1"), "the transmit limit holds it");
        assertTrue(a.farewellSent("p2"));
        long start = lab.net.now();
        while (!a.farewellSent("p1")) {
            lab.net.runUntil(a.nextDeadline());
        }
        assertTrue(lab.net.now() - start <= ProtocolConstants.FAST_PERIODIC_TIME);
        a.removePort("p1", lab.net.now());
        lab.run(0);
        assertFalse(lab.port("B", "p1").partner().state().has(StateBit.SYNCHRONIZATION), "B heard the farewell: " + lab.dump());
        assertFalse(lab.distributing("B", "p1"));
        assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, lab.port("B", "p1").failureReason());
        lab.run(5);
        assertTrue(lab.distributing("A", "p2"));
        assertTrue(lab.distributing("B", "p2"));
    }
}
