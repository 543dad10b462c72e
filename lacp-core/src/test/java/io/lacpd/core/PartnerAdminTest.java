package io.lacpd.core;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.Wire;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partner_Admin_* values (802.1AX-2014 6.4.7, recordDefault 6.4.9): a port whose partner never speaks takes them
 * as its partner once DEFAULTED, and aggregates with that static partner when they say it is in sync.
 */
class PartnerAdminTest {

    /** A static partner: aggregatable, in sync, collecting and distributing; it never sends a LACPDU. */
    static final PortInfo STATIC_PARTNER = new PortInfo(100, Lab.mac(0xB), 7, 10, 5, LacpState.of(StateBit.LACP_ACTIVITY,
            StateBit.AGGREGATION, StateBit.SYNCHRONIZATION, StateBit.COLLECTING, StateBit.DISTRIBUTING));

    /** A's p1 and p2 to B, whose LACPDUs never reach A; A's ports have these partner admin values. */
    private static Lab silentPartner(PortInfo admin) {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        for (int i = 1; i <= 2; i++) {
            lab.port("A", PortConfig.of("p" + i, i).withPartnerAdmin(admin));
            lab.port("B", "p" + i, i);
            Wire w = lab.connect("A", "p" + i, "B", "p" + i);
            w.blockFrom("B", true);
            w.setUp(false); // the LACPDUs B sent as the link came up are lost with it
        }
        lab.run(0);
        for (int i = 1; i <= 2; i++) {
            lab.net.wireAt("A", "p" + i).setUp(true);
        }
        return lab;
    }

    @Test
    void aDefaultedPortAggregatesWithTheStaticPartnerItWasGiven() {
        Lab lab = silentPartner(STATIC_PARTNER);
        lab.run(2.99);
        assertEquals(ReceiveState.EXPIRED, lab.port("A", "p1").receiveState());
        assertFalse(lab.distributing("A", "p1"), "in sync only once DEFAULTED records the admin values");
        lab.run(0.02); // Short_Timeout_Time after the link came up: DEFAULTED
        for (String p : new String[] {"p1", "p2"}) {
            PortSnapshot s = lab.port("A", p);
            assertEquals(ReceiveState.DEFAULTED, s.receiveState());
            assertTrue(s.distributing(), lab.dump());
            assertTrue(s.actor().state().has(StateBit.DEFAULTED));
            assertEquals(STATIC_PARTNER, s.partner());
            assertEquals(0, s.counters().lacpduRx());
        }
        AggregatorSnapshot agg = lab.net.system("A").snapshot().aggregators().get(0);
        assertEquals(1, lab.net.system("A").snapshot().aggregators().size());
        assertEquals(java.util.List.of("p1", "p2"), agg.distributingPorts());
        assertEquals(Lab.mac(0xB), agg.partnerSystem());
        assertEquals(100, agg.partnerSystemPriority());
        assertEquals(7, agg.partnerKey());
        assertEquals(Lab.seconds(3), lab.firstTime("A", e -> e instanceof LacpEvent.DistributingChanged d && d.distributing(), 0));
    }

    @Test
    void withoutAdminValuesADefaultedPortCarriesNothing() {
        Lab lab = silentPartner(PortInfo.NONE);
        lab.run(10);
        assertFalse(lab.distributing("A", "p1"));
        assertEquals(FailureReason.PARTNER_DEFAULTED, lab.port("A", "p1").failureReason());
    }

    @Test
    void adminValuesWithoutSynchronizationAttachButDoNotDistribute() {
        Lab lab = silentPartner(STATIC_PARTNER.withState(STATIC_PARTNER.state().with(StateBit.SYNCHRONIZATION, false)));
        lab.run(10);
        assertEquals(MuxState.ATTACHED, lab.port("A", "p1").muxState());
        assertFalse(lab.distributing("A", "p1"));
    }

    @Test
    void aPartnerThatSpeaksReplacesTheAdminValues() {
        Lab lab = silentPartner(STATIC_PARTNER);
        lab.run(5);
        lab.net.wireAt("A", "p1").blockFrom("B", false);
        lab.net.wireAt("A", "p2").blockFrom("B", false);
        lab.run(5);
        PortSnapshot s = lab.port("A", "p1");
        assertEquals(ReceiveState.CURRENT, s.receiveState());
        assertEquals(Lab.mac(0xB), s.partner().system());
        assertEquals(PortConfig.DEFAULT_KEY, s.partner().key(), "B's own key, not the admin one");
        assertTrue(s.distributing() && lab.distributing("B", "p1"), lab.dump());
    }

    @Test
    void newAdminValuesReachADefaultedPortAtOnce() {
        Lab lab = silentPartner(PortInfo.NONE);
        lab.run(5);
        assertFalse(lab.distributing("A", "p1"));
        lab.net.system("A").reconfigurePort(PortConfig.of("p1", 1).withPartnerAdmin(STATIC_PARTNER), lab.net.now());
        lab.run(2.001); // selected again with the new LAG ID: Aggregate_Wait_Time, then in sync
        assertTrue(lab.distributing("A", "p1"), lab.dump());
        assertEquals(STATIC_PARTNER, lab.port("A", "p1").partner());
        assertFalse(lab.distributing("A", "p2"));
    }
}
