package io.lacpd.team.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.core.LacpListener;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;
import io.lacpd.team.AggregatorSelect;
import io.lacpd.team.Team;
import io.lacpd.team.TeamPolicy;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What status says of the LACP options: partner admin values, ... */
class StatusOptionsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(TeamStatus t) throws Exception {
        return MAPPER.readTree(StatusJson.render(List.of(t))).get("teams").get(0);
    }

    @Test
    void aPortOnItsPartnerAdminValuesSaysSo() throws Exception {
        PortInfo admin = new PortInfo(100, MacAddress.parse("02:00:00:00:00:0b"), 7, 10, 5, LacpState.of(
                StateBit.AGGREGATION, StateBit.SYNCHRONIZATION, StateBit.COLLECTING, StateBit.DISTRIBUTING));
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), LacpListener.NONE);
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        net.addPort("A", PortConfig.of("eth1", 1).withPartnerAdmin(admin));
        net.addPort("B", PortConfig.of("eth1", 1));
        Wire w = net.connect("A", "eth1", "B", "eth1");
        w.blockFrom("B", true);
        w.setUp(false);
        net.runFor(0);
        w.setUp(true);
        net.runFor(5 * SECOND);
        TeamStatus t = new TeamStatus("team0", "lacp", net.system("A").snapshot());
        assertTrue(StatusText.render(List.of(t)).contains(
                "port eth1: carrying traffic (partner: the admin values, no LACPDU heard)\n"), StatusText.render(List.of(t)));
        JsonNode port = json(t).get("ports").get(0);
        assertEquals("admin", port.get("partner_source").asText());
        assertEquals(7, port.get("partner").get("key").asInt());
        assertEquals("up", json(t).get("status").asText());
    }

    @Test
    void statusSaysWhichRuleChoseTheActiveAggregator() throws Exception {
        Team team = new Team(TeamingMode.LACP, new TeamPolicy(AggregatorSelect.STABLE, 1),
                Team.activeMembers(List.of("eth1", "eth2")), 0);
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), e -> team.onLacpEvent(e, net.now()));
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        net.addSystem("C", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0c")), LacpListener.NONE);
        net.addPort("A", PortConfig.of("eth1", 1));
        net.addPort("A", PortConfig.of("eth2", 2));
        net.addPort("B", PortConfig.of("eth1", 1));
        net.addPort("C", PortConfig.of("eth1", 1));
        net.connect("A", "eth1", "B", "eth1");
        net.runFor(5 * SECOND);
        net.connect("A", "eth2", "C", "eth1");
        net.runFor(5 * SECOND);
        TeamStatus t = new TeamStatus("team0", team.state(), net.system("A").snapshot());
        assertTrue(StatusText.render(List.of(t)).contains(
                "  aggregator select: stable, active aggregator 1 (kept: it still has members)\n"), StatusText.render(List.of(t)));
        JsonNode j = json(t);
        assertEquals("stable", j.get("aggregator_select").asText());
        assertEquals(1, j.get("active_aggregator").asInt());
        assertEquals("kept", j.get("active_reason").asText());
        assertEquals(false, j.get("active_tie").asBoolean());
    }

    @Test
    void statusSaysWhenMinLinksHoldsTheTeamDown() throws Exception {
        Team team = new Team(TeamingMode.LACP, new TeamPolicy(AggregatorSelect.COUNT, 3),
                Team.activeMembers(List.of("eth1", "eth2")), 0);
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), e -> team.onLacpEvent(e, net.now()));
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        for (int i = 1; i <= 2; i++) {
            net.addPort("A", PortConfig.of("eth" + i, i));
            net.addPort("B", PortConfig.of("eth" + i, i));
            net.connect("A", "eth" + i, "B", "eth" + i);
        }
        net.runFor(5 * SECOND);
        for (String p : List.of("eth1", "eth2")) {
            team.onLink(p, true, MacAddress.ZERO, net.now());
        }
        TeamStatus t = new TeamStatus("team0", team.state(), net.system("A").snapshot());
        String text = StatusText.render(List.of(t));
        assertTrue(text.contains("  status: down\n  min links: 3 (held down: only 2 members could carry traffic)\n"), text);
        assertTrue(text.contains("  port eth1: held down by min-links 3: only 2 members could carry traffic\n"), text);
        JsonNode j = json(t);
        assertEquals(3, j.get("min_links").asInt());
        assertTrue(j.get("held_down").asBoolean());
        assertEquals("down", j.get("status").asText());
    }
}
