package io.lacpd.team.member;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.AggregatorSelect;
import io.lacpd.team.Team;
import io.lacpd.team.TeamHealth;
import io.lacpd.team.TeamPolicy;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flap damping in virtual time: more than 2 link losses in 60 s hold a member out until up for 30 s. */
class FlapDampingTest {

    private static final long S = 1_000_000_000L;
    private static final FlapDamping.Settings SETTINGS = new FlapDamping.Settings(2, 60 * S, 30 * S);

    @Test
    void aThirdLossWithinTheWindowHoldsTheMemberOutUntilStable() {
        FlapDamping d = new FlapDamping(SETTINGS);
        d.onLink("eth1", true, 0);
        assertFalse(d.onLink("eth1", false, 10 * S));
        d.onLink("eth1", true, 11 * S);
        assertFalse(d.onLink("eth1", false, 20 * S));
        d.onLink("eth1", true, 21 * S);
        assertTrue(d.onLink("eth1", false, 30 * S), "the third loss within 60 s");
        assertTrue(d.held("eth1"));
        d.onLink("eth1", true, 31 * S);
        assertFalse(d.advance(60 * S), "up for 29 s only");
        d.onLink("eth1", false, 60 * S); // a break: the stable time starts again
        d.onLink("eth1", true, 62 * S);
        assertFalse(d.advance(91 * S));
        assertTrue(d.advance(92 * S));
        assertFalse(d.held("eth1"));
    }

    @Test
    void lossesOutsideTheWindowDoNotCount() {
        FlapDamping d = new FlapDamping(SETTINGS);
        for (int i = 0; i < 10; i++) {
            d.onLink("eth1", true, i * 40 * S);
            assertFalse(d.onLink("eth1", false, i * 40 * S + S), "loss " + i);
        }
        assertFalse(d.held("eth1"));
    }

    @Test
    void offHoldsNobody() {
        FlapDamping d = new FlapDamping(FlapDamping.Settings.OFF);
        for (int i = 0; i < 10; i++) {
            d.onLink("eth1", true, 2 * i);
            assertFalse(d.onLink("eth1", false, 2 * i + 1));
        }
        assertFalse(d.held("eth1"));
    }

    @Test
    void theTeamKeepsAHeldMemberOutAndSaysWhy() {
        Team team = new Team(TeamingMode.STATIC, new TeamPolicy(AggregatorSelect.COUNT, 1, SETTINGS),
                Team.activeMembers(List.of("eth1", "eth2")), 0);
        MacAddress mac = MacAddress.parse("02:00:00:0a:00:01");
        team.onLink("eth2", true, mac, 0);
        for (int i = 0; i < 3; i++) {
            team.onLink("eth1", true, mac, i * 2 * S);
            team.onLink("eth1", false, mac, i * 2 * S + S);
        }
        team.onLink("eth1", true, mac, 10 * S);
        MemberStatus eth1 = team.state().member("eth1");
        assertEquals(FailureReason.UNSTABLE, eth1.reason());
        assertFalse(eth1.transmit());
        assertFalse(eth1.receive());
        assertEquals(FailureCode.WaitingForStableConnectivity, FailureCode.of(eth1.reason(), true));
        assertEquals(TeamHealth.DEGRADED, team.state().health());
        team.advance(39 * S);
        assertEquals(FailureReason.UNSTABLE, team.state().member("eth1").reason());
        team.advance(40 * S);
        assertEquals(FailureReason.NO_FAILURE, team.state().member("eth1").reason());
        assertEquals(TeamHealth.UP, team.state().health());
    }
}
