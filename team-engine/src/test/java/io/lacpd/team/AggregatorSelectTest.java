package io.lacpd.team;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.team.member.FailureReason;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The active aggregator by each {@link AggregatorSelect} rule. The scene: eth1 and eth2 in aggregator 1 towards
 * switch X (1 Gb/s links, system priority 200), eth3 in aggregator 3 towards switch Y (a 10 Gb/s link, system
 * priority 100), eth4 in aggregator 4 towards X.
 */
class AggregatorSelectTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:01:01");
    private static final PortInfo SWITCH_X = new PortInfo(200, MacAddress.parse("02:00:00:00:00:01"), 1,
            32768, 1, LacpState.NONE);
    private static final PortInfo SWITCH_Y = new PortInfo(100, MacAddress.parse("02:00:00:00:00:02"), 1, 32768, 1,
            LacpState.NONE);

    private static Team team(AggregatorSelect rule) {
        Team t = new Team(TeamingMode.LACP, new TeamPolicy(rule, 1), Team.activeMembers(List.of("eth1", "eth2", "eth3", "eth4")), 0);
        t.onLink("eth1", true, MAC, 1000, 0);
        t.onLink("eth2", true, MAC, 1000, 0);
        t.onLink("eth3", true, MAC, 10_000, 0);
        t.onLink("eth4", true, MAC, 1000, 0);
        return t;
    }

    private static void distribute(Team t, String port, int aggregator, PortInfo partner, long now) {
        t.onLacpEvent(new LacpEvent.PartnerChanged(port, PortInfo.NONE, partner), now);
        t.onLacpEvent(new LacpEvent.PortAttached(port, aggregator), now);
        t.onLacpEvent(new LacpEvent.CollectingChanged(port, true), now);
        t.onLacpEvent(new LacpEvent.DistributingChanged(port, true), now);
    }

    private static Team scene(AggregatorSelect rule) {
        Team t = team(rule);
        distribute(t, "eth3", 3, SWITCH_Y, 1);
        distribute(t, "eth1", 1, SWITCH_X, 2);
        distribute(t, "eth2", 1, SWITCH_X, 3);
        return t;
    }

    @Test
    void countTakesTheMostMembers() {
        Team t = scene(AggregatorSelect.COUNT);
        assertEquals(1, t.state().activeAggregator());
        assertEquals(ActiveReason.MOST_MEMBERS, t.state().activeReason());
        assertFalse(t.state().activeTie());
        assertEquals(FailureReason.OTHER_AGGREGATOR, t.state().member("eth3").reason());
        assertTrue(t.current().mayTransmit(0) && t.current().mayTransmit(1) && !t.current().mayTransmit(2));
    }

    @Test
    void bandwidthTakesTheMostSpeed() {
        Team t = scene(AggregatorSelect.BANDWIDTH);
        assertEquals(3, t.state().activeAggregator(), "10 Gb/s against 2 x 1 Gb/s");
        assertEquals(ActiveReason.MOST_BANDWIDTH, t.state().activeReason());
        assertTrue(t.current().mayTransmit(2) && !t.current().mayTransmit(0));
    }

    @Test
    void bandwidthTiesGoToTheMostMembersThenTheLowestId() {
        Team t = team(AggregatorSelect.BANDWIDTH);
        distribute(t, "eth4", 4, SWITCH_X, 1);
        distribute(t, "eth1", 1, SWITCH_X, 1);
        assertEquals(1, t.state().activeAggregator());
        assertTrue(t.state().activeTie());
    }

    @Test
    void priorityTakesTheBestPartnerSystem() {
        Team t = scene(AggregatorSelect.PRIORITY);
        assertEquals(3, t.state().activeAggregator(), "switch Y has system priority 100");
        assertEquals(ActiveReason.BEST_PARTNER, t.state().activeReason());
    }

    @Test
    void stableKeepsTheActiveOneWhileItHasMembers() {
        Team t = team(AggregatorSelect.STABLE);
        distribute(t, "eth3", 3, SWITCH_Y, 1);
        assertEquals(3, t.state().activeAggregator());
        assertEquals(ActiveReason.ONLY_ONE, t.state().activeReason());
        distribute(t, "eth1", 1, SWITCH_X, 2);
        distribute(t, "eth2", 1, SWITCH_X, 3);
        assertEquals(3, t.state().activeAggregator(), "a bigger aggregator does not take the traffic away");
        assertEquals(ActiveReason.KEPT, t.state().activeReason());
        t.onLacpEvent(new LacpEvent.DistributingChanged("eth3", false), 4);
        assertEquals(1, t.state().activeAggregator(), "chosen anew, by count, once the active one has no member");
        assertEquals(ActiveReason.ONLY_ONE, t.state().activeReason());
        distribute(t, "eth3", 3, SWITCH_Y, 5);
        assertEquals(1, t.state().activeAggregator());
        assertEquals(ActiveReason.KEPT, t.state().activeReason());
    }

    @Test
    void aNewRuleOnReconfigurationAppliesAtOnce() {
        Team t = scene(AggregatorSelect.COUNT);
        t.configure(TeamingMode.LACP, new TeamPolicy(AggregatorSelect.BANDWIDTH, 1),
                Team.activeMembers(List.of("eth1", "eth2", "eth3", "eth4")), 9);
        assertEquals(3, t.state().activeAggregator());
        assertEquals(AggregatorSelect.BANDWIDTH, t.state().policy().aggregatorSelect());
    }
}
