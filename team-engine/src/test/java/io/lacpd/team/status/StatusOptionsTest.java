package io.lacpd.team.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.core.LacpListener;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;
import io.lacpd.team.AggregatorSelect;
import io.lacpd.team.Team;
import io.lacpd.team.TeamPolicy;
import io.lacpd.team.mode.TeamingMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What status says of the LACP options: partner admin values, aggregator selection, min-links, version 2 TLVs. */
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
                "port eth1: distributing (no data plane: host traffic is not teamed) (partner: the admin values, no LACPDU heard)\n"), StatusText.render(List.of(t)));
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
        assertTrue(text.contains("  min links: 3 (held down: only 2 members could carry traffic)\n"), text);
        assertTrue(text.contains("  port eth1: held down by min-links 3: only 2 members could carry traffic\n"), text);
        JsonNode j = json(t);
        assertEquals(3, j.get("min_links").asInt());
        assertTrue(j.get("held_down").asBoolean());
        assertEquals("down", j.get("status").asText());
    }

    @Test
    void aPartnersVersion2TlvsAndAMalformedOneAreShown() throws Exception {
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), LacpListener.NONE);
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        net.addPort("A", PortConfig.of("eth1", 1));
        net.addPort("B", PortConfig.of("eth1", 1));
        net.connect("A", "eth1", "B", "eth1").blockFrom("B", true);
        PortInfo partner = new PortInfo(100, MacAddress.parse("02:00:00:00:00:0b"), 7, 10, 5,
                LacpState.of(StateBit.LACP_ACTIVITY, StateBit.AGGREGATION));
        // v1 body to the Collector Information TLV (14 + 58 octets), then Port Algorithm and Conversation ID Digest
        net.inject("A", "eth1", v2Frame(partner, "04060080c205" + "0514" + "0003" + "ab".repeat(16)));
        TeamStatus t = new TeamStatus("team0", "lacp", net.system("A").snapshot());
        String text = StatusText.render(List.of(t));
        assertTrue(text.contains("    partner v2: port algorithm 00-80-C2:5 (ECMP flow hash); conversation ID digest link 3 "
                + "ab".repeat(16) + "\n    counters: "), text);
        assertTrue(text.contains("    version 2: lacpdu rx 1, malformed TLVs in 0\n"), text);
        JsonNode v2 = json(t).get("ports").get(0).get("partner").get("v2");
        assertEquals("ECMP flow hash", v2.get("port_algorithm").get("name").asText());
        assertEquals("0080c2", v2.get("port_algorithm").get("oui").asText());
        assertEquals(3, v2.get("conversation_id_digest").get("link_number_id").asInt());
        assertTrue(v2.get("conversation_mask").isNull());
        assertEquals(1, json(t).get("ports").get(0).get("counters").get("lacpdu_v2_rx").asInt());

        net.inject("A", "eth1", v2Frame(partner, "04050080c2"));
        t = new TeamStatus("team0", "lacp", net.system("A").snapshot());
        text = StatusText.render(List.of(t));
        assertTrue(text.contains("    partner v2: malformed: Port Algorithm TLV length 5 (expected: 6)\n"), text);
        assertTrue(text.contains("    last illegal: Port Algorithm TLV length 5 (expected: 6)\n"), text);
        JsonNode port = json(t).get("ports").get(0);
        assertEquals(1, port.get("counters").get("v2_tlv_illegal_rx").asInt());
        assertEquals(1, port.get("counters").get("lacpdu_illegal_rx").asInt());
        assertEquals("Port Algorithm TLV length 5 (expected: 6)", port.get("last_illegal_reason").asText());
        assertEquals("Port Algorithm TLV length 5 (expected: 6)", port.get("partner").get("v2").get("problems").get(0).asText());
        assertEquals(7, port.get("partner").get("key").asInt(), "the version 1 information is used");
    }

    /** A LACPDU from {@code partner} with these TLVs (hex) between its Collector Information TLV and the Terminator. */
    private static byte[] v2Frame(PortInfo partner, String tlvs) {
        ByteBuf out = Unpooled.buffer();
        SlowProtocolCodec.encodeLacpdu(out, partner.system(), new Lacpdu(2, partner, PortInfo.NONE, 0));
        byte[] v1 = ByteBufUtil.getBytes(out);
        byte[] extra = HexFormat.of().parseHex(tlvs);
        int at = SlowProtocolCodec.ETHERNET_HEADER_LENGTH + 58;
        byte[] frame = new byte[v1.length + extra.length];
        System.arraycopy(v1, 0, frame, 0, at);
        System.arraycopy(extra, 0, frame, at, extra.length);
        System.arraycopy(v1, at, frame, at + extra.length, v1.length - at);
        return frame;
    }

    @Test
    void aSlowPortWithAFastPartnerShowsBothRatesAndTheTimeLeft() throws Exception {
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), LacpListener.NONE);
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), LacpListener.NONE);
        net.addPort("A", PortConfig.of("eth1", 1).withTimeout(LacpTimeout.LONG));
        net.addPort("B", PortConfig.of("eth1", 1));
        net.connect("A", "eth1", "B", "eth1");
        net.runFor(10 * SECOND + SECOND / 4);
        TeamStatus a = new TeamStatus("team0", "lacp", net.system("A").snapshot(net.now()));
        String text = StatusText.render(List.of(a));
        // B last spoke at 2 s, as its mux attached (it sends every 30 s, as A asks); A sends every second
        assertTrue(text.contains("    rate: we ask for slow; we send fast because the partner asks; next LACPDU in 0.750 s;"
                + " partner information expires in 81.750 s\n"), text);
        JsonNode rate = json(a).get("ports").get(0).get("rate");
        assertEquals("slow", rate.get("we_ask").asText());
        assertEquals("fast", rate.get("we_send").asText());
        assertEquals(750, rate.get("next_lacpdu_ms").asInt());
        assertEquals(81_750, rate.get("current_while_ms").asInt());
        TeamStatus b = new TeamStatus("team1", "lacp", net.system("B").snapshot(net.now()));
        assertTrue(StatusText.render(List.of(b)).contains("    rate: we ask for fast; we send slow because the partner asks;"),
                StatusText.render(List.of(b)));
    }
}
