package io.lacpd.team;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.member.FailureReason;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** min-links: the team carries nothing while fewer members than that could. */
class MinLinksTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:01:01");
    private static final List<String> PORTS = List.of("eth1", "eth2", "eth3");

    private final List<MemberMap> published = new ArrayList<>();

    private Team team(int minLinks) {
        Team t = new Team(TeamingMode.LACP, new TeamPolicy(AggregatorSelect.COUNT, minLinks), Team.activeMembers(PORTS),
                published::add, 0);
        for (String p : PORTS) {
            t.onLink(p, true, MAC, 0);
        }
        return t;
    }

    private static void distribute(Team t, String port, boolean on, long now) {
        t.onLacpEvent(new LacpEvent.PortAttached(port, 1), now);
        t.onLacpEvent(new LacpEvent.CollectingChanged(port, on), now);
        t.onLacpEvent(new LacpEvent.DistributingChanged(port, on), now);
    }

    private static void assertNothingCarried(Team t) {
        assertEquals(TeamHealth.DOWN, t.state().health());
        for (int slot = 0; slot < PORTS.size(); slot++) {
            assertFalse(t.current().mayTransmit(slot), "slot " + slot);
            assertFalse(t.current().mayReceive(slot), "slot " + slot);
        }
        assertEquals(0, t.current().transmitting());
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            assertEquals(MemberMap.NONE, t.current().bucketOwner(b), "bucket " + b);
        }
    }

    @Test
    void belowMinLinksNoMemberTransmitsOrReceives() {
        Team t = team(2);
        distribute(t, "eth1", true, 1);
        assertNothingCarried(t);
        assertEquals(FailureReason.MIN_LINKS, t.state().member("eth1").reason());
        assertEquals(FailureReason.LACP_NEGOTIATION, t.state().member("eth2").reason(), "the others keep their reason");
        assertEquals(1, t.state().activeAggregator(), "the aggregator is still chosen; only its traffic is held");
    }

    @Test
    void reachingMinLinksReleasesTheTeamAndLosingOneHoldsItAgain() {
        Team t = team(2);
        distribute(t, "eth1", true, 1);
        distribute(t, "eth2", true, 2);
        assertEquals(TeamHealth.DEGRADED, t.state().health());
        assertTrue(t.current().mayTransmit(0) && t.current().mayTransmit(1));
        assertEquals(128, t.current().bucketsOf(0));
        distribute(t, "eth2", false, 3);
        assertNothingCarried(t);
        MemberStatus eth1 = t.state().member("eth1");
        assertEquals(FailureReason.MIN_LINKS, eth1.reason());
        assertTrue(eth1.linkUp());
        distribute(t, "eth2", true, 4);
        assertTrue(t.current().mayTransmit(0) && t.current().mayTransmit(1));
    }

    @Test
    void zeroAndOneNeverHoldTheTeamDown() {
        for (int minLinks : new int[] {0, 1}) {
            Team t = team(minLinks);
            distribute(t, "eth3", true, 1);
            assertTrue(t.current().mayTransmit(2), "min-links " + minLinks);
            assertEquals(FailureReason.NO_FAILURE, t.state().member("eth3").reason());
        }
    }

    @Test
    void itHoldsTheOtherModesToo() {
        Team t = new Team(TeamingMode.STATIC, new TeamPolicy(AggregatorSelect.COUNT, 3), Team.activeMembers(PORTS), 0);
        t.onLink("eth1", true, MAC, 0);
        t.onLink("eth2", true, MAC, 0);
        assertEquals(TeamHealth.DOWN, t.state().health());
        t.onLink("eth3", true, MAC, 1);
        assertEquals(TeamHealth.UP, t.state().health());
    }

    @Test
    void aLowerMinLinksOnReconfigurationReleasesAtOnce() {
        Team t = team(3);
        distribute(t, "eth1", true, 1);
        assertNothingCarried(t);
        int maps = published.size();
        t.configure(TeamingMode.LACP, new TeamPolicy(AggregatorSelect.COUNT, 1), Team.activeMembers(PORTS), 2);
        assertTrue(t.current().mayTransmit(0));
        assertEquals(maps + 1, published.size(), "one new map");
    }
}
