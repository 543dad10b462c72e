package io.lacpd.interop.ovs;

import io.lacpd.interop.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.Traffic;
import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.lacpd.interop.ovs.Poll.ms;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's traffic through our team and an Open vSwitch LACP bond: lacpd in namespace A with its team
 * interface tA (192.0.2.1), OVS in namespace B (userspace datapath, bond0 of eth1 and eth2,
 * bond_mode=balance-tcp, LACP active and fast) with 192.0.2.2 on br0's internal port, a tap device in B.
 * Needs root, openvswitch-switch, ping and iperf3.
 *
 * <p>What the peer needs here, true of any host feeding OVS's userspace datapath through veth, team or
 * not (s0 shows it without a team):
 * <ul>
 * <li>userspace-tso-enable=true. A sender's TCP frames cross a veth with their checksum left to the
 *     hardware (and as 64 KB super-frames); OVS reads its members through AF_PACKET without vnet_hdr
 *     unless userspace TSO is on, and then passes a checksum that nobody completes: every TCP segment
 *     dies at br0 and iperf3 never connects. With it, OVS reads the offload header and hands it on to
 *     br0's tap.</li>
 * <li>B's own stack kept off OVS's members ({@link OvsPeer#keepHostStackOff}): the userspace datapath
 *     leaves them in the kernel's stack, which would answer ARP for 192.0.2.2 on a member with that
 *     member's MAC.</li>
 * </ul>
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class OvsTrafficTest {

    static final String OUR_SYSTEM = OvsInteropTest.OUR_SYSTEM;
    static final String OVS_SYSTEM = OvsInteropTest.OVS_SYSTEM;
    static final String OURS = "192.0.2.1";
    static final String OVS = "192.0.2.2";
    static final String TEAM = "tA";
    static final Map<String, String> USERSPACE_TSO = Map.of("userspace-tso-enable", "true");
    static final int LINKS = 2;

    private final Resources open = new Resources();

    @AfterEach
    void cleanUp() throws Exception {
        open.close();
    }

    @AfterAll
    static void summary() {
        Results.writeSummary("interop: ---- OVS traffic figures ----");
    }

    private <T extends AutoCloseable> T track(T resource) {
        return open.track(resource);
    }

    /** OVS in B with br0 addressed and its stack kept off eth1 and eth2; no bond yet. */
    private OvsPeer switchWithHost(NetnsLab lab) throws IOException, InterruptedException {
        OvsPeer ovs = track(OvsPeer.start(lab.nsB, lab.dir, "B", USERSPACE_TSO));
        for (int i = 1; i <= LINKS; i++) {
            ovs.keepHostStackOff("eth" + i);
        }
        ovs.addressBridge(OVS + "/24");
        return ovs;
    }

    // ---- what each side says ----

    static boolean oursCarrying(JsonNode team, String member) {
        return team != null && port(team, member).get("carrying_traffic").asBoolean();
    }

    static boolean oursAllCarrying(JsonNode team) {
        if (team == null || !team.get("team_interface").get("carrier").asBoolean()) {
            return false;
        }
        for (int i = 1; i <= LINKS; i++) {
            if (!oursCarrying(team, "eth" + i)) {
                return false;
            }
        }
        return true;
    }

    static boolean ovsAllEnabled(OvsPeer ovs) throws IOException, InterruptedException {
        Map<String, OvsPeer.BondMember> bond = ovs.bond("bond0");
        return OvsInteropTest.ovsAllCarrying(ovs, "bond0", LINKS) && bond.size() == LINKS
                && bond.values().stream().allMatch(OvsPeer.BondMember::enabled);
    }

    private static Supplier<String> diag(NetnsLab lab, OvsPeer ovs) {
        return () -> {
            StringBuilder sb = new StringBuilder();
            sb.append("our status: ").append(lab.status("A")).append('\n');
            try {
                sb.append(ovs.appctl("bond/show", "bond0")).append(ovs.appctl("lacp/show", "bond0"));
            } catch (Exception e) {
                sb.append("OVS bond0: ").append(e).append('\n');
            }
            try {
                sb.append("OVS fdb: ").append(ovs.fdb()).append('\n');
                for (String side : List.of("A", "B")) {
                    sb.append("---- ").append(side).append(": ip -s link; ip neigh ----\n")
                            .append(lab.execInNs(side, 5, "ip", "-s", "link").output())
                            .append(lab.execInNs(side, 5, "ip", "neigh").output());
                }
            } catch (Exception e) {
                sb.append(e).append('\n');
            }
            sb.append("OVS log:\n").append(ovs.logTail(25)).append('\n');
            try {
                String log = lab.readLog("A");
                sb.append("our log:\n").append(log.substring(Math.max(0, log.length() - 4000)));
            } catch (IOException e) {
                sb.append("our log: ").append(e);
            }
            return sb.toString();
        };
    }

    private record Teamed(NetnsLab lab, OvsPeer ovs, Supplier<String> diag) {
    }

    /**
     * lacpd on eth1, eth2 (fast, data plane tap) against OVS's balance-tcp LACP bond, until both sides carry
     * traffic on both links; then tA gets our address.
     */
    private Teamed teamed() throws Exception {
        NetnsLab lab = track(new NetnsLab(LINKS));
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", OUR_SYSTEM, "--lacp-rate", "fast");
        OvsPeer ovs = switchWithHost(lab);
        ovs.addBond(OvsPeer.Bond.of("bond0", OVS_SYSTEM, "eth1", "eth2"));
        Supplier<String> diag = diag(lab, ovs);
        long t0 = System.nanoTime();
        long[] t = Poll.each("both sides carry traffic on both links", t0, OvsInteropTest.CONVERGE_MS, diag,
                () -> oursAllCarrying(lab.status("A")), () -> ovsAllEnabled(ovs));
        Results.record("OVS traffic: bond added to both sides carrying", ms(Math.max(t[0], t[1])));
        lab.inNs("A", "ip", "addr", "add", OURS + "/24", "dev", TEAM);
        lab.inNs("A", "ip", "link", "set", TEAM, "up");
        return new Teamed(lab, ovs, diag);
    }

    /** Five pings, all answered; their average round trip is recorded under {@code label}. */
    private static void ping(NetnsLab lab, String from, String to, String label, Supplier<String> diag)
            throws Exception {
        NetnsLab.Result r = lab.execInNs(from, 30, "ping", "-c", "5", "-i", "0.2", "-W", "2", to);
        assertEquals(0, r.exitCode(), "ping " + to + " from " + from + ":\n" + r.output() + "\n" + diag.get());
        assertEquals(0, Traffic.lost(r.output()), r.output());
        Results.record(label + ", avg of 5", Traffic.rttMicros(r.output())[1], "us");
    }

    /** A 10 ms ping stream of 2 s, all answered: its average and worst round trip are recorded under {@code label}. */
    private static void pingStream(NetnsLab lab, String from, String to, String label, Supplier<String> diag)
            throws Exception {
        NetnsLab.Result r = lab.execInNs(from, 30, "ping", "-c", "200", "-i", "0.01", "-W", "2", to);
        assertEquals(0, r.exitCode(), "ping stream " + to + " from " + from + ":\n" + r.output() + "\n" + diag.get());
        double[] rtt = Traffic.rttMicros(r.output());
        Results.record(label + ", avg", rtt[1], "us");
        Results.record(label + ", max", rtt[2], "us");
    }

    // ---- 0. the peer without a team ----

    /**
     * The plumbing alone, no lacpd: OVS's bond in active-backup without LACP, our eth2 down so OVS uses
     * eth1, and a plain address on our eth1. br0 answers ping both ways, TCP crosses both ways (the
     * figures are the reference for the team's), and each side's neighbour entry is the other's own MAC:
     * B's stack answers ARP only on br0.
     */
    @Test
    void s0_ovsBridgeAnswersAPlainAddressWithoutATeam() throws Exception {
        NetnsLab lab = track(new NetnsLab(LINKS));
        OvsPeer ovs = switchWithHost(lab);
        ovs.addStaticBond("bond0", "active-backup", "eth1", "eth2");
        lab.inNs("A", "ip", "link", "set", "eth2", "down");
        lab.inNs("A", "ip", "addr", "add", OURS + "/24", "dev", "eth1");
        Supplier<String> diag = diag(lab, ovs);
        Poll.until("OVS sends on eth1 alone", 10_000, () -> {
            Map<String, OvsPeer.BondMember> b = ovs.bond("bond0");
            return b.get("eth1").enabled() && !b.get("eth2").enabled();
        }, diag);
        ping(lab, "A", OVS, "OVS traffic, no team: ping RTT eth1 to br0", diag);
        ping(lab, "B", OURS, "OVS traffic, no team: ping RTT br0 to eth1", diag);
        pingStream(lab, "A", OVS, "OVS traffic, no team: 10 ms ping stream RTT eth1 to br0", diag);
        assertEquals(ovs.bridgeMac(), Traffic.neighbour(lab, "A", OVS, "eth1"), "A reaches br0's MAC\n" + diag.get());
        assertEquals("02:00:00:0a:00:01", Traffic.neighbour(lab, "B", OURS, "br0"));
        double out = Traffic.receivedGbits(Traffic.iperf(lab, "B", OVS, "A", "-t", "3", "-P", "4"));
        double in = Traffic.receivedGbits(Traffic.iperf(lab, "A", OURS, "B", "-t", "3", "-P", "4"));
        Results.record("OVS traffic, no team: iperf3 4 streams eth1 to br0", out, "Gbit/s");
        Results.record("OVS traffic, no team: iperf3 4 streams br0 to eth1", in, "Gbit/s");
        assertTrue(out > 0.1 && in > 0.1, "TCP crosses OVS both ways: " + out + ", " + in + " Gbit/s");
    }

    // ---- 1. ping and TCP through the team ----

    /**
     * Ping both ways, then iperf3 (4 TCP streams, 3 s) both ways, through tA and OVS's bond. B's
     * neighbour entry for our address is the team MAC on br0, and OVS learned the team MAC (and no other of
     * our MACs) on its bond; our members' counters hold at least the bytes each transfer moved.
     */
    @Test
    void s1_pingAndIperf3CrossTheTeamBothWays() throws Exception {
        Teamed t = teamed();
        NetnsLab lab = t.lab();
        ping(lab, "A", OVS, "OVS traffic: ping RTT tA to br0", t.diag());
        ping(lab, "B", OURS, "OVS traffic: ping RTT br0 to tA", t.diag());
        pingStream(lab, "A", OVS, "OVS traffic: 10 ms ping stream RTT tA to br0", t.diag());

        JsonNode team = lab.status("A");
        String teamMac = team.get("team_interface").get("mac").asText();
        assertEquals("02:00:00:0a:00:01", teamMac, "the team MAC is the first member's");
        assertEquals(TEAM, team.get("team_interface").get("name").asText());
        assertEquals(teamMac, Traffic.neighbour(lab, "B", OURS, "br0"), "OVS's host knows us by the team MAC\n"
                + t.diag().get());
        assertEquals(t.ovs().bridgeMac(), Traffic.neighbour(lab, "A", OVS, TEAM), "we know br0 by its own MAC");
        Map<String, String> fdb = t.ovs().fdb();
        assertTrue(fdb.containsKey(teamMac) && !fdb.get(teamMac).equals("LOCAL"),
                "OVS learned the team MAC on its bond: " + fdb);
        assertFalse(fdb.containsKey("02:00:00:0a:00:02"), "OVS never saw eth2's own MAC as a source: " + fdb);

        JsonNode before = lab.status("A");
        JsonNode out = Traffic.iperf(lab, "B", OVS, "A", "-t", "3", "-P", "4");
        JsonNode middle = lab.status("A");
        JsonNode in = Traffic.iperf(lab, "A", OURS, "B", "-t", "3", "-P", "4");
        JsonNode after = lab.status("A");
        Results.record("OVS traffic: iperf3 4 streams tA to br0", Traffic.receivedGbits(out), "Gbit/s");
        Results.record("OVS traffic: iperf3 4 streams br0 to tA", Traffic.receivedGbits(in), "Gbit/s");
        long sent = 0;
        long got = 0;
        for (int i = 1; i <= LINKS; i++) {
            String m = "eth" + i;
            long tx = traffic(middle, m, "tx_bytes") - traffic(before, m, "tx_bytes");
            long rx = traffic(after, m, "rx_bytes") - traffic(middle, m, "rx_bytes");
            Results.note(String.format("OVS traffic: %s carried %.1f MB out, %.1f MB in", m, tx / 1e6, rx / 1e6));
            sent += tx;
            got += rx;
        }
        assertTrue(sent >= Traffic.receivedBytes(out), "our members sent " + sent + " bytes of a transfer of "
                + Traffic.receivedBytes(out) + ": " + after);
        assertTrue(got >= Traffic.receivedBytes(in), "our members received " + got + " bytes of a transfer of "
                + Traffic.receivedBytes(in) + ": " + after);
        assertTrue(Traffic.receivedGbits(out) > 0.1 && Traffic.receivedGbits(in) > 0.1, "data moved both ways");
    }

    private static long traffic(JsonNode team, String member, String counter) {
        return port(team, member).get("traffic").get(counter).asLong();
    }

    // ---- 2. failover ----

    /** One way of pulling a member: which end of its veth goes down. */
    private record Pull(String member, String side, String label) {
    }

    /**
     * A 10 ms ping stream from tA to br0 while one member is pulled, each member in turn at each end of its
     * veth: B's end down (we lose carrier, OVS's member is down), then A's end down (OVS loses carrier). At
     * most 3 pings lost each time; both sides drop the member, then take it back when it returns.
     */
    @Test
    void s2_aMemberPulledDuringATenMillisecondPingStreamCostsAtMostThreePings() throws Exception {
        Teamed t = teamed();
        NetnsLab lab = t.lab();
        List<Pull> pulls = List.of(new Pull("eth1", "B", "OVS's end"), new Pull("eth2", "B", "OVS's end"),
                new Pull("eth1", "A", "our end"), new Pull("eth2", "A", "our end"));
        List<String> failures = new ArrayList<>();
        for (Pull pull : pulls) {
            Process stream = lab.startInNs("A", "ping", "-i", "0.01", "-c", "400", "-W", "1", OVS);
            Thread.sleep(1500); // a second and a half of stream before the pull
            long t0 = System.nanoTime();
            lab.inNs(pull.side(), "ip", "link", "set", pull.member(), "down");
            long[] gone = Poll.each(pull.member() + " out on both sides", t0, 3_000, t.diag(),
                    () -> !oursCarrying(lab.status("A"), pull.member()),
                    () -> !t.ovs().bond("bond0").get(pull.member()).enabled());
            String output = new String(stream.getInputStream().readAllBytes());
            assertTrue(stream.waitFor(20, TimeUnit.SECONDS), "the ping stream ends");
            long lost = Traffic.lost(output);
            String name = pull.member() + " pulled (" + pull.label() + ")";
            Results.record("OVS traffic: pings lost, " + name, lost, "pings");
            Results.record("OVS traffic: " + name + ", lacpd off it", ms(gone[0]));
            Results.record("OVS traffic: " + name + ", OVS off it", ms(gone[1]));
            if (lost > 3) {
                failures.add(name + ": " + lost + " of 400 pings lost\n" + output.lines()
                        .filter(l -> !l.contains("bytes from")).reduce("", (a, b) -> a + b + "\n"));
            }
            assertNotEquals(0, Traffic.received(output), name + ": the stream got through\n" + output);
            lab.inNs(pull.side(), "ip", "link", "set", pull.member(), "up");
            Poll.each(pull.member() + " back on both sides", System.nanoTime(), 15_000, t.diag(),
                    () -> oursAllCarrying(lab.status("A")), () -> ovsAllEnabled(t.ovs()));
        }
        assertEquals(List.of(), failures, "at most 3 pings lost per pull\n" + t.diag().get());
    }
}
