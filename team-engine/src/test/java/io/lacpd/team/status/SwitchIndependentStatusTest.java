package io.lacpd.team.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.core.LacpListener;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.team.Team;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.DataPlane;
import io.lacpd.team.member.MemberConfig;
import io.lacpd.team.member.MemberRole;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A switch-independent team's status names its primary and the frames its MAC rules dropped. */
class SwitchIndependentStatusTest {

    private static TeamStatus status(boolean eth1Up) {
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), LacpListener.NONE);
        net.addPort("A", PortConfig.of("eth1", 1));
        net.addPort("A", PortConfig.of("eth2", 2));
        Team team = new Team(TeamingMode.SWITCH_INDEPENDENT, List.of(new MemberConfig(0, "eth1", MemberRole.ACTIVE),
                new MemberConfig(1, "eth2", MemberRole.STANDBY)), 0);
        team.onLink("eth1", eth1Up, MacAddress.parse("02:00:00:0a:00:01"), 0);
        team.onLink("eth2", true, MacAddress.parse("02:00:00:0a:00:02"), 0);
        DataPathCounters counters = new DataPathCounters(10, 1000, 20, 2000, 0, 0, 0, 0, 0, 4, 3, List.of(
                new DataPathCounters.Member(0, "eth1", 10, 1000, 20, 2000, 0, 0, 0, 0, 0, 1, 0),
                new DataPathCounters.Member(1, "eth2", 0, 0, 0, 0, 0, 0, 0, 0, 4, 2, 0)));
        DataPlaneStatus plane = new DataPlaneStatus(DataPlane.TAP, LoadBalancingAlgorithm.TRANSPORT_PORTS,
                new DataPlaneStatus.TeamInterface("team0", MacAddress.parse("02:00:00:0a:00:01"), true, 1500, 0),
                counters);
        return new TeamStatus("team0", team.state(), net.system("A").snapshot(0), plane);
    }

    @Test
    void textAndJsonNameThePrimaryAndTheDropsOfTheMacRules() throws Exception {
        String text = StatusText.render(List.of(status(true)));
        assertTrue(text.contains("\n  primary: eth1\n"), text);
        assertTrue(text.contains("malformed 0, not primary 4, own source 3\n"), text);
        assertTrue(text.contains("port eth2: standby: an active member has link"), text);
        assertTrue(text.contains("malformed 0, not primary 4, own source 2\n"), text);
        JsonNode team = new ObjectMapper().readTree(StatusJson.render(List.of(status(true)))).get("teams").get(0);
        assertEquals("eth1", team.get("primary").asText());
        assertEquals(3, team.get("traffic").get("dropped").get("own_source").asLong());
        assertEquals(4, team.get("ports").get(1).get("traffic").get("dropped").get("not_primary").asLong());

        JsonNode failedOver = new ObjectMapper().readTree(StatusJson.render(List.of(status(false)))).get("teams").get(0);
        assertEquals("eth2", failedOver.get("primary").asText(), "the Standby member took over");
    }
}
