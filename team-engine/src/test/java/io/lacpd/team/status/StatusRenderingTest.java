package io.lacpd.team.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lacpd.core.LacpListener;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON status holds the fields of the contract in docs/status.md, and the text shows the same facts. */
class StatusRenderingTest {

    private static VirtualNetwork converged() {
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), LacpListener.NONE);
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        for (int i = 1; i <= 2; i++) {
            net.addPort("A", PortConfig.of("eth" + i, i));
            net.addPort("B", PortConfig.of("eth" + i, i));
        }
        net.connect("A", "eth1", "B", "eth1");
        net.connect("A", "eth2", "B", "eth2");
        net.runFor(TimeUnit.SECONDS.toNanos(5));
        return net;
    }

    @Test
    void jsonCarriesEveryContractFieldWithPartnerEqualToTheOtherSidesActor() throws Exception {
        VirtualNetwork net = converged();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode a = mapper.readTree(StatusJson.render(List.of(new TeamStatus("team0", "lacp", net.system("A").snapshot()))));
        JsonNode b = mapper.readTree(StatusJson.render(List.of(new TeamStatus("team1", "lacp", net.system("B").snapshot()))));
        JsonNode team = a.get("teams").get(0);
        assertEquals("team0", team.get("name").asText());
        assertEquals("lacp", team.get("mode").asText());
        assertEquals("up", team.get("status").asText());
        assertEquals(32768, team.get("system").get("priority").asInt());
        assertEquals("02:00:00:00:00:0a", team.get("system").get("mac").asText());
        JsonNode agg = team.get("aggregators").get(0);
        for (String f : List.of("id", "key", "partner_system", "partner_key", "ports", "active")) {
            assertTrue(agg.has(f), f);
        }
        assertEquals("02:00:00:00:00:0b", agg.get("partner_system").asText());
        assertTrue(agg.get("active").asBoolean());
        JsonNode port = team.get("ports").get(0);
        for (String f : List.of("name", "link", "selected", "receive_state", "mux_state", "actor", "partner", "churn",
                "counters", "failure_reason")) {
            assertTrue(port.has(f), f);
        }
        assertEquals("CURRENT", port.get("receive_state").asText());
        assertEquals("COLLECTING_DISTRIBUTING", port.get("mux_state").asText());
        assertTrue(port.get("failure_reason").isNull());
        JsonNode state = port.get("actor").get("state");
        assertEquals("active", state.get("activity").asText());
        assertEquals("short", state.get("timeout").asText());
        for (String f : List.of("aggregation", "synchronization", "collecting", "distributing")) {
            assertTrue(state.get(f).asBoolean(), f);
        }
        for (String f : List.of("lacpdu_rx", "lacpdu_tx", "lacpdu_illegal_rx", "lacpdu_unknown_rx", "lacpdu_rx_dropped", "marker_rx", "marker_resp_tx")) {
            assertTrue(port.get("counters").has(f), f);
        }
        for (String f : List.of("actor", "partner", "actor_count", "partner_count")) {
            assertTrue(port.get("churn").has(f), f);
        }
        for (int i = 0; i < 2; i++) {
            JsonNode pa = a.get("teams").get(0).get("ports").get(i);
            JsonNode pb = b.get("teams").get(0).get("ports").get(i);
            assertEquals(pa.get("actor"), withoutV2(pb.get("partner")));
            assertEquals(pb.get("actor"), withoutV2(pa.get("partner")));
            assertTrue(pa.get("partner").get("v2").isNull(), "a version 1 partner has no v2 TLVs");
        }
    }

    /** The partner's information without its version 2 TLVs, which only the partner side carries. */
    private static JsonNode withoutV2(JsonNode partner) {
        ObjectNode copy = partner.deepCopy();
        copy.remove("v2");
        return copy;
    }

    @Test
    void textShowsStatusAggregatorsAndEachPort() {
        VirtualNetwork net = converged();
        net.wireAt("A", "eth2").setUp(false);
        String text = StatusText.render(List.of(new TeamStatus("team0", "lacp", net.system("A").snapshot())));
        assertTrue(text.startsWith("---- team0 ----\n  mode: lacp\n  status: degraded\n  system: 32768,02:00:00:00:00:0a\n"), text);
        assertTrue(text.contains("  aggregator 1 (active)\n    key: 1\n    partner: 32768,02:00:00:00:00:0b key 1\n"
                + "    ports: eth1 eth2\n    distributing: eth1\n"), text);
        assertTrue(text.contains("  data plane: none (host traffic is not teamed)\n"), text);
        assertTrue(text.contains("  port eth1: distributing (no data plane: host traffic is not teamed)\n"
                + "    link: up 10000 Mb/s full duplex\n"), text);
        assertTrue(text.contains("  port eth2: link down\n"), text);
        assertTrue(text.contains("    actor:   system 32768,02:00:00:00:00:0a key 1 port 32768,1 state **DCSGSA "
                + "[active, short timeout, aggregation, synchronization, collecting, distributing]\n"), text);
    }
}
