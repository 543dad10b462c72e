package io.lacpd.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression: the Mux re-enters ATTACHED from COLLECTING_DISTRIBUTING (or COLLECTING) when the partner falls out
 * of sync, and ATTACHED runs Attach_Mux_To_Aggregator again (802.1AX-2014 6.4.15, Figures 6-21 and 6-22). For a
 * port that is attached already that must change nothing: the port used to be listed twice, and after the next
 * detach it stayed attached to an aggregator it no longer selected.
 */
class MuxReattachTest {

    @Test
    void partnerOutOfSyncDoesNotAttachThePortTwice() {
        Lab lab = Lab.twoSystems(2);
        lab.run(3);
        assertTrue(lab.distributing("A", "p1"), lab.dump());

        // B's b1 goes silent: A's p1 expires, its partner is out of sync, and its Mux falls back to ATTACHED.
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        lab.run(4);
        assertEquals(MuxState.ATTACHED, lab.port("A", "p1").muxState(), lab.dump());
        AggregatorSnapshot agg = lab.net.system("A").snapshot().aggregators().get(0);
        assertEquals(List.of("p1", "p2"), agg.attachedPorts(), lab.dump());
        String attached = " A " + new LacpEvent.PortAttached("p1", agg.id());
        assertEquals(1, lab.log.stream().filter(line -> line.endsWith(attached)).count(), lab.dump());
    }

    @Test
    void aPortThatMovesOnLeavesNoTraceInItsOldAggregator() {
        Lab lab = Lab.twoSystems(2);
        lab.run(3);
        // A new key on b1: A's p1 sees a new partner, drops through ATTACHED to DETACHED and selects anew.
        lab.net.system("B").reconfigurePort(PortConfig.of("p1", 1).withKey(2), lab.net.now());
        lab.run(5);
        SystemSnapshot a = lab.net.system("A").snapshot();
        for (AggregatorSnapshot agg : a.aggregators()) {
            assertTrue(agg.selectedPorts().containsAll(agg.attachedPorts()), a.aggregators() + "\n" + lab.dump());
        }
        assertEquals(2, a.aggregators().size(), a.aggregators() + "\n" + lab.dump());
    }
}
