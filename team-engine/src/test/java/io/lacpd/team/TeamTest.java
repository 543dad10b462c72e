package io.lacpd.team;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.member.FailureReason;
import io.lacpd.team.member.MemberConfig;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberRole;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeamTest {

    private static final MacAddress MAC1 = MacAddress.parse("02:00:00:00:01:01");
    private static final MacAddress MAC2 = MacAddress.parse("02:00:00:00:01:02");

    private final List<MemberMap> published = new ArrayList<>();

    private Team team(TeamingMode mode, MemberConfig... members) {
        return new Team(mode, List.of(members), published::add, 0);
    }

    private static void distribute(Team t, String port, int aggregator, long now) {
        t.onLacpEvent(new LacpEvent.PortAttached(port, aggregator), now);
        t.onLacpEvent(new LacpEvent.CollectingChanged(port, true), now);
        t.onLacpEvent(new LacpEvent.DistributingChanged(port, true), now);
    }

    @Test
    void lacpCarriesOnTheAggregatorWithTheMostDistributingPortsTiesTheLowestId() {
        Team t = team(TeamingMode.LACP, new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(1, "eth2", MemberRole.ACTIVE), new MemberConfig(2, "eth3", MemberRole.ACTIVE));
        for (String p : List.of("eth1", "eth2", "eth3")) {
            t.onLink(p, true, MAC1, 1);
        }
        assertEquals(TeamHealth.DOWN, t.state().health());
        assertEquals(FailureReason.LACP_NEGOTIATION, t.state().member("eth1").reason());
        distribute(t, "eth3", 3, 2);
        distribute(t, "eth2", 2, 2);
        assertEquals(2, t.state().activeAggregator(), "a tie: the lowest id");
        assertTrue(t.current().mayTransmit(1));
        assertFalse(t.current().mayTransmit(2));
        assertEquals(FailureReason.OTHER_AGGREGATOR, t.state().member("eth3").reason());
        assertEquals(256, t.current().bucketsOf(1));
        distribute(t, "eth1", 3, 3);
        assertEquals(3, t.state().activeAggregator());
        assertEquals(TeamHealth.DEGRADED, t.state().health());
        assertEquals(128, t.current().bucketsOf(0));
        assertEquals(128, t.current().bucketsOf(2));
        assertEquals(3, t.state().changedAt());
    }

    @Test
    void lacpReceivesWhenCollectingAndTransmitsOnlyWhenDistributing() {
        Team t = team(TeamingMode.LACP, new MemberConfig(0, "eth1", MemberRole.ACTIVE));
        t.onLink("eth1", true, MAC1, 0);
        t.onLacpEvent(new LacpEvent.PortAttached("eth1", 1), 0);
        t.onLacpEvent(new LacpEvent.CollectingChanged("eth1", true), 0);
        assertFalse(t.current().mayReceive(0), "no aggregator is active before a port distributes");
        distribute(t, "eth1", 1, 0);
        assertEquals(TeamHealth.UP, t.state().health());
        t.onLacpEvent(new LacpEvent.DistributingChanged("eth1", false), 1);
        assertEquals(TeamHealth.DOWN, t.state().health());
        t.onLink("eth1", false, MAC1, 2);
        assertEquals(FailureReason.LINK_DOWN, t.state().member("eth1").reason());
    }

    @Test
    void staticCarriesOnEveryMemberWithLink() {
        Team t = team(TeamingMode.STATIC, new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(4, "eth2", MemberRole.STANDBY));
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        assertEquals(TeamHealth.UP, t.state().health());
        assertEquals(MAC2, t.current().member(4).mac());
        t.onLink("eth1", false, MAC1, 1);
        assertFalse(t.current().mayReceive(0));
        assertEquals(256, t.current().bucketsOf(4));
    }

    @Test
    void switchIndependentUsesStandbyOnlyWhileNoActiveMemberHasLink() {
        Team t = team(TeamingMode.SWITCH_INDEPENDENT, new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(1, "eth2", MemberRole.STANDBY));
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        assertTrue(t.current().mayTransmit(0));
        assertFalse(t.current().mayTransmit(1));
        assertEquals(FailureReason.STANDBY, t.state().member("eth2").reason());
        assertEquals(TeamHealth.DEGRADED, t.state().health());
        t.onLink("eth1", false, MAC1, 1);
        assertTrue(t.current().mayTransmit(1));
        assertTrue(t.current().mayReceive(1));
        t.onLink("eth1", true, MAC1, 2);
        t.setRole("eth2", MemberRole.ACTIVE, 3);
        assertEquals(TeamHealth.UP, t.state().health());
        assertThrows(IllegalArgumentException.class, () -> t.setRole("eth9", MemberRole.ACTIVE, 4));
    }

    @Test
    void theSwitchIndependentPrimaryIsTheFirstConfiguredMemberThatTransmitsAndComesBackToIt() {
        Team t = team(TeamingMode.SWITCH_INDEPENDENT, new MemberConfig(2, "eth3", MemberRole.ACTIVE),
                new MemberConfig(0, "eth1", MemberRole.ACTIVE), new MemberConfig(1, "eth2", MemberRole.STANDBY));
        assertEquals(MemberMap.NONE, t.current().primary(), "no member has link");
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        assertEquals(0, t.current().primary());
        t.onLink("eth3", true, MacAddress.parse("02:00:00:00:01:03"), 1);
        assertEquals(2, t.current().primary(), "eth3 is configured first");
        assertTrue(t.current().isMemberMac(MAC2.bits()), "a Standby member's MAC is ours too");
        t.onLink("eth3", false, MacAddress.parse("02:00:00:00:01:03"), 2);
        assertEquals(0, t.current().primary());
        t.onLink("eth1", false, MAC1, 3);
        assertEquals(1, t.current().primary(), "the Standby member took over");
        long version = t.current().version();
        t.onLink("eth3", true, MacAddress.parse("02:00:00:00:01:03"), 4);
        assertEquals(2, t.current().primary(), "given back to the Active member");
        assertFalse(t.current().mayTransmit(1));
        assertTrue(t.current().version() > version);
        Team lacp = team(TeamingMode.STATIC, new MemberConfig(0, "eth1", MemberRole.ACTIVE));
        lacp.onLink("eth1", true, MAC1, 0);
        assertEquals(MemberMap.NONE, lacp.current().primary(), "no primary outside switch-independent");
    }

    @Test
    void withLacpFallbackOneMemberCarriesTheTrafficAfterTheTimeoutOfSilenceUntilLacpIsHeard() {
        long timeout = 3_000_000_000L;
        Team t = new Team(TeamingMode.LACP, TeamPolicy.DEFAULT.withLacpFallback(timeout),
                List.of(new MemberConfig(0, "eth1", MemberRole.ACTIVE), new MemberConfig(1, "eth2", MemberRole.ACTIVE)),
                published::add, 1000);
        assertEquals(1000 + timeout, t.lacpFallbackAt());
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        t.advance(999 + timeout);
        assertEquals(LacpFallback.WAITING, t.state().lacpFallback());
        assertEquals(0, t.current().transmitting());
        t.advance(1000 + timeout);
        assertEquals(LacpFallback.ACTIVE, t.state().lacpFallback());
        assertTrue(t.current().mayTransmit(0) && t.current().mayReceive(0));
        assertFalse(t.current().mayTransmit(1), "one member only");
        assertEquals(0, t.current().primary());
        assertEquals(FailureReason.LACP_NEGOTIATION, t.state().member("eth2").reason());
        t.onLink("eth1", false, MAC1, 2 * timeout);
        assertTrue(t.current().mayTransmit(1), "the next member with link takes over");
        assertEquals(1, t.current().primary());
        t.onLacpEvent(new LacpEvent.PartnerChanged("eth2", io.lacpd.core.pdu.PortInfo.NONE,
                io.lacpd.core.pdu.PortInfo.NONE), 2 * timeout);
        assertEquals(LacpFallback.ENDED, t.state().lacpFallback());
        assertEquals(0, t.current().transmitting(), "LACP decides again: nothing distributes yet");
        assertEquals(MemberMap.NONE, t.current().primary());
        distribute(t, "eth2", 2, 2 * timeout);
        assertTrue(t.current().mayTransmit(1));
        t.onLacpEvent(new LacpEvent.DistributingChanged("eth2", false), 3 * timeout);
        assertEquals(0, t.current().transmitting(), "no fallback again: it counts from the start alone");

        Team heard = new Team(TeamingMode.LACP, TeamPolicy.DEFAULT.withLacpFallback(timeout),
                List.of(new MemberConfig(0, "eth1", MemberRole.ACTIVE)), 0);
        heard.onLink("eth1", true, MAC1, 0);
        distribute(heard, "eth1", 1, 1);
        heard.advance(timeout);
        assertEquals(LacpFallback.ENDED, heard.state().lacpFallback());
        assertEquals(LacpFallback.OFF, team(TeamingMode.LACP, new MemberConfig(0, "eth1", MemberRole.ACTIVE))
                .state().lacpFallback());
    }

    @Test
    void aNewMapIsPublishedOnlyWhenWhatTheDataPathReadsChanges() {
        Team t = team(TeamingMode.LACP, new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(1, "eth2", MemberRole.ACTIVE));
        int first = published.size();
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        distribute(t, "eth1", 1, 0);
        distribute(t, "eth2", 1, 0);
        MemberMap both = t.current();
        assertSame(both, published.get(published.size() - 1));
        int count = published.size();
        t.onLacpEvent(new LacpEvent.PartnerExpired("eth1"), 1);
        t.onLacpEvent(new LacpEvent.PortSelected("eth9", 4), 1);
        t.onLink("eth2", true, MAC2, 1);
        assertEquals(count, published.size());
        assertSame(both, t.current());
        t.onLacpEvent(new LacpEvent.DistributingChanged("eth2", false), 2);
        assertEquals(count + 1, published.size());
        assertTrue(t.current().version() > both.version());
        assertTrue(published.size() > first);
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            if (both.bucketOwner(b) == 0) {
                assertEquals(0, t.current().bucketOwner(b), "eth1 keeps its buckets when eth2 leaves");
            }
        }
    }

    @Test
    void aReconfiguredTeamKeepsTheFactsOfTheMembersItKeeps() {
        Team t = team(TeamingMode.LACP, new MemberConfig(0, "eth1", MemberRole.ACTIVE));
        t.onLink("eth1", true, MAC1, 0);
        t.onLink("eth2", true, MAC2, 0);
        distribute(t, "eth1", 1, 0);
        distribute(t, "eth2", 1, 0);
        assertEquals(TeamHealth.UP, t.state().health());
        t.configure(TeamingMode.LACP, List.of(new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(1, "eth2", MemberRole.ACTIVE)), 1);
        assertTrue(t.current().mayTransmit(1));
        assertEquals(128, t.current().bucketsOf(1));
        assertThrows(IllegalArgumentException.class, () -> t.configure(TeamingMode.LACP,
                List.of(new MemberConfig(0, "eth1", MemberRole.ACTIVE), new MemberConfig(0, "eth2", MemberRole.ACTIVE)), 2));
    }
}
