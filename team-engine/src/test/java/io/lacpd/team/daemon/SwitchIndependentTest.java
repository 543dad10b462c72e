package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A switch-independent team against switches that know nothing of it: Linux bridges in namespace B, the team's
 * members eth1 and eth2 on two of their ports, and a host (a namespace of its own) behind a third. The bridges'
 * forwarding databases show whether the switch ever sees one of our MACs on two ports. Needs root, ping, iperf3
 * and bridge; each test builds and removes its own namespaces and processes.
 */
class SwitchIndependentTest {

    private static final String TEAM_ADDRESS = "192.0.2.1";
    private static final String HOST_ADDRESS = "192.0.2.2";
    /** The team MAC: eth1's own, as the team takes the first member's. */
    private static final String TEAM_MAC = "02:00:00:0a:00:01";
    private static final String ETH2_MAC = "02:00:00:0a:00:02";
    /** Pings at 10 ms intervals a failover may cost at most. */
    private static final int MAX_LOST = 10;

    private NetnsLab lab;
    private String nsHost;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.close();
        }
        if (nsHost != null) {
            NetnsLab.run("ip", "netns", "del", nsHost);
        }
    }

    /** One switch: bridge br0 in B with eth1, eth2 and the host. */
    private void oneSwitch() throws Exception {
        lab = new NetnsLab(2);
        bridge("br0", "eth1", "eth2");
        host("br0");
    }

    /** Two switches joined by a link: br1 with eth1 and the host, br2 with eth2. */
    private void twoSwitches() throws Exception {
        lab = new NetnsLab(2);
        lab.inNs("B", "ip", "link", "add", "isl1", "type", "veth", "peer", "name", "isl2");
        bridge("br1", "eth1", "isl1");
        bridge("br2", "eth2", "isl2");
        host("br1");
    }

    private void bridge(String name, String... ports) throws IOException, InterruptedException {
        lab.inNs("B", "ip", "link", "add", name, "type", "bridge");
        for (String port : ports) {
            lab.inNs("B", "ip", "link", "set", port, "master", name);
            lab.inNs("B", "ip", "link", "set", port, "up");
        }
        lab.inNs("B", "ip", "link", "set", name, "up");
    }

    /** The host namespace, its eth0 on a port of {@code bridge}, addressed. */
    private void host(String bridge) throws IOException, InterruptedException {
        nsHost = "lt-" + lab.id + "-h";
        NetnsLab.sh("ip", "netns", "add", nsHost);
        String a = "lth" + lab.id;
        NetnsLab.sh("ip", "link", "add", a, "netns", nsHost, "type", "veth", "peer", "name", "host", "netns", lab.nsB);
        NetnsLab.sh("ip", "-n", nsHost, "link", "set", a, "name", "eth0");
        NetnsLab.sh("ip", "-n", nsHost, "addr", "add", HOST_ADDRESS + "/24", "dev", "eth0");
        NetnsLab.sh("ip", "-n", nsHost, "link", "set", "eth0", "up");
        lab.inNs("B", "ip", "link", "set", "host", "master", bridge);
        lab.inNs("B", "ip", "link", "set", "host", "up");
    }

    /** The team in A on eth1, eth2, switch-independent, up with eth1 primary and its interface addressed. */
    private void team(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--mode", "switch-independent"));
        all.addAll(List.of(flags));
        teamWith(all.toArray(String[]::new));
    }

    /** The team in A on eth1, eth2 with these flags, up with eth1 primary and its interface addressed. */
    private void teamWith(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--ports", "eth1,eth2"));
        all.addAll(List.of(flags));
        lab.startDaemon("A", all.toArray(String[]::new));
        lab.await("A", team -> team.get("team_interface").get("carrier").asBoolean()
                && "eth1".equals(team.get("primary").asText()), 10_000);
        lab.inNs("A", "ip", "addr", "add", TEAM_ADDRESS + "/24", "dev", "tA");
        lab.inNs("A", "ip", "link", "set", "tA", "up");
        NetnsLab.Result ping = lab.execInNs("A", 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST_ADDRESS);
        assertEquals(0, ping.exitCode(), ping.output());
    }

    @Test
    void eightFlowsUseBothMembersAndTheSwitchNeverSeesOneOfOurMacsOnTwoPorts() throws Exception {
        oneSwitch();
        Process monitor = fdbMonitor();
        team();
        JsonNode before = lab.status("A");
        JsonNode iperf = iperf("-P", "8", "-t", "3");
        double gbits = iperf.get("end").get("sum_received").get("bits_per_second").asDouble() / 1e9;
        System.out.printf("8 TCP streams through a switch-independent team: %.2f Gbit/s%n", gbits);
        JsonNode after = lab.status("A");
        for (String member : List.of("eth1", "eth2")) {
            long sent = traffic(after, member, "tx_packets") - traffic(before, member, "tx_packets");
            System.out.printf("%s sent %d packets of the 8 flows%n", member, sent);
            assertTrue(sent > 1000, member + " carried part of the 8 flows: " + sent + " packets");
        }
        assertEquals(0, traffic(after, "eth2", "rx_packets"), "inbound arrives on the primary only: " + after);
        Map<String, Set<String>> ports = stopAndRead(monitor);
        assertNoMacOnTwoPorts(ports);
        assertEquals(Set.of("eth1"), ports.get(TEAM_MAC + " br0"), "the team MAC was learned on eth1 alone: " + ports);
        assertEquals("eth1", fdbPort("br0", TEAM_MAC));
        assertEquals("eth2", fdbPort("br0", ETH2_MAC), "eth2's own MAC was learned where it sent");
        assertTrue(after.get("traffic").get("dropped").get("own_source").asLong() > 0,
                "our broadcasts, flooded back to eth2, were dropped: " + after.get("traffic"));
    }

    @Test
    void aNewPrimaryAnnouncesTheTeamMacSoTheSwitchRelearnsItWithoutAnyTraffic() throws Exception {
        oneSwitch();
        team();
        lab.inNs("A", "ip", "addr", "add", "2001:db8::1/64", "dev", "tA", "nodad");
        Path captured = lab.dir.resolve("host.pcap.txt");
        Process capture = new ProcessBuilder("ip", "netns", "exec", nsHost, "tcpdump", "-n", "-vv", "-l", "-i", "eth0",
                "arp or rarp or icmp6").redirectErrorStream(true).redirectOutput(captured.toFile()).start();
        processes.add(capture);
        long listening = System.nanoTime();
        while (!Files.readString(captured).contains("listening on") && System.nanoTime() - listening < 5e9) {
            Thread.sleep(20);
        }
        assertEquals("eth1", fdbPort("br0", TEAM_MAC));
        long pulled = System.nanoTime();
        lab.inNs("B", "ip", "link", "set", "eth1", "down");
        while (!"eth2".equals(fdbPort("br0", TEAM_MAC)) && System.nanoTime() - pulled < 2e9) {
            Thread.sleep(5);
        }
        double relearned = (System.nanoTime() - pulled) / 1e6;
        assertEquals("eth2", fdbPort("br0", TEAM_MAC), "the switch learned the team MAC on eth2 from the announcement");
        System.out.printf("eth1 pulled with no traffic: the switch had the team MAC on eth2 after %.0f ms%n", relearned);
        lab.await("A", team -> "eth2".equals(team.get("primary").asText()), 1_000);
        Thread.sleep(200);
        capture.destroy();
        capture.waitFor(5, TimeUnit.SECONDS);
        String heard = Files.readString(captured);
        assertTrue(heard.contains("Request who-has " + TEAM_ADDRESS + " tell " + TEAM_ADDRESS), heard);
        assertTrue(heard.contains("neighbor advertisement, length 32, tgt is 2001:db8::1, Flags [override]"), heard);
        assertTrue(heard.contains("neighbor advertisement, length 32, tgt is fe80::"), "the link-local too: " + heard);
        assertFalse(heard.contains("bad"), "every checksum right: " + heard);
        assertTrue(lab.readLog("A").contains("primary eth2: team MAC " + TEAM_MAC + " announced with 1 gratuitous ARP,"
                + " 2 neighbor advertisements"), lab.readLog("A"));
    }

    @Test
    void pullingThePrimaryDuringATenMillisecondPingStreamCostsAtMostTenPingsAndItsReturnNone() throws Exception {
        oneSwitch();
        team();
        pullDuringPings("eth1", "eth2", "one switch");
        restoreDuringPings("eth1", "one switch");
    }

    @Test
    void aStandbyMemberCarriesNothingUntilTheActiveOneIsPulledAndRolesChangeAtRunTime() throws Exception {
        oneSwitch();
        team("--standby", "eth2");
        JsonNode quiet = lab.status("A");
        assertEquals("standby: an active member has link", NetnsLab.port(quiet, "eth2").get("failure_reason").asText(),
                quiet.toString());
        iperf("-P", "4", "-t", "1");
        JsonNode busy = lab.status("A");
        assertEquals(0, traffic(busy, "eth2", "tx_packets"), "the Standby member sent nothing: " + busy);
        assertEquals(0, traffic(busy, "eth2", "rx_packets"), "nor took anything in: " + busy);

        pullDuringPings("eth1", "eth2", "standby");
        assertTrue(traffic(lab.status("A"), "eth2", "tx_packets") > 0, "the Standby member took over");
        restoreDuringPings("eth1", "standby");
        long given = traffic(lab.status("A"), "eth2", "tx_packets");
        iperf("-P", "4", "-t", "1");
        assertEquals(given, traffic(lab.status("A"), "eth2", "tx_packets"), "given back: eth2 is Standby again");

        assertEquals("eth2 is Active\n", control("member eth2 active"));
        lab.await("A", team -> NetnsLab.port(team, "eth2").get("carrying_traffic").asBoolean(), 2_000);
        assertEquals("eth1 is Standby\n", control("member eth1 standby"));
        lab.await("A", team -> "eth2".equals(team.get("primary").asText())
                && !NetnsLab.port(team, "eth1").get("carrying_traffic").asBoolean(), 2_000);
        NetnsLab.Result ping = lab.execInNs("A", 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST_ADDRESS);
        assertEquals(0, ping.exitCode(), "eth2 alone carries it: " + ping.output());
        assertEquals("error: eth2 is the last Active member (expected: at least one Active)\n",
                control("member eth2 standby"));
        assertEquals("error: no member 'eth9' in the team\n", control("member eth9 active"));
        assertEquals("error: bad request 'member eth1 sleepy' (expected: member IF standby|active)\n",
                control("member eth1 sleepy"));
        assertTrue(lab.readLog("A").contains("member eth1 set Standby by request"), lab.readLog("A"));
    }

    @Test
    void withTheMembersOnTwoSwitchesFlowsUseBothAndThePrimaryFailsOverWithinTheSameBound() throws Exception {
        twoSwitches();
        Process monitor = fdbMonitor();
        team();
        iperf("-P", "8", "-t", "2");
        JsonNode after = lab.status("A");
        for (String member : List.of("eth1", "eth2")) {
            assertTrue(traffic(after, member, "tx_packets") > 1000, member + " carried part of the flows: " + after);
        }
        Map<String, Set<String>> ports = stopAndRead(monitor);
        assertNoMacOnTwoPorts(ports);
        assertEquals(Set.of("isl2"), ports.get(TEAM_MAC + " br2"), "learned behind the link alone: " + ports);
        assertEquals("eth1", fdbPort("br1", TEAM_MAC));
        assertEquals("isl2", fdbPort("br2", TEAM_MAC), "br2 knows the team MAC behind the link to br1");
        pullDuringPings("eth1", "eth2", "two switches");
        assertEquals("isl1", fdbPort("br1", TEAM_MAC), "br1 relearned the team MAC behind the link");
        restoreDuringPings("eth1", "two switches");
    }

    @Test
    void aLacpTeamWithFallbackBehindASwitchThatSpeaksNoLacpCarriesOnOneMemberAfterTheTimeout() throws Exception {
        oneSwitch();
        long started = System.nanoTime();
        teamWith("--lacp-fallback", "active-backup");
        double after = (System.nanoTime() - started) / 1e9;
        System.out.printf("lacp fallback in force %.1f s after the daemon was started%n", after);
        assertTrue(after >= 3, "not before the LACP timeout: " + after + " s");
        JsonNode team = lab.status("A");
        assertEquals("active", team.get("lacp_fallback").asText(), team.toString());
        iperf("-P", "4", "-t", "1");
        assertEquals(0, traffic(lab.status("A"), "eth2", "tx_packets"), "one member carries the traffic");
        String text = control("status");
        assertTrue(text.contains("lacp fallback: active-backup in force: eth1 carries the traffic (no LACPDU heard since"
                + " the start)"), text);
        pullDuringPings("eth1", "eth2", "lacp fallback");
        assertTrue(lab.readLog("A").contains("lacp fallback: no LACPDU heard since the start"), lab.readLog("A"));
    }

    /**
     * A 10 ms ping stream from the team to the host; {@code member} is pulled at the switch during it, and
     * {@code next} must become primary.
     */
    private void pullDuringPings(String member, String next, String where) throws Exception {
        Process stream = lab.startInNs("A", "ping", "-i", "0.01", "-c", "300", "-W", "1", HOST_ADDRESS);
        Thread.sleep(1000);
        long pulled = System.nanoTime();
        lab.inNs("B", "ip", "link", "set", member, "down");
        lab.await("A", team -> next.equals(team.get("primary").asText()), 2_000);
        double takeover = (System.nanoTime() - pulled) / 1e6;
        long lost = lost(stream);
        System.out.printf("%s: primary %s pulled during a 10 ms ping stream: %d of 300 lost, %s primary after"
                + " %.0f ms (status poll)%n", where, member, lost, next, takeover);
        assertTrue(lost <= MAX_LOST, member + " pulled: " + lost + " pings lost");
    }

    /** The same stream while {@code member} comes back and takes the team MAC back. */
    private void restoreDuringPings(String member, String where) throws Exception {
        Process stream = lab.startInNs("A", "ping", "-i", "0.01", "-c", "300", "-W", "1", HOST_ADDRESS);
        Thread.sleep(1000);
        lab.inNs("B", "ip", "link", "set", member, "up");
        lab.await("A", team -> member.equals(team.get("primary").asText()), 3_000);
        long lost = lost(stream);
        System.out.printf("%s: %s back during a 10 ms ping stream: %d of 300 lost%n", where, member, lost);
        assertTrue(lost <= MAX_LOST, member + " back: " + lost + " pings lost");
    }

    private long lost(Process stream) throws Exception {
        String out = new String(stream.getInputStream().readAllBytes());
        assertTrue(stream.waitFor(20, TimeUnit.SECONDS));
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(out);
        assertTrue(m.find(), "no ping summary in: " + out);
        return Long.parseLong(m.group(1)) - Long.parseLong(m.group(2));
    }

    private String control(String request) throws IOException {
        return LacpCtl.exchange(lab.socket("A"), request, TimeUnit.SECONDS.toNanos(5));
    }

    /**
     * {@code bridge monitor fdb} in B: every entry the bridges learn from now on, into {@link #fdbLog}. An entry
     * is reported when learned and when it moves to another port, not when it is merely refreshed.
     */
    private Process fdbMonitor() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.nsB, "bridge", "monitor", "fdb")
                .redirectErrorStream(true).redirectOutput(fdbLog().toFile()).start();
        processes.add(p);
        Thread.sleep(200);
        return p;
    }

    private Path fdbLog() {
        return lab.dir.resolve("fdb.log");
    }

    /** The ports each of our MACs was learned on, by "MAC BRIDGE", from the monitor's output. */
    private Map<String, Set<String>> stopAndRead(Process monitor) throws Exception {
        Thread.sleep(200);
        monitor.destroy();
        monitor.waitFor(5, TimeUnit.SECONDS);
        String out = Files.readString(fdbLog());
        Map<String, Set<String>> ports = new HashMap<>();
        Pattern entry = Pattern.compile("^(\\S+) dev (\\S+) master (\\S+)");
        for (String line : out.split("\n")) {
            Matcher m = entry.matcher(line);
            if (m.find() && (m.group(1).equals(TEAM_MAC) || m.group(1).equals(ETH2_MAC))) {
                ports.computeIfAbsent(m.group(1) + " " + m.group(3), k -> new HashSet<>()).add(m.group(2));
            }
        }
        return ports;
    }

    private static void assertNoMacOnTwoPorts(Map<String, Set<String>> ports) {
        System.out.println("fdb entries learned for our MACs during the flows: " + ports);
        ports.forEach((macOnBridge, devs) -> assertEquals(1, devs.size(), macOnBridge + " moved between " + devs));
    }

    /** The port a bridge has learned {@code mac} on, or null. */
    private String fdbPort(String bridge, String mac) throws Exception {
        String out = lab.execInNs("B", 5, "bridge", "fdb", "show", "br", bridge).output();
        Matcher m = Pattern.compile("^" + mac + " dev (\\S+)(?! .*permanent)", Pattern.MULTILINE).matcher(out);
        return m.find() ? m.group(1) : null;
    }

    /** An iperf3 TCP transfer from the team to the host, as iperf3's JSON report. */
    private JsonNode iperf(String... args) throws Exception {
        Process server = inHost("iperf3", "-s", "-1", "-B", HOST_ADDRESS);
        Thread.sleep(300);
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-J", "-c", HOST_ADDRESS));
        cmd.addAll(List.of(args));
        NetnsLab.Result r = lab.execInNs("A", 60, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        JsonNode report = new ObjectMapper().readTree(r.output());
        assertFalse(report.has("error"), r.output());
        return report;
    }

    private Process inHost(String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", nsHost));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static long traffic(JsonNode team, String member, String counter) {
        return NetnsLab.port(team, member).get("traffic").get(counter).asLong();
    }
}
