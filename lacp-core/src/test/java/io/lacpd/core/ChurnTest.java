package io.lacpd.core;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Churn Detection (802.1AX-2014 6.4.17): ports that cannot get into sync are flagged. */
class ChurnTest {

    private static final LacpState PARTNER_STATE = LacpState.of(StateBit.LACP_ACTIVITY, StateBit.LACP_TIMEOUT,
            StateBit.AGGREGATION);

    /** A with one port p1, whose real partner B is muted so that the test speaks for it. */
    private static Lab muted() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1));
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        return lab;
    }

    private static PortInfo aboutA(Lab lab) {
        return lab.port("A", "p1").actor();
    }

    @Test
    void aPortThatCannotSynchroniseReachesActorChurnAfterChurnDetectionTime() {
        Lab lab = muted();
        // A partner that changes its identity every 1.5 s: each change sends the port back through
        // Aggregate_Wait_Time, so it never attaches and its own Synchronization stays FALSE.
        for (int i = 0; i < 45; i++) {
            PortInfo partner = new PortInfo(100, Lab.mac(0xB0 + i % 2), 5, 100, 1, PARTNER_STATE);
            lab.injectLacpdu("A", "p1", partner, aboutA(lab));
            lab.run(0.5);
            assertEquals(i * 1.5 + 0.5 >= 60 ? ChurnState.ACTOR_CHURN : ChurnState.ACTOR_CHURN_MONITOR,
                    lab.port("A", "p1").churn().actor(),
                    "at " + lab.net.now());
            lab.injectLacpdu("A", "p1", partner, aboutA(lab));
            lab.run(1);
        }
        PortSnapshot p = lab.port("A", "p1");
        assertEquals(ChurnState.ACTOR_CHURN, p.churn().actor());
        assertEquals(1, p.churn().actorCount());
        assertTrue(lab.events.contains(new LacpEvent.ChurnChanged("p1", true, true)));

        // The partner settles: the port attaches, syncs, and the churn clears.
        PortInfo partner = new PortInfo(100, Lab.mac(0xB0), 5, 100, 1, PARTNER_STATE);
        for (int i = 0; i < 4; i++) {
            lab.injectLacpdu("A", "p1", partner, aboutA(lab));
            lab.run(1);
        }
        p = lab.port("A", "p1");
        assertEquals(MuxState.ATTACHED, p.muxState());
        assertEquals(ChurnState.NO_ACTOR_CHURN, p.churn().actor());
        assertTrue(lab.events.contains(new LacpEvent.ChurnChanged("p1", true, false)));
    }

    @Test
    void aPartnerThatNeverSynchronisesReachesPartnerChurn() {
        Lab lab = muted();
        PortInfo stuck = new PortInfo(100, Lab.mac(0xB0), 5, 100, 1, PARTNER_STATE); // never Synchronization
        for (int i = 0; i < 59; i++) {
            lab.injectLacpdu("A", "p1", stuck, aboutA(lab));
            lab.run(1);
        }
        assertEquals(ChurnState.PARTNER_CHURN_MONITOR, lab.port("A", "p1").churn().partner());
        for (int i = 0; i < 3; i++) {
            lab.injectLacpdu("A", "p1", stuck, aboutA(lab));
            lab.run(1);
        }
        PortSnapshot p = lab.port("A", "p1");
        assertEquals(ChurnState.PARTNER_CHURN, p.churn().partner());
        assertEquals(1, p.churn().partnerCount());
        assertEquals(ChurnState.NO_ACTOR_CHURN, p.churn().actor(), "our side attached and is in sync");
        assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, p.failureReason());
    }

    @Test
    void churnMonitoringStopsWhileTheLinkIsDown() {
        Lab lab = Lab.twoSystems(1);
        lab.net.wireAt("A", "p1").setUp(false);
        lab.run(600);
        assertEquals(ChurnState.ACTOR_CHURN_MONITOR, lab.port("A", "p1").churn().actor());
        assertEquals(0, lab.port("A", "p1").churn().actorCount());
    }

    @Test
    void aHealthyLinkShowsNoChurn() {
        Lab lab = Lab.twoSystems(2);
        lab.run(120);
        for (String sys : new String[] {"A", "B"}) {
            for (PortSnapshot p : lab.net.system(sys).snapshot().ports()) {
                assertEquals(ChurnState.NO_ACTOR_CHURN, p.churn().actor());
                assertEquals(ChurnState.NO_PARTNER_CHURN, p.churn().partner());
            }
        }
    }
}
