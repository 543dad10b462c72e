package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.portDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's traffic through two teams: lacpd against lacpd in two network namespaces over two veth pairs,
 * each with its TAP team interface and an address on it. Needs root, ping and iperf3; each test builds and
 * removes its own namespaces and processes.
 */
class TeamTrafficTest {

    private static final String ADDRESS_A = "192.0.2.1";
    private static final String ADDRESS_B = "192.0.2.2";

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /** Both teams up on both links, with their team interfaces tA and tB addressed. */
    private void teamsUp(String... extraFlags) throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", flags("--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a", extraFlags));
        lab.startDaemon("B", flags("--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b", extraFlags));
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        lab.await("A", team -> team.get("team_interface").get("carrier").asBoolean(), 3_000);
        address("A", "tA", ADDRESS_A);
        address("B", "tB", ADDRESS_B);
    }

    private static String[] flags(String a, String b, String c, String d, String... more) {
        String[] all = new String[4 + more.length];
        all[0] = a;
        all[1] = b;
        all[2] = c;
        all[3] = d;
        System.arraycopy(more, 0, all, 4, more.length);
        return all;
    }

    private void address(String side, String dev, String address) throws IOException, InterruptedException {
        lab.inNs(side, "ip", "addr", "add", address + "/24", "dev", dev);
        lab.inNs(side, "ip", "link", "set", dev, "up");
    }

    @Test
    void pingAndATcpTransferCrossTheTeamAndEightFlowsUseBothMembers() throws Exception {
        teamsUp();
        NetnsLab.Result ping = lab.execInNs("A", 20, "ping", "-c", "5", "-i", "0.2", "-W", "2", ADDRESS_B);
        assertEquals(0, ping.exitCode(), ping.output());

        JsonNode before = lab.status("A");
        JsonNode iperf = iperf("-P", "8", "-t", "3");
        double gbits = iperf.get("end").get("sum_received").get("bits_per_second").asDouble() / 1e9;
        System.out.printf("8 TCP streams through the team: %.2f Gbit/s%n", gbits);
        assertTrue(gbits > 0.1, "the transfer moved data: " + gbits + " Gbit/s");
        JsonNode after = lab.status("A");
        for (String member : List.of("eth1", "eth2")) {
            long sent = traffic(after, member, "tx_packets") - traffic(before, member, "tx_packets");
            System.out.printf("%s sent %d packets of the 8 flows%n", member, sent);
            assertTrue(sent > 1000, member + " carried part of the 8 flows: " + sent + " packets");
        }
        assertEquals("02:00:00:0a:00:01", after.get("team_interface").get("mac").asText(),
                "the team MAC is the first member's");
    }

    @Test
    void aMemberPulledDuringATenMillisecondPingStreamCostsAtMostThreePings() throws Exception {
        teamsUp();
        for (String member : List.of("eth1", "eth2")) {
            Process stream = lab.startInNs("A", "ping", "-i", "0.01", "-c", "500", "-W", "1", ADDRESS_B);
            Thread.sleep(1500);
            lab.inNs("B", "ip", "link", "set", member, "down");
            lab.await("A", portDistributing(member, false), 2_000);
            String out = new String(stream.getInputStream().readAllBytes());
            assertTrue(stream.waitFor(20, TimeUnit.SECONDS));
            long lost = lost(out);
            System.out.printf("%s pulled during a 10 ms ping stream: %d of 500 lost%n", member, lost);
            assertTrue(lost <= 3, member + " pulled: " + lost + " pings lost\n" + out);
            lab.inNs("B", "ip", "link", "set", member, "up");
            lab.await("A", allDistributing(2), 10_000);
            lab.await("B", allDistributing(2), 5_000);
        }
    }

    @Test
    void aCarrierLossTheKernelAnnouncesLateIsSeenByThePollWithinAFewTensOfMilliseconds() throws Exception {
        lab = new NetnsLab(0);
        lab.addPlainLink(1);
        lab.addPlainLink(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        // eth2 changes state: for a second after it, the kernel holds back the announcement of eth1's loss
        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        lab.await("A", portDistributing("eth2", false), 3_000);
        long pulling = System.nanoTime();
        lab.inNs("B", "ip", "link", "set", "eth1", "down");
        lab.await("A", team -> NetnsLab.port(team, "eth1").get("link").get("up").asBoolean() == false, 2_000);
        double seen = (System.nanoTime() - pulling) / 1e6;
        System.out.printf("eth1's carrier loss, just after eth2's, seen by A after %.0f ms%n", seen);
        assertTrue(seen < 400, "seen after " + seen + " ms (the kernel's announcement can come a second late)");
    }

    @Test
    void staticTeamsCarryTrafficOverEveryMemberWithLinkAndSpeakNoLacp() throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--mode", "static");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--mode", "Static");
        lab.await("A", team -> team.get("status").asText().equals("up")
                && team.get("team_interface").get("carrier").asBoolean(), 10_000);
        lab.await("B", team -> team.get("status").asText().equals("up"), 5_000);
        address("A", "tA", ADDRESS_A);
        address("B", "tB", ADDRESS_B);
        NetnsLab.Result ping = lab.execInNs("A", 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", ADDRESS_B);
        assertEquals(0, ping.exitCode(), ping.output());
        JsonNode iperf = iperf("-P", "8", "-t", "2");
        assertTrue(iperf.get("end").get("sum_received").get("bits_per_second").asDouble() > 1e8, iperf.toString());
        JsonNode a = lab.status("A");
        for (String member : List.of("eth1", "eth2")) {
            JsonNode port = NetnsLab.port(a, member);
            assertEquals(0, port.get("counters").get("lacpdu_tx").asLong(), member + " sent no LACPDU: " + port);
            assertEquals("LACP_DISABLED", port.get("receive_state").asText());
            assertTrue(port.get("carrying_traffic").asBoolean(), member + " carries traffic: " + port);
        }
        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        lab.await("A", team -> team.get("status").asText().equals("degraded"), 2_000);
        assertEquals("link down", NetnsLab.port(lab.status("A"), "eth2").get("failure_reason").asText());
        NetnsLab.Result after = lab.execInNs("A", 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", ADDRESS_B);
        assertEquals(0, after.exitCode(), "eth1 alone carries it: " + after.output());
    }

    @Test
    void framesReceivedOnAMemberThatIsNotCollectingNeverReachTheHost() throws Exception {
        lab = new NetnsLab(2);
        // B's team has eth1 only: A's eth2 hears no partner, so it is defaulted and never collects.
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", "--ports", "eth1", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(1), 15_000);
        address("A", "tA", ADDRESS_A);
        address("B", "eth2", "192.0.2.9");
        NetnsLab.Result ping = lab.execInNs("B", 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", "eth2", ADDRESS_A);
        assertTrue(ping.exitCode() != 0, "no answer through a member that is not collecting: " + ping.output());
        JsonNode eth2 = NetnsLab.port(lab.status("A"), "eth2");
        long dropped = eth2.get("traffic").get("dropped").get("not_collecting").asLong();
        assertTrue(dropped >= 3, "eth2's frames were counted as dropped: " + eth2);
        assertEquals(0, eth2.get("traffic").get("rx_packets").asLong(), "none reached the host: " + eth2);
        assertFalse(eth2.get("carrying_traffic").asBoolean());
    }

    @Test
    void withoutADataPlaneTheStatusSaysTrafficIsNotTeamed() throws Exception {
        lab = new NetnsLab(1);
        lab.startDaemon("A", "--ports", "eth1", "--data-plane", "none");
        lab.await("A", team -> team.get("data_plane").asText().equals("none"), 10_000);
        assertTrue(lab.readLog("A").contains("host traffic is not teamed"), lab.readLog("A"));
        assertFalse(lab.execInNs("A", 5, "ip", "link", "show", "tA").exitCode() == 0, "no team interface");
    }

    @Test
    void aMemberWithAnAddressOrInAnotherTeamAndATakenInterfaceNameAreRefusedWithOneLine() throws Exception {
        lab = new NetnsLab(2);
        lab.inNs("A", "ip", "addr", "add", "192.0.2.7/24", "dev", "eth2");
        NetnsLab.Result addressed = lab.runDaemonToExit("A", "run", "--team", "t1", "--ports", "eth1,eth2",
                "--control-socket", lab.dir.resolve("t1.sock").toString());
        assertEquals(1, addressed.exitCode(), addressed.output());
        assertEquals("lacpd: eth2 has the IPv4 address 192.0.2.7: a member carries no address of its own (remove it,"
                + " then add the NIC to the team)", lastLine(addressed.output()));
        assertEquals("0", sysctl("A", "net/ipv6/conf/eth1/disable_ipv6"), "eth1, taken first, was given back");
        assertFalse(lab.execInNs("A", 5, "ip", "link", "show", "t1").exitCode() == 0, "no team interface left");

        lab.startDaemon("A", "--ports", "eth1");
        lab.await("A", team -> team.get("team_interface") != null, 10_000);
        NetnsLab.Result taken = lab.runDaemonToExit("A", "run", "--team", "t2", "--ports", "eth1",
                "--control-socket", lab.dir.resolve("t2.sock").toString());
        assertEquals(1, taken.exitCode(), taken.output());
        assertTrue(lastLine(taken.output()).startsWith("lacpd: eth1 is already a member of another team"), taken.output());
        assertTrue(lab.status("A").get("team_interface").get("carrier") != null, "the first team still answers");

        lab.inNs("A", "ip", "link", "add", "t3", "type", "veth", "peer", "name", "t3p");
        NetnsLab.Result named = lab.runDaemonToExit("A", "run", "--team", "t3", "--ports", "eth2",
                "--control-socket", lab.dir.resolve("t3.sock").toString());
        assertEquals(1, named.exitCode(), named.output());
        assertEquals("lacpd: team interface 't3': an interface of that name exists already (set --team-interface)",
                lastLine(named.output()));

        NetnsLab.Result tooLong = lab.runDaemonToExit("A", "run", "--team", "t4", "--ports", "eth2",
                "--team-interface", "a-name-too-long-for-linux");
        assertEquals(2, tooLong.exitCode(), tooLong.output());
        assertEquals("lacpd: --team-interface 'a-name-too-long-for-linux' cannot name the team interface (expected: 1 to"
                + " 15 letters, digits, '.', '_' or '-')", lastLine(tooLong.output()));

        NetnsLab.Result noSuchCpu = lab.runDaemonToExit("A", "run", "--team", "t5", "--ports", "eth2",
                "--data-cpus", "1023", "--control-socket", lab.dir.resolve("t5.sock").toString());
        assertEquals(1, noSuchCpu.exitCode(), noSuchCpu.output());
        assertTrue(lastLine(noSuchCpu.output()).matches("lacpd: data-cpus 1023: CPU 1023 is not one lacpd may run on"
                + " \\(it may use [0-9,-]+\\)"), noSuchCpu.output());
        assertFalse(lab.execInNs("A", 5, "ip", "link", "show", "t5").exitCode() == 0, "no team interface left");
    }

    @Test
    void aKilledTeamLeavesItsMembersUsableAndTheNextTeamGivesBackTheirOwnSettings() throws Exception {
        lab = new NetnsLab(1);
        Process a = lab.startDaemon("A", "--ports", "eth1");
        lab.await("A", team -> team.get("team_interface") != null, 10_000);
        assertEquals("1", sysctl("A", "net/ipv6/conf/eth1/disable_ipv6"), "taken from the host stack");
        a.destroyForcibly(); // SIGKILL: nothing given back by the daemon itself
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        lab.inNs("B", "ip", "addr", "add", "192.0.2.2/24", "dev", "eth1");
        lab.inNs("A", "ip", "addr", "add", "192.0.2.1/24", "dev", "eth1");
        NetnsLab.Result ping = lab.execInNs("A", 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", "192.0.2.2");
        assertEquals(0, ping.exitCode(), "the ingress drop went with the process: " + ping.output());
        assertFalse(lab.execInNs("A", 5, "ip", "link", "show", "tA").exitCode() == 0, "the team interface went too");
        lab.inNs("A", "ip", "addr", "flush", "dev", "eth1");

        Process again = lab.startDaemon("A", "--ports", "eth1");
        lab.await("A", team -> team.get("team_interface") != null, 10_000);
        again.destroy(); // SIGTERM: the members are given back as they were before the first team
        assertTrue(again.waitFor(10, TimeUnit.SECONDS));
        assertEquals("0", sysctl("A", "net/ipv6/conf/eth1/disable_ipv6"));
        assertEquals("0", sysctl("A", "net/ipv4/conf/eth1/arp_ignore"));
    }

    private String sysctl(String side, String key) throws IOException, InterruptedException {
        return lab.execInNs(side, 5, "cat", "/proc/sys/" + key).output().strip();
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** An iperf3 TCP transfer from A to B, as iperf3's JSON report. */
    private JsonNode iperf(String... args) throws Exception {
        Process server = lab.startInNs("B", "iperf3", "-s", "-1", "-B", ADDRESS_B);
        try {
            Thread.sleep(300);
            String[] cmd = new String[4 + args.length];
            cmd[0] = "iperf3";
            cmd[1] = "-J";
            cmd[2] = "-c";
            cmd[3] = ADDRESS_B;
            System.arraycopy(args, 0, cmd, 4, args.length);
            NetnsLab.Result r = lab.execInNs("A", 60, cmd);
            assertEquals(0, r.exitCode(), r.output());
            return new ObjectMapper().readTree(r.output());
        } finally {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static long traffic(JsonNode team, String member, String counter) {
        return NetnsLab.port(team, member).get("traffic").get(counter).asLong();
    }

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private static long lost(String pingOutput) {
        Matcher m = SUMMARY.matcher(pingOutput);
        if (!m.find()) {
            throw new AssertionError("no ping summary in: " + pingOutput);
        }
        return Long.parseLong(m.group(1)) - Long.parseLong(m.group(2));
    }
}
