package io.lacpd.interop.ovs;

import io.lacpd.interop.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.Traffic;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.lacpd.interop.ovs.Poll.ms;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lacpd's team options against Open vSwitch's LACP bonds, wired as in {@link OvsInteropTest} (lacpd in
 * namespace A, OVS's userspace datapath in B, veth pairs eth1..ethN): {@code --min-links} with the host's
 * traffic through tA and OVS's br0 as in {@link OvsTrafficTest}, and {@code --aggregator-select} with two
 * OVS bonds of different keys, so that our members land in two aggregators. Needs root,
 * openvswitch-switch and ping.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class OvsOptionsTest {

    static final String OUR_SYSTEM = OvsInteropTest.OUR_SYSTEM;
    static final String OVS_SYSTEM = OvsInteropTest.OVS_SYSTEM;
    static final String OURS = OvsTrafficTest.OURS;
    static final String OVS = OvsTrafficTest.OVS;
    static final String TEAM = OvsTrafficTest.TEAM;

    private final Resources open = new Resources();

    @AfterEach
    void cleanUp() throws Exception {
        open.close();
    }

    @AfterAll
    static void summary() {
        Results.writeSummary("interop: ---- OVS option figures ----");
    }

    private <T extends AutoCloseable> T track(T resource) {
        return open.track(resource);
    }

    /** Our lacpd in namespace A on these ports, active and fast; returns once it answers on its socket. */
    private static void startOurs(NetnsLab lab, String ports, String... more) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--ports", ports, "--system-mac", OUR_SYSTEM, "--lacp-rate", "fast"));
        flags.addAll(List.of(more));
        lab.startDaemon("A", flags.toArray(String[]::new));
        Poll.until("our lacpd answering", 30_000, () -> lab.status("A") != null, diag(lab, null));
    }

    private static Supplier<String> diag(NetnsLab lab, OvsPeer ovs, String... bonds) {
        return () -> {
            StringBuilder sb = new StringBuilder();
            sb.append("our status: ").append(lab.status("A")).append('\n');
            try {
                sb.append("A: ip neigh: ").append(lab.execInNs("A", 5, "ip", "neigh").output()).append('\n');
            } catch (Exception e) {
                sb.append("A: ip neigh: ").append(e).append('\n');
            }
            for (String b : bonds) {
                try {
                    sb.append(ovs.appctl("lacp/show", b)).append(ovs.appctl("bond/show", b));
                } catch (Exception e) {
                    sb.append("OVS ").append(b).append(": ").append(e).append('\n');
                }
            }
            if (ovs != null) {
                sb.append("OVS log:\n").append(ovs.logTail(25)).append('\n');
            }
            try {
                String log = lab.readLog("A");
                sb.append("our log:\n").append(log.substring(Math.max(0, log.length() - 4000)));
            } catch (IOException e) {
                sb.append("our log: ").append(e);
            }
            return sb.toString();
        };
    }

    /** The kernel's word on the team interface's carrier: /sys/class/net/tA/carrier in A, "1" or "0". */
    private static String kernelCarrier(NetnsLab lab) throws IOException, InterruptedException {
        return lab.execInNs("A", 5, "cat", "/sys/class/net/" + TEAM + "/carrier").output().strip();
    }

    /** Three pings from tA to br0: their exit code and output. */
    private static NetnsLab.Result ping(NetnsLab lab) throws IOException, InterruptedException {
        return lab.execInNs("A", 30, "ping", "-c", "3", "-i", "0.2", "-W", "1", OVS);
    }

    private static void pingWorks(NetnsLab lab, String label, Supplier<String> diag) throws Exception {
        NetnsLab.Result r = ping(lab);
        assertEquals(0, r.exitCode(), label + ": ping tA to br0\n" + r.output() + "\n" + diag.get());
        assertEquals(0, Traffic.lost(r.output()), r.output());
    }

    // ---- 1. min-links ----

    /**
     * {@code --min-links 2} on eth1 and eth2 against OVS's balance-tcp bond with br0 addressed. OVS's end of
     * eth2 pulled: the team is held down (status down, held_down, eth1 "held down by min-links 2"), tA
     * loses its carrier in the kernel and ping fails. Plugged back: the team comes up, carrier returns and
     * ping works.
     */
    @Test
    void s1_minLinksTwoTakesTheTeamDownWhenOneOfTwoLinksIsPulled() throws Exception {
        NetnsLab lab = track(new NetnsLab(2));
        startOurs(lab, "eth1,eth2", "--min-links", "2");
        OvsPeer ovs = track(OvsPeer.start(lab.nsB, lab.dir, "B", OvsTrafficTest.USERSPACE_TSO));
        ovs.keepHostStackOff("eth1");
        ovs.keepHostStackOff("eth2");
        ovs.addressBridge(OVS + "/24");
        ovs.addBond(OvsPeer.Bond.of("bond0", OVS_SYSTEM, "eth1", "eth2"));
        Supplier<String> diag = diag(lab, ovs, "bond0");
        Poll.each("both sides carry traffic on both links", System.nanoTime(), OvsInteropTest.CONVERGE_MS, diag,
                () -> OvsTrafficTest.oursAllCarrying(lab.status("A")), () -> OvsTrafficTest.ovsAllEnabled(ovs));
        lab.inNs("A", "ip", "addr", "add", OURS + "/24", "dev", TEAM);
        lab.inNs("A", "ip", "link", "set", TEAM, "up");
        JsonNode team = lab.status("A");
        assertEquals(2, team.get("min_links").asInt());
        assertEquals(false, team.get("held_down").asBoolean(), team.toString());
        Poll.until("tA's carrier up in the kernel", 5_000, () -> kernelCarrier(lab).equals("1"), diag);
        pingWorks(lab, "both links", diag);

        long t0 = System.nanoTime();
        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        long down = Poll.until("the team held down by min-links", t0, 5_000, () -> {
            JsonNode t = lab.status("A");
            return t.get("held_down").asBoolean() && t.get("status").asText().equals("down")
                    && !t.get("team_interface").get("carrier").asBoolean() && kernelCarrier(lab).equals("0");
        }, diag);
        Results.record("OVS min-links 2: eth2 pulled to team held down, tA carrier 0", ms(down));
        team = lab.status("A");
        assertTrue(port(team, "eth1").get("failure_reason").asText().startsWith("held down by min-links 2"),
                port(team, "eth1").toString());
        assertEquals(false, port(team, "eth1").get("carrying_traffic").asBoolean());
        NetnsLab.Result r = ping(lab);
        assertNotEquals(0, r.exitCode(), "ping through a held-down team fails:\n" + r.output() + "\n" + diag.get());
        assertEquals(0, Traffic.received(r.output()), r.output());
        // Those pings left the kernel's ARP entry for br0 INCOMPLETE with its probes spent: pings sent in the
        // second after the team comes back would queue behind it and be dropped when it fails. That is the
        // host's neighbour cache, not the team; start the next pings from a clean one.
        lab.inNs("A", "ip", "neigh", "flush", "dev", TEAM);
        String text = LacpCtl.run(List.of("--socket", lab.socket("A").toString(), "status"));
        assertTrue(text.contains("min links: 2 (held down: only 1 member could carry traffic)"), text);

        // The standard keeps a disabled port Selected while its partner record stands (802.1AX-2014 6.4.12,
        // PORT_DISABLED clears only the partner's Synchronization): back with the same partner, it rejoins at
        // once, with no Aggregate_Wait_Time.
        t0 = System.nanoTime();
        lab.inNs("B", "ip", "link", "set", "eth2", "up");
        long[] up = Poll.each("both links back, the team up", t0, 15_000, diag,
                () -> OvsTrafficTest.oursAllCarrying(lab.status("A")) && kernelCarrier(lab).equals("1"),
                () -> OvsTrafficTest.ovsAllEnabled(ovs));
        Results.record("OVS min-links 2: eth2 plugged back to team up, tA carrier 1", ms(up[0]));
        Results.record("OVS min-links 2: eth2 plugged back to OVS using both", ms(up[1]));
        team = lab.status("A");
        assertEquals("up", team.get("status").asText());
        assertEquals(false, team.get("held_down").asBoolean(), team.toString());
        pingWorks(lab, "eth2 back", diag);
    }

    // ---- 2. aggregator-select ----

    /**
     * Three links to one OVS system: eth1 in bond0 (key 7, its second member a veth in B with nobody behind
     * it, as in {@link OvsInteropTest} scenario 5), eth2 and eth3 in bond1 (key 8). eth1 alone first, then
     * eth2, then eth3: once eth2 and eth3 distribute, {@code count} moves the team to their aggregator (two
     * members against one), {@code stable} keeps eth1's while eth1 distributes, and leaves it only when
     * eth1 is pulled. Status names the rule and its reason.
     */
    @Test
    void s2_aggregatorSelectCountMovesToTheBiggerAggregatorAndStableKeepsTheActiveOne() throws Exception {
        for (String rule : List.of("count", "stable")) {
            NetnsLab lab = track(new NetnsLab(3));
            lab.inNs("B", "ip", "link", "add", "xd0", "type", "veth", "peer", "name", "xd1");
            lab.inNs("B", "ip", "link", "set", "xd0", "up");
            lab.inNs("B", "ip", "link", "set", "xd1", "up");
            lab.inNs("A", "ip", "link", "set", "eth2", "down");
            lab.inNs("A", "ip", "link", "set", "eth3", "down");
            startOurs(lab, "eth1,eth2,eth3", "--aggregator-select", rule);
            OvsPeer ovs = track(OvsPeer.start(lab.nsB, lab.dir, "B"));
            ovs.addBond(OvsPeer.Bond.of("bond0", OVS_SYSTEM, "eth1", "xd0"));
            ovs.addBond(OvsPeer.Bond.of("bond1", OVS_SYSTEM, "eth2", "eth3").withKey(8).withFirstPortId(13));
            Supplier<String> diag = diag(lab, ovs, "bond0", "bond1");
            Poll.until(rule + ": eth1 carries", OvsInteropTest.CONVERGE_MS,
                    () -> carrying(lab.status("A"), "eth1"), diag);
            int first = port(lab.status("A"), "eth1").get("aggregator").asInt();

            lab.inNs("A", "ip", "link", "set", "eth2", "up");
            Poll.until(rule + ": eth2 distributes in bond1's aggregator", 15_000,
                    () -> NetnsLab.distributing(port(lab.status("A"), "eth2")), diag);
            JsonNode team = lab.status("A");
            int second = port(team, "eth2").get("aggregator").asInt();
            assertNotEquals(first, second, "eth2 is in another aggregator: " + team);
            assertEquals(first, team.get("active_aggregator").asInt(), rule + ", one member each: eth1's stays, " + team);

            long t0 = System.nanoTime();
            lab.inNs("A", "ip", "link", "set", "eth3", "up");
            Poll.until(rule + ": eth3 distributes beside eth2", 15_000, () -> {
                JsonNode t = lab.status("A");
                return NetnsLab.distributing(port(t, "eth3")) && port(t, "eth3").get("aggregator").asInt() == second;
            }, diag);
            if (rule.equals("count")) {
                long moved = Poll.until("count: the team moves to eth2 and eth3's aggregator", t0, 5_000, () -> {
                    JsonNode t = lab.status("A");
                    return t.get("active_aggregator").asInt() == second && carrying(t, "eth2") && carrying(t, "eth3")
                            && !carrying(t, "eth1");
                }, diag);
                Results.record("OVS aggregator-select count: eth3 up to the two-member aggregator carrying", ms(moved));
                team = lab.status("A");
                assertEquals("most_members", team.get("active_reason").asText(), team.toString());
                assertTrue(port(team, "eth1").get("failure_reason").asText().startsWith("in aggregator"), team.toString());
                assertChoice(lab, "aggregator select: count, active aggregator " + second + " (most members)");
            } else {
                // A move would come on the same run of the engine that put eth3 in Distributing; a second is ample.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() - end < 0) {
                    team = lab.status("A");
                    assertEquals(first, team.get("active_aggregator").asInt(), "stable keeps eth1's: " + team);
                    assertTrue(carrying(team, "eth1") && !carrying(team, "eth2") && !carrying(team, "eth3"), team.toString());
                    Thread.sleep(100);
                }
                assertEquals("kept", team.get("active_reason").asText(), team.toString());
                assertChoice(lab, "aggregator select: stable, active aggregator " + first + " (kept: it still has members)");
                t0 = System.nanoTime();
                lab.inNs("A", "ip", "link", "set", "eth1", "down");
                long moved = Poll.until("stable: eth1 pulled, the team moves to eth2 and eth3's", t0, 5_000, () -> {
                    JsonNode t = lab.status("A");
                    return t.get("active_aggregator").asInt() == second && carrying(t, "eth2") && carrying(t, "eth3");
                }, diag);
                Results.record("OVS aggregator-select stable: eth1 pulled to the other aggregator carrying", ms(moved));
            }
            assertEquals(rule, lab.status("A").get("aggregator_select").asText());
            open.release(ovs);
            open.release(lab);
        }
    }

    private static boolean carrying(JsonNode team, String member) {
        return team != null && port(team, member).get("carrying_traffic").asBoolean();
    }

    private static void assertChoice(NetnsLab lab, String line) throws Exception {
        String text = LacpCtl.run(List.of("--socket", lab.socket("A").toString(), "status"));
        assertTrue(text.contains(line), "status says " + line + ":\n" + text);
        Results.note("status: " + line);
    }
}
