package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings changed while running take effect as the standard says, without a restart. */
class ReconfigurationTest {

    private static void assertConverged(Lab lab, List<String> ports) {
        for (String sys : List.of("A", "B")) {
            SystemSnapshot s = lab.net.system(sys).snapshot();
            assertEquals(1, s.aggregators().size(), lab.dump());
            assertEquals(ports, s.aggregators().get(0).distributingPorts(), lab.dump());
        }
    }

    @Test
    void aNewKeyTakesThePortOutOfTheLagAndTheOldKeyBringsItBack() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        a.reconfigurePort(PortConfig.of("p2", 2).withKey(7), lab.net.now());
        assertFalse(a.snapshot().port("p2").distributing(), "a new LAG ID detaches at once");
        lab.run(3);
        assertEquals(2, a.snapshot().aggregators().size(), lab.dump());
        assertEquals(7, a.snapshot().port("p2").actor().key());
        assertEquals(7, lab.port("B", "p2").partner().key(), "the partner was told (NTT)");
        assertEquals(2, lab.net.system("B").snapshot().aggregators().size());
        a.reconfigurePort(PortConfig.of("p2", 2), lab.net.now());
        lab.run(3);
        assertConverged(lab, List.of("p1", "p2"));
    }

    @Test
    void aPortWithLacpOffSendsNothingIgnoresWhatItHearsAndJoinsWhenTurnedOn() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        a.reconfigurePort(PortConfig.of("p2", 2).withLacpEnabled(false), lab.net.now());
        long sent = a.snapshot().port("p2").counters().lacpduTx();
        long heard = a.snapshot().port("p2").counters().lacpduRx();
        lab.run(10);
        PortSnapshot off = a.snapshot().port("p2");
        assertEquals(ReceiveState.LACP_DISABLED, off.receiveState());
        assertEquals(PeriodicState.NO_PERIODIC, off.periodicState());
        assertEquals(sent, off.counters().lacpduTx(), "no LACPDU sent while LACP is off");
        assertTrue(off.counters().lacpduRx() > heard, "B still speaks on p2");
        assertFalse(off.distributing());
        assertFalse(off.partner().state().has(StateBit.SYNCHRONIZATION), "what it hears is not recorded");
        assertEquals(List.of("p1"), a.snapshot().aggregators().stream()
                .filter(g -> !g.distributingPorts().isEmpty()).findFirst().orElseThrow().distributingPorts());
        a.reconfigurePort(PortConfig.of("p2", 2), lab.net.now());
        lab.run(5);
        assertConverged(lab, List.of("p1", "p2"));
    }

    @Test
    void aNewSystemPriorityOrMacIsAnnouncedAndEveryPortSelectsAgain() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        a.reconfigure(a.config().withSystemPriority(100), lab.net.now());
        lab.run(3);
        assertConverged(lab, List.of("p1", "p2"));
        assertEquals(100, lab.port("B", "p1").partner().systemPriority());
        assertEquals(100, lab.net.system("B").snapshot().aggregators().get(0).partnerSystemPriority());

        a.reconfigure(a.config().withSystemMac(MacAddress.parse("02:00:00:00:01:00")), lab.net.now());
        lab.run(3);
        assertConverged(lab, List.of("p1", "p2"));
        assertEquals(MacAddress.parse("02:00:00:00:01:00"), lab.net.system("B").snapshot().aggregators().get(0).partnerSystem());
    }

    @Test
    void aNewPortNumberIsAnnouncedAndThePartnerReselects() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        lab.net.system("A").reconfigurePort(PortConfig.of("p2", 20), lab.net.now());
        lab.run(3);
        assertEquals(20, lab.port("B", "p2").partner().port());
        assertConverged(lab, List.of("p1", "p2"));
    }

    @Test
    void switchingMuxControlWhileRunningReattachesWithTheNewMachine() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        a.reconfigure(a.config().withMuxControl(MuxControl.INDEPENDENT), lab.net.now());
        lab.run(3);
        assertConverged(lab, List.of("p1", "p2"));
        assertEquals(MuxState.DISTRIBUTING, a.snapshot().port("p1").muxState());
    }

    @Test
    void whenBothEndsTurnPassiveTheyFallSilentAndStopAggregating() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5);
        lab.net.system("A").reconfigurePort(PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE), lab.net.now());
        lab.run(5);
        assertTrue(lab.distributing("A", "p1"), "passive facing active still aggregates");
        lab.net.system("B").reconfigurePort(PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE), lab.net.now());
        lab.run(10);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.run(300);
        assertTrue(sent.isEmpty(), "two passive ends do not talk: " + sent);
        assertFalse(lab.distributing("A", "p1"));
        assertFalse(lab.distributing("B", "p1"));
    }

    @Test
    void aTimeoutChangeChangesHowOftenThePartnerSends() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5);
        lab.net.system("A").reconfigurePort(PortConfig.of("p1", 1).withTimeout(LacpTimeout.LONG), lab.net.now());
        lab.run(1);
        assertFalse(lab.port("A", "p1").actor().state().has(StateBit.LACP_TIMEOUT));
        assertEquals(PeriodicState.SLOW_PERIODIC, lab.port("B", "p1").periodicState());
        assertTrue(lab.distributing("A", "p1"));
    }

    @Test
    void anUnchangedConfigurationSendsNothing() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5.5);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.net.system("A").reconfigurePort(PortConfig.of("p1", 1), lab.net.now());
        assertTrue(sent.isEmpty());
    }
}
