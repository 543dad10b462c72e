package io.lacpd.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Aggregate_Wait_Time as a setting (802.1AX-2014 6.4.4, 6.4.15): the Mux's WAITING lasts that long. */
class AggregateWaitTest {

    private static Lab twoLinks(long waitNanos) {
        Lab lab = new Lab();
        lab.system("A", SystemConfig.of(Lab.mac(0xA)).withAggregateWaitTime(waitNanos));
        lab.system("B", SystemConfig.of(Lab.mac(0xB)).withAggregateWaitTime(waitNanos));
        for (int i = 1; i <= 2; i++) {
            lab.port("A", "p" + i, i);
            lab.port("B", "p" + i, i);
        }
        lab.connect("A", "p1", "B", "p1");
        lab.connect("A", "p2", "B", "p2");
        return lab;
    }

    private static long firstDistributing(Lab lab, String system) {
        return lab.firstTime(system, e -> e instanceof LacpEvent.DistributingChanged d && d.distributing(), 0);
    }

    @Test
    void theDefaultIsTheStandardsTwoSeconds() {
        assertEquals(ProtocolConstants.AGGREGATE_WAIT_TIME, SystemConfig.of(Lab.mac(1)).aggregateWaitTime());
        assertEquals(Lab.seconds(2), ProtocolConstants.AGGREGATE_WAIT_TIME);
    }

    @Test
    void zeroAttachesAtOnceAndTheLinksStillShareOneAggregator() {
        Lab lab = twoLinks(0);
        lab.run(0.001);
        for (String s : new String[] {"A", "B"}) {
            assertTrue(lab.distributing(s, "p1") && lab.distributing(s, "p2"), lab.dump());
            assertEquals(1, lab.net.system(s).snapshot().aggregators().size(), lab.dump());
            assertEquals(0, firstDistributing(lab, s), lab.dump()); // these wires take no time
        }
    }

    @Test
    void aShorterWaitIsHeldToTheNanosecond() {
        Lab lab = twoLinks(Lab.seconds(0.5));
        lab.run(0.499);
        assertEquals(MuxState.WAITING, lab.port("A", "p1").muxState());
        assertEquals(FailureReason.WAITING, lab.port("A", "p1").failureReason());
        lab.run(0.002);
        assertTrue(lab.distributing("A", "p1") && lab.distributing("B", "p2"), lab.dump());
        assertEquals(Lab.seconds(0.5), firstDistributing(lab, "A"));
    }

    @Test
    void aLinkThatComesUpLaterJoinsTheSameAggregatorWithoutWaiting() {
        Lab lab = twoLinks(0);
        lab.net.wireAt("A", "p2").setUp(false);
        lab.run(5);
        lab.net.wireAt("A", "p2").setUp(true);
        // The first LACPDUs on a link that comes back go at the next Fast_Periodic_Time; then no wait.
        lab.run(1.001);
        assertTrue(lab.distributing("A", "p2") && lab.distributing("B", "p2"), lab.dump());
        assertEquals(1, lab.net.system("A").snapshot().aggregators().size(), lab.dump());
    }

    @Test
    void theSnapshotSaysTheWaitInForce() {
        Lab lab = twoLinks(Lab.seconds(0.25));
        assertEquals(Lab.seconds(0.25), lab.net.system("A").snapshot().aggregateWaitTime());
    }

    @Test
    void aNegativeWaitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SystemConfig.of(Lab.mac(1)).withAggregateWaitTime(-1));
    }
}
