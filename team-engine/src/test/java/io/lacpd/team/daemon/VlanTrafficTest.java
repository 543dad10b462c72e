package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lacpd.team.NetnsLab.allDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VLAN team interfaces between two teams: lacpd against lacpd in two network namespaces over two veth pairs, both
 * with {@code --vlans 100}, so the members carry VLAN 100 tagged beside untagged traffic. Each namespace answers ARP
 * only on the interface holding the address asked for (arp_ignore=1), so an address on the wrong side of a VLAN
 * is not reached through the host's weak-host model. Needs root, ping and iperf3.
 */
class VlanTrafficTest {

    private static final String UNTAGGED_A = "192.0.2.1";
    private static final String UNTAGGED_B = "192.0.2.2";
    private static final String VLAN100_A = "198.51.100.1";
    private static final String VLAN100_B = "198.51.100.2";
    private static final String VLAN200_A = "203.0.113.1";
    private static final String VLAN200_B = "203.0.113.2";
    private static final long ANSWER = TimeUnit.SECONDS.toNanos(5);

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private void address(String side, String dev, String address) throws IOException, InterruptedException {
        lab.inNs(side, "sysctl", "-q", "-w", "net.ipv4.conf." + dev.replace('.', '/') + ".arp_ignore=1");
        lab.inNs(side, "ip", "addr", "add", address + "/24", "dev", dev);
        lab.inNs(side, "ip", "link", "set", dev, "up");
    }

    private boolean pings(String from, String to) throws IOException, InterruptedException {
        NetnsLab.Result r = lab.execInNs(from, 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", to);
        return r.exitCode() == 0;
    }

    private String request(String side, String line) throws IOException {
        return LacpCtl.exchange(lab.socket(side), line, ANSWER);
    }

    private static JsonNode vlan(JsonNode team, int vid) {
        for (JsonNode v : team.get("vlans")) {
            if (v.get("vid").asInt() == vid) {
                return v;
            }
        }
        return null;
    }

    @Test
    void vlan100AndUntaggedTrafficCrossTheTeamApartAndAVlanAddedAtRunTimeComesAndGoes() throws Exception {
        lab = new NetnsLab(2);
        lab.inNs("A", "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        lab.inNs("B", "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a", "--vlans", "100");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b", "--vlans", "100");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        lab.await("A", team -> team.get("team_interface").get("carrier").asBoolean(), 3_000);
        JsonNode a = lab.status("A");
        assertEquals("tA.100", vlan(a, 100).get("name").asText(), a.toString());
        assertTrue(vlan(a, 100).get("carrier").asBoolean(), "the VLAN interface has the team's carrier: " + a);
        String link = lab.execInNs("A", 5, "ip", "-br", "link", "show", "tA.100").output();
        assertTrue(link.contains(a.get("team_interface").get("mac").asText()), "the team's MAC: " + link);

        address("A", "tA", UNTAGGED_A);
        address("B", "tB", UNTAGGED_B);
        address("A", "tA.100", VLAN100_A);
        address("B", "tB.100", VLAN100_B);
        assertTrue(pings("A", UNTAGGED_B), "untagged");
        assertTrue(pings("A", VLAN100_B), "VLAN 100");
        JsonNode b = lab.status("B");
        assertTrue(vlan(b, 100).get("rx_packets").asLong() >= 3, "B's tB.100 got A's echo requests: " + b);
        assertTrue(vlan(b, 100).get("tx_packets").asLong() >= 3, "and sent the replies: " + b);

        // A's VLAN 100 address moved to the untagged interface: its frames reach tB, not tB.100
        lab.inNs("A", "ip", "addr", "del", VLAN100_A + "/24", "dev", "tA.100");
        lab.inNs("A", "ip", "addr", "add", VLAN100_A + "/24", "dev", "tA");
        assertTrue(!pings("A", VLAN100_B), "untagged frames do not reach VLAN 100");
        lab.inNs("A", "ip", "addr", "del", VLAN100_A + "/24", "dev", "tA");
        lab.inNs("A", "ip", "addr", "add", VLAN100_A + "/24", "dev", "tA.100");
        assertTrue(pings("A", VLAN100_B), "VLAN 100 again");

        // VLAN 200 at run time
        assertEquals("error: VLAN 100 has an interface already: tA.100\n", request("A", "vlan add 100"));
        assertEquals("error: vlan add: bad VLAN ID '4095' (expected: 1..4094)\n", request("A", "vlan add 4095"));
        assertEquals("error: VLAN 300 has no interface\n", request("A", "vlan remove 300"));
        assertEquals("ok: VLAN 200 on tA.200\n", request("A", "vlan add 200"));
        assertEquals("ok: VLAN 200 on tB.200\n", request("B", "vlan add 200"));
        address("A", "tA.200", VLAN200_A);
        address("B", "tB.200", VLAN200_B);
        assertTrue(pings("A", VLAN200_B), "VLAN 200, added at run time");
        assertTrue(pings("A", VLAN100_B), "VLAN 100 still");
        assertTrue(lab.execInNs("A", 5, "ip", "link", "show", "tA.200").exitCode() == 0);

        assertEquals("ok: VLAN 200 removed; its frames go to tB tagged\n", request("B", "vlan remove 200"));
        assertNotEquals(0, lab.execInNs("B", 5, "ip", "link", "show", "tB.200").exitCode(), "tB.200 is gone");
        assertTrue(!pings("A", VLAN200_B), "nothing answers on VLAN 200 in B");
        assertTrue(lab.status("B").get("vlans").size() == 1, lab.status("B").toString());
        assertTrue(pings("A", UNTAGGED_B), "untagged still");
        assertTrue(pings("A", VLAN100_B), "VLAN 100 still");
        assertTrue(lab.readLog("A").contains("VLAN interface tA.200 added (VLAN 200)"), lab.readLog("A"));
    }

    /**
     * TCP over VLAN 100: the host hands tA.100 64 KB super-frames with partial checksums; tagged whole (csum_start
     * and hdr_len moved by the tag), they cross the veth pairs and reach tB.100 intact, spread over both members.
     */
    @Test
    void tcpSuperFramesCrossVlan100TaggedAndSpreadOverBothMembers() throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a", "--vlans", "100");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b", "--vlans", "100");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        address("A", "tA.100", VLAN100_A);
        address("B", "tB.100", VLAN100_B);
        JsonNode before = lab.status("A");
        Process server = lab.startInNs("B", "iperf3", "-s", "-1", "-B", VLAN100_B);
        JsonNode iperf;
        try {
            Thread.sleep(300);
            NetnsLab.Result r = lab.execInNs("A", 60, "iperf3", "-J", "-c", VLAN100_B, "-P", "8", "-t", "3");
            assertEquals(0, r.exitCode(), r.output());
            iperf = new ObjectMapper().readTree(r.output());
        } finally {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        double gbits = iperf.get("end").get("sum_received").get("bits_per_second").asDouble() / 1e9;
        System.out.printf("8 TCP streams over VLAN 100 through the team: %.2f Gbit/s%n", gbits);
        assertTrue(gbits > 0.1, "the transfer moved data: " + gbits + " Gbit/s");
        JsonNode after = lab.status("A");
        for (String member : List.of("eth1", "eth2")) {
            long sent = NetnsLab.port(after, member).get("traffic").get("tx_packets").asLong()
                    - NetnsLab.port(before, member).get("traffic").get("tx_packets").asLong();
            assertTrue(sent > 100, member + " carried part of the 8 tagged flows: " + sent + " packets");
        }
        long vlanBytes = vlan(after, 100).get("tx_bytes").asLong();
        assertTrue(vlanBytes > 1e7, "tA.100 sent the transfer: " + vlan(after, 100));
        assertEquals(0, after.get("traffic").get("dropped").get("malformed").asLong(), after.get("traffic").toString());
        assertEquals(0, lab.status("B").get("traffic").get("dropped").get("malformed").asLong());
    }
}
