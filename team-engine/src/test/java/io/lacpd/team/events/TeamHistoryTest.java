package io.lacpd.team.events;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.team.Team;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TeamHistoryTest {

    private static final long T = 1_796_094_720_000L;
    private static final MacAddress MAC = MacAddress.parse("02:00:00:0a:00:01");

    private final EventLog log = new EventLog();
    private final TeamHistory history = new TeamHistory(log);
    private final Team team = new Team(TeamingMode.STATIC, Team.activeMembers(List.of("eth1", "eth2")), 0);

    private void link(String name, boolean exists, boolean up, long at) {
        team.onLink(name, exists && up, MAC, at);
        history.onLink(name, exists, up, at);
        history.observe(team.state(), at);
    }

    private List<String> texts() {
        return log.events().stream().map(TeamEvent::text).toList();
    }

    @Test
    void countsFlapsAndRecordsEachChangeWithItsTime() {
        history.observe(team.state(), T);
        link("eth1", true, true, T + 100);
        link("eth2", true, true, T + 200);
        link("eth1", true, false, T + 5000);
        link("eth1", true, true, T + 6000);
        link("eth1", false, false, T + 9000);
        assertEquals(List.of(
                "eth1: Failed (PhysicalMediaDisconnected)",
                "eth2: Failed (PhysicalMediaDisconnected)",
                "team: down",
                "eth1: link up",
                "eth1: Active, was Failed (PhysicalMediaDisconnected)",
                "team: degraded",
                "eth2: link up",
                "eth2: Active, was Failed (PhysicalMediaDisconnected)",
                "team: up",
                "eth1: link down (flap 1)",
                "eth1: Failed (PhysicalMediaDisconnected), was Active",
                "team: degraded",
                "eth1: link up",
                "eth1: Active, was Failed (PhysicalMediaDisconnected)",
                "team: up",
                "eth1: interface gone",
                "eth1: link down (flap 2)",
                "eth1: Failed (NicNotPresent), was Active",
                "team: degraded"), texts());
        assertEquals(new MemberHistory(false, 2, 0, T + 9000), history.members().get("eth1"));
        assertEquals(new MemberHistory(true, 0, 0, T + 200), history.members().get("eth2"));
    }

    @Test
    void aLinkDownBeforeItWasEverUpIsNoFlap() {
        link("eth1", true, false, T);
        link("eth1", true, false, T + 1);
        assertEquals(0, history.members().get("eth1").linkFlaps());
        assertEquals(List.of("eth1: link down", "eth1: Failed (PhysicalMediaDisconnected)",
                "eth2: Failed (PhysicalMediaDisconnected)", "team: down"), texts());
    }

    @Test
    void countsPartnerChangesAndWordsLacpEventsAsTheLogDoes() {
        PortInfo partner = new PortInfo(32768, MacAddress.parse("02:00:00:00:00:0b"), 1, 32768, 1, LacpState.NONE);
        history.onLacpEvent(new LacpEvent.PartnerChanged("eth1", PortInfo.NONE, partner), T);
        history.onLacpEvent(new LacpEvent.DistributingChanged("eth1", true), T + 1);
        assertEquals(1, history.members().get("eth1").partnerChanges());
        assertEquals(List.of("eth1: partner changed to system 32768,02:00:00:00:00:0b key 1 port 32768,1",
                "eth1: distributing"), texts());
    }
}
