package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.datapath.TestFrame;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.lacpd.team.NetnsLab.allDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dynamic} between two lacpd teams over two veth pairs: four UDP flows whose hashes all land on one
 * member's buckets end up spread over both within a few seconds, and the receiver sees none of them reordered.
 * The flows' start on one member shows in A's log: its rebalancing rounds moved at least two buckets. The same
 * with four TCP streams: moved at their pauses, TCP's own reordering counters at the sender stay at zero.
 * Needs root; the namespaces and processes it makes are its own.
 */
class DynamicTrafficTest {

    private static final String ADDRESS_A = "192.0.2.1";
    private static final String ADDRESS_B = "192.0.2.2";
    private static final int PORT = 5301;
    private static final int SECONDS = 10;
    private static final int TCP_PORT = 5311;

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Four source ports whose flows to B fall in even buckets below 128: whether the table was dealt in halves
     * (one member came up first) or alternately (both at once), all four start on one member.
     */
    private static List<Integer> unevenPorts() {
        FlowHash hash = new FlowHash(FlowHash.DEFAULT_SEED);
        FrameView view = new FrameView();
        List<Integer> ports = new ArrayList<>();
        for (int port = 40000; ports.size() < 4; port++) {
            TestFrame f = TestFrame.ethernet(TestFrame.DST_MAC, TestFrame.SRC_MAC).u16(FrameView.ETHERTYPE_IPV4)
                    .ipv4(FrameView.PROTO_UDP, 0xc000_0201L, 0xc000_0202L, 0).udp(port, PORT);
            view.parse(f.heap(), 0, f.length());
            int bucket = (int) hash.transportPorts(view) & (MemberMap.BUCKETS - 1);
            if (bucket < 128 && bucket % 2 == 0) {
                ports.add(port);
            }
        }
        return ports;
    }

    /**
     * The first of four consecutive source ports (iperf3's {@code --cport} with {@code -P 4}) whose TCP flows to B
     * all fall in even buckets below 128, as {@link #unevenPorts} for UDP.
     */
    private static int unevenTcpPorts() {
        FlowHash hash = new FlowHash(FlowHash.DEFAULT_SEED);
        FrameView view = new FrameView();
        for (int first = 40000; ; first++) {
            int p = 0;
            for (; p < 4; p++) {
                TestFrame f = TestFrame.ethernet(TestFrame.DST_MAC, TestFrame.SRC_MAC).u16(FrameView.ETHERTYPE_IPV4)
                        .ipv4(FrameView.PROTO_TCP, 0xc000_0201L, 0xc000_0202L, 0).tcp(first + p, TCP_PORT);
                view.parse(f.heap(), 0, f.length());
                int bucket = (int) hash.transportPorts(view) & (MemberMap.BUCKETS - 1);
                if (bucket >= 128 || bucket % 2 != 0) {
                    break;
                }
            }
            if (p == 4) {
                return first;
            }
        }
    }

    /** Both teams up over two veth pairs, A with {@code dynamic}, addresses on the team interfaces. */
    private void twoTeams() throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a", "--load-balancing", "dynamic");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        lab.inNs("A", "ip", "addr", "add", ADDRESS_A + "/24", "dev", "tA");
        lab.inNs("A", "ip", "link", "set", "tA", "up");
        lab.inNs("B", "ip", "addr", "add", ADDRESS_B + "/24", "dev", "tB");
        lab.inNs("B", "ip", "link", "set", "tB", "up");
        assertEquals(0, lab.execInNs("A", 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", ADDRESS_B).exitCode());
    }

    private static long txBytes(JsonNode team, String member) {
        return NetnsLab.port(team, member).get("traffic").get("tx_bytes").asLong();
    }

    @Test
    void fourFlowsOnOneMemberAreSpreadOverBothWithinSecondsAndNoneIsReordered() throws Exception {
        twoTeams();

        List<Integer> ports = unevenPorts();
        Process receiver = lab.startInNs("B", java(), "-cp", classPath(), UdpFlows.class.getName(), "receive",
                ADDRESS_B, Integer.toString(PORT), "2000");
        Thread.sleep(1500);
        List<String> send = new ArrayList<>(List.of(java(), "-cp", classPath(), UdpFlows.class.getName(), "send",
                ADDRESS_B, Integer.toString(PORT), ADDRESS_A, Integer.toString(SECONDS), "8", "2000"));
        ports.forEach(p -> send.add(Integer.toString(p)));
        Process sender = lab.startInNs("A", send.toArray(String[]::new));

        // quarter-second windows from the sender's start: the first round that moves comes within a second
        long start = System.nanoTime();
        JsonNode last = lab.status("A");
        int windows = SECONDS * 4;
        double[] share = new double[windows];
        double balancedAfter = -1;
        double trafficFrom = -1;
        for (int w = 0; w < windows; w++) {
            Thread.sleep(250);
            JsonNode now = lab.status("A");
            long one = txBytes(now, "eth1") - txBytes(last, "eth1");
            long two = txBytes(now, "eth2") - txBytes(last, "eth2");
            share[w] = (one + two) < 100_000 ? -1 : (double) one / (one + two);
            if (trafficFrom < 0 && share[w] >= 0) {
                trafficFrom = (System.nanoTime() - start) / 1e9;
            }
            if (w % 4 == 3 && share[w] >= 0) {
                System.out.printf("%.2f s: eth1 %.0f %% of %d bytes, eth1 share %s, eth2 share %s%n",
                        (System.nanoTime() - start) / 1e9, 100 * share[w], one + two,
                        NetnsLab.port(now, "eth1").get("share"), NetnsLab.port(now, "eth2").get("share"));
            }
            if (balancedAfter < 0 && share[w] >= 0.3 && share[w] <= 0.7) {
                balancedAfter = (System.nanoTime() - start) / 1e9;
            }
            last = now;
        }
        String sent = new String(sender.getInputStream().readAllBytes());
        assertTrue(sender.waitFor(30, TimeUnit.SECONDS));
        String received = new String(receiver.getInputStream().readAllBytes());
        assertTrue(receiver.waitFor(30, TimeUnit.SECONDS));
        System.out.print(sent + received);
        System.out.printf("traffic seen in the window ending %.2f s after the sender started, balanced in the window"
                + " ending %.2f s%n", trafficFrom, balancedAfter);

        Matcher rounds = Pattern.compile("rebalanced by load: (\\d+) buckets? moved").matcher(lab.readLog("A"));
        int moved = 0;
        while (rounds.find()) {
            moved += Integer.parseInt(rounds.group(1));
        }
        assertTrue(moved >= 2, "the four flows started on one member: the rebalancer moved two of their buckets, "
                + "or more: " + lab.readLog("A"));
        assertTrue(balancedAfter > 0 && balancedAfter <= 3, "balanced within 3 s: after " + balancedAfter + " s");
        int from = (int) Math.ceil(balancedAfter * 4);
        for (int w = from; w < windows - 4; w++) {
            assertTrue(share[w] >= 0.3 && share[w] <= 0.7, "window " + w + ": eth1 carried " + share[w]);
        }
        Matcher m = Pattern.compile("flow (\\d+) received (\\d+) reordered (\\d+)").matcher(received);
        int flows = 0;
        while (m.find()) {
            flows++;
            assertTrue(Long.parseLong(m.group(2)) > 10_000, "flow " + m.group(1) + " got through: " + received);
            assertEquals(0, Long.parseLong(m.group(3)), "flow " + m.group(1) + " reordered: " + received);
        }
        assertEquals(4, flows, received);
    }

    /**
     * Four TCP streams paced in 5 ms bursts (so that they pause for longer than the flowlet gap), all starting on
     * one member's buckets: in their last seconds both members carry a real part of their bytes, so flows moved,
     * and the sender's TCP saw no reordering (TcpExtTCPSACKReorder, TCPRenoReorder and TCPTSReorder, counted per
     * namespace, all 0).
     */
    @Test
    void fourTcpStreamsMovedAtTheirPausesAreNeverReorderedByTcpsOwnCount() throws Exception {
        twoTeams();
        Process server = lab.startInNs("B", "iperf3", "-s", "-1", "-B", ADDRESS_B, "-p", Integer.toString(TCP_PORT));
        Thread.sleep(500);
        int first = unevenTcpPorts();
        Process client = lab.startInNs("A", "iperf3", "-c", ADDRESS_B, "-p", Integer.toString(TCP_PORT), "-P", "4",
                "--cport", Integer.toString(first), "-t", Integer.toString(SECONDS), "-b", "300M",
                "--pacing-timer", "5000");
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS - 3));
        JsonNode before = lab.status("A");
        Thread.sleep(2000);
        JsonNode after = lab.status("A");
        String out = new String(client.getInputStream().readAllBytes());
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, client.exitValue(), out);
        server.waitFor(10, TimeUnit.SECONDS);
        long one = txBytes(after, "eth1") - txBytes(before, "eth1");
        long two = txBytes(after, "eth2") - txBytes(before, "eth2");
        String counters = lab.execInNs("A", 5, "nstat", "-az", "TcpExtTCPSACKReorder", "TcpExtTCPRenoReorder",
                "TcpExtTCPTSReorder").output();
        System.out.printf("4 TCP streams, last 2 s: eth1 %d bytes, eth2 %d bytes; %s%n", one, two,
                counters.replaceAll("\\s+", " ").strip());
        double share = (double) one / (one + two);
        assertTrue(share >= 0.1 && share <= 0.9, "both members carry the streams: eth1 " + share + "\n"
                + lab.readLog("A"));
        Matcher m = Pattern.compile("(TcpExt\\w+Reorder)\\s+(\\d+)").matcher(counters);
        int seen = 0;
        while (m.find()) {
            seen++;
            assertEquals(0, Long.parseLong(m.group(2)), m.group(1) + ": " + counters);
        }
        assertEquals(3, seen, counters);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() {
        return System.getProperty("java.class.path");
    }
}
