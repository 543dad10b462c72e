package io.lacpd.team;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.Rebalancer;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The team spreads its buckets by link speed, and publishes what the rebalancer moves. */
class TeamBalanceTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:01:01");
    private static final long SECOND = 1_000_000_000L;

    private final List<MemberMap> published = new ArrayList<>();

    private Team staticTeam() {
        return new Team(TeamingMode.STATIC, Team.activeMembers(List.of("eth1", "eth2")), published::add, 0);
    }

    @Test
    void bucketsFollowTheLinkSpeedsAndASpeedChangeRespreadsThem() {
        Team t = staticTeam();
        t.onLink("eth1", true, MAC, 10_000, 1);
        t.onLink("eth2", true, MAC, 1_000, 1);
        assertEquals(233, t.current().bucketsOf(0));
        assertEquals(23, t.current().bucketsOf(1));
        int maps = published.size();
        t.onLink("eth2", true, MAC, 10_000, 2);
        assertEquals(maps + 1, published.size(), "a new speed, a new map");
        assertEquals(128, t.current().bucketsOf(1));
        t.onLink("eth2", true, MAC, 10_000, 3);
        assertEquals(maps + 1, published.size(), "the same speed again: no new map");
    }

    @Test
    void aRebalanceThatMovesABucketPublishesANewVersionWithTheSameMembers() {
        Team t = staticTeam();
        t.onLink("eth1", true, MAC, 10_000, 1);
        t.onLink("eth2", true, MAC, 10_000, 1);
        MemberMap before = t.current();
        Rebalancer r = new Rebalancer(SECOND);
        long[] bytes = new long[MemberMap.BUCKETS];
        assertFalse(t.rebalance(r, bytes, 0));
        int[] hot = {0, 2, 4, 6}; // all on slot 0
        for (int b : hot) {
            assertEquals(0, before.bucketOwner(b));
            bytes[b] = 1_000_000;
        }
        assertTrue(t.rebalance(r, bytes, SECOND));
        MemberMap after = t.current();
        assertEquals(before.version() + 1, after.version());
        assertEquals(before.members(), after.members());
        assertEquals(after, published.get(published.size() - 1));
        int onOne = 0;
        for (int b : hot) {
            onOne += after.bucketOwner(b) == 1 ? 1 : 0;
        }
        assertEquals(2, onOne);
        t.onLink("eth2", false, MAC, 10_000, 2);
        assertEquals(256, t.current().bucketsOf(0), "a member leaving still moves its buckets");
    }
}
