package io.lacpd.interop.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.Resources;
import io.lacpd.interop.Traffic;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.lacpd.interop.ovs.Poll.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our VLAN team interface against an Open vSwitch trunk: lacpd in namespace A with --vlans 100, so tA (untagged)
 * and tA.100 (VLAN 100, tagged on the members); OVS in B with its balance-tcp LACP bond to our team (a trunk of
 * every VLAN, as OVS makes a port with no tag), br0's own port untagged with 192.0.2.2 and an internal access port
 * v100 (tag=100) with 198.51.100.2. Both namespaces answer ARP only on the interface holding the address asked for
 * (arp_ignore=1), so an address reached across VLANs could only be reached through the switch. Needs root,
 * openvswitch-switch and ping.
 */
class OvsVlanTest {

    static final String TEAM = OvsTrafficTest.TEAM;
    static final String VLAN = TEAM + ".100";
    static final String OURS = "192.0.2.1";
    static final String OVS = "192.0.2.2";
    static final String OURS_100 = "198.51.100.1";
    static final String OVS_100 = "198.51.100.2";
    static final String ACCESS_PORT = "v100";
    private static final long ANSWER = TimeUnit.SECONDS.toNanos(5);

    private final Resources open = new Resources();

    @AfterEach
    void cleanUp() throws Exception {
        open.close();
    }

    @AfterAll
    static void summary() {
        Results.writeSummary("interop: ---- OVS VLAN figures ----");
    }

    private static void address(NetnsLab lab, String side, String dev, String cidr) throws Exception {
        lab.inNs(side, "ip", "addr", "add", cidr, "dev", dev);
        lab.inNs(side, "ip", "link", "set", dev, "up");
    }

    private static void move(NetnsLab lab, String cidr, String from, String to) throws Exception {
        lab.inNs("A", "ip", "addr", "del", cidr, "dev", from);
        lab.inNs("A", "ip", "addr", "add", cidr, "dev", to);
        lab.inNs("A", "ip", "neigh", "flush", "all");
    }

    private static NetnsLab.Result ping(NetnsLab lab, String to) throws Exception {
        return lab.execInNs("A", 30, "ping", "-c", "5", "-i", "0.2", "-W", "1", to);
    }

    /** Five pings, all answered; the average round trip is recorded under {@code label}. */
    private static void reaches(NetnsLab lab, String to, String label, Supplier<String> diag) throws Exception {
        NetnsLab.Result r = ping(lab, to);
        assertEquals(0, r.exitCode(), "ping " + to + ":\n" + r.output() + "\n" + diag.get());
        assertEquals(0, Traffic.lost(r.output()), r.output());
        Results.record(label + ", avg of 5", Traffic.rttMicros(r.output())[1], "us");
    }

    private static void unreached(NetnsLab lab, String to, String why) throws Exception {
        NetnsLab.Result r = ping(lab, to);
        assertNotEquals(0, r.exitCode(), why + ":\n" + r.output());
    }

    private static JsonNode vlan(JsonNode team) {
        return team.get("vlans").size() == 1 ? team.get("vlans").get(0) : null;
    }

    @Test
    void vlan100ReachesTheAccessPortAndTheTeamInterfaceBr0AndNeitherTheOther() throws Exception {
        NetnsLab lab = open.track(new NetnsLab(OvsTrafficTest.LINKS));
        lab.inNs("A", "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", OvsInteropTest.OUR_SYSTEM, "--lacp-rate", "fast",
                "--vlans", "100");
        OvsPeer ovs = open.track(OvsPeer.start(lab.nsB, lab.dir, "B", OvsTrafficTest.USERSPACE_TSO));
        for (int i = 1; i <= OvsTrafficTest.LINKS; i++) {
            ovs.keepHostStackOff("eth" + i);
        }
        lab.inNs("B", "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        ovs.addressBridge(OVS + "/24");
        ovs.vsctl("add-port", "br0", ACCESS_PORT, "tag=100", "--", "set", "interface", ACCESS_PORT, "type=internal");
        address(lab, "B", ACCESS_PORT, OVS_100 + "/24");
        ovs.addBond(OvsPeer.Bond.of("bond0", OvsInteropTest.OVS_SYSTEM, "eth1", "eth2"));
        Supplier<String> diag = () -> {
            try {
                return "our status: " + lab.status("A") + "\n" + ovs.appctl("bond/show", "bond0")
                        + "OVS fdb: " + ovs.appctl("fdb/show", "br0") + "\n" + ovs.vsctl("show")
                        + "\nOVS log:\n" + ovs.logTail(20) + "\nour log:\n" + lab.readLog("A");
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        };
        long t0 = System.nanoTime();
        long[] t = Poll.each("both sides carry traffic on both links", t0, OvsInteropTest.CONVERGE_MS, diag,
                () -> OvsTrafficTest.oursAllCarrying(lab.status("A")), () -> OvsTrafficTest.ovsAllEnabled(ovs));
        Results.record("OVS VLAN: bond added to both sides carrying", ms(Math.max(t[0], t[1])));
        JsonNode team = lab.status("A");
        assertEquals(VLAN, vlan(team).get("name").asText(), team.toString());
        assertTrue(vlan(team).get("carrier").asBoolean(), team.toString());
        address(lab, "A", TEAM, OURS + "/24");
        address(lab, "A", VLAN, OURS_100 + "/24");

        reaches(lab, OVS, "OVS VLAN: ping RTT tA to br0 (untagged)", diag);
        reaches(lab, OVS_100, "OVS VLAN: ping RTT tA.100 to the access port v100 (VLAN 100)", diag);
        JsonNode after = vlan(lab.status("A"));
        assertTrue(after.get("tx_packets").asLong() >= 5 && after.get("rx_packets").asLong() >= 5,
                "tA.100 sent the requests and got the replies: " + after);

        // each address on the other interface: untagged frames never reach VLAN 100, nor tagged ones br0
        move(lab, OURS_100 + "/24", VLAN, TEAM);
        move(lab, OURS + "/24", TEAM, VLAN);
        unreached(lab, OVS_100, "untagged frames from tA reach no VLAN 100 port");
        unreached(lab, OVS, "VLAN 100 frames from tA.100 do not reach the untagged br0");
        move(lab, OURS_100 + "/24", TEAM, VLAN);
        move(lab, OURS + "/24", VLAN, TEAM);
        reaches(lab, OVS_100, "OVS VLAN: ping RTT tA.100 to v100, addresses back", diag);

        // VLAN 100 removed and added again at run time
        assertEquals("ok: VLAN 100 removed; its frames go to tA tagged\n",
                LacpCtl.exchange(lab.socket("A"), "vlan remove 100", ANSWER));
        assertEquals(0, lab.status("A").get("vlans").size());
        unreached(lab, OVS_100, "no VLAN 100 interface");
        reaches(lab, OVS, "OVS VLAN: ping RTT tA to br0, VLAN 100 removed", diag);
        assertEquals("ok: VLAN 100 on tA.100\n", LacpCtl.exchange(lab.socket("A"), "vlan add 100", ANSWER));
        address(lab, "A", VLAN, OURS_100 + "/24");
        reaches(lab, OVS_100, "OVS VLAN: ping RTT tA.100 to v100, VLAN 100 added at run time", diag);
    }
}
