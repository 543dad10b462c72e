package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.distributing;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attacker on one link: a flood of LACPDUs with a new partner in each, of garbage, or of one partner's
 * LACPDU, from the partner's side of eth1 at the highest rate libpcap sends, for {@code lacpd.flood-seconds}
 * (30 unless set). Throughout, the other link never leaves distributing at either end and A's LACPDUs on it
 * keep their second, A's status answers within a second, and its memory stays bounded; afterwards eth1 is
 * back with its real partner within 5 s, and A's log grew by fewer than 1,000 lines. Needs root.
 */
class FloodTest {

    private static final long SECONDS = Long.getLong("lacpd.flood-seconds", 30);
    /** The JVM of the launcher (scripts/daemon-jvm): its heap ceiling is 64 MB. */
    private static final List<String> DAEMON_JVM = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx64m",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k", "-XX:ThreadPriorityPolicy=1");
    /** What scripts/daemon-jvm promises: well under 150 MB resident. */
    private static final long RSS_CEILING_KB = 150 * 1024;
    private static final String MAC_A_ETH2 = "02:00:00:0a:00:02";
    /** A little over a million: a few may be lost between the fuzzer and A's eth1. */
    private static final long FUZZ_FRAMES = 1_050_000;

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** "priority,system,key,port-priority,port,state-octet" of a port's actor or partner in the JSON status. */
    private static String fields(JsonNode info) {
        JsonNode s = info.get("state");
        int state = (s.get("activity").asText().equals("active") ? 1 : 0) | (s.get("timeout").asText().equals("short") ? 2 : 0)
                | (s.get("aggregation").asBoolean() ? 4 : 0) | (s.get("synchronization").asBoolean() ? 8 : 0)
                | (s.get("collecting").asBoolean() ? 16 : 0) | (s.get("distributing").asBoolean() ? 32 : 0);
        return info.get("system_priority").asInt() + "," + info.get("system").asText() + "," + info.get("key").asInt()
                + "," + info.get("port_priority").asInt() + "," + info.get("port").asInt() + "," + state;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"new-partner", "garbage", "same-partner"})
    void aFloodOnOneLinkLeavesTheOtherDistributingAndTheDaemonAnswering(String kind) throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startDaemon("A", DAEMON_JVM, "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", DAEMON_JVM, "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        JsonNode eth1 = port(lab.status("A"), "eth1");
        long pid = a.pid(); // ip netns exec execs the daemon: the process is the JVM
        Path pcap = lab.dir.resolve("eth2.pcap");
        Process dump = lab.startInNs("B", "tcpdump", "-i", "eth2", "-Q", "in", "-U", "-w", pcap.toString(),
                "ether proto 0x8809");
        BufferedReader dumpOut = new BufferedReader(new InputStreamReader(dump.getInputStream()));
        for (String line; (line = dumpOut.readLine()) != null && !line.contains("listening on"); ) {
            // tcpdump says when it captures
        }
        long logBefore = lab.readLog("A").lines().count();
        long ticksBefore = cpuTicks(pid);
        List<String> flood = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                Flood.class.getName(), "eth1", Long.toString(SECONDS), kind));
        if (kind.equals("same-partner")) {
            flood.addAll(List.of(fields(eth1.get("actor")), fields(eth1.get("partner"))));
        }
        Process flooder = lab.startInNs("B", flood.toArray(String[]::new));
        long startWall = System.currentTimeMillis();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
        long worstStatus = 0;
        long maxRss = 0;
        while (System.nanoTime() - end < 0) {
            long asked = System.nanoTime();
            JsonNode sa = lab.status("A");
            worstStatus = Math.max(worstStatus, System.nanoTime() - asked);
            assertNotNull(sa, "A answers");
            assertTrue(distributing(port(sa, "eth2")), "A's eth2 distributing: " + port(sa, "eth2"));
            JsonNode sb = lab.status("B");
            assertTrue(distributing(port(sb, "eth2")), "B's eth2 distributing: " + port(sb, "eth2"));
            maxRss = Math.max(maxRss, rssKb(pid));
            Thread.sleep(250);
        }
        String sent = new String(flooder.getInputStream().readAllBytes()).strip();
        assertTrue(flooder.waitFor(10, TimeUnit.SECONDS));
        long endWall = System.currentTimeMillis();
        double cpu = (cpuTicks(pid) - ticksBefore) / 100.0 / ((System.nanoTime() - start) / 1e9);
        long flooded = System.nanoTime();
        lab.await("A", team -> distributing(port(team, "eth1"))
                && port(team, "eth1").get("partner").get("system").asText().equals("02:00:00:00:00:0b"), 5_000);
        long recovery = System.nanoTime() - flooded;
        JsonNode after = port(lab.status("A"), "eth1");
        dump.destroy();
        dump.waitFor(5, TimeUnit.SECONDS);
        long worstGap = worstGapMillis(pcap, MAC_A_ETH2, startWall, endWall);
        long logLines = lab.readLog("A").lines().count() - logBefore;
        JsonNode c = after.get("counters");
        System.out.printf("%s flood: %s (%.0f/s); A: CPU %.0f %% of a core, RSS at most %d MB, status at worst %d ms;"
                        + " eth1 rx %d, illegal %d, unknown %d, dropped %d; worst gap of A's LACPDUs on eth2 %d ms;"
                        + " eth1 back %d ms after the flood; log +%d lines%n",
                kind, sent, parseSent(sent) / (double) SECONDS, cpu * 100, maxRss / 1024,
                TimeUnit.NANOSECONDS.toMillis(worstStatus), c.get("lacpdu_rx").asLong(), c.get("lacpdu_illegal_rx").asLong(),
                c.get("lacpdu_unknown_rx").asLong(), c.get("lacpdu_rx_dropped").asLong(), worstGap,
                TimeUnit.NANOSECONDS.toMillis(recovery), logLines);
        assertTrue(worstStatus < TimeUnit.SECONDS.toNanos(1), "status within 1 s: " + worstStatus / 1e6 + " ms");
        assertTrue(maxRss < RSS_CEILING_KB, "RSS " + maxRss + " kB");
        assertTrue(worstGap < 1500, "A's LACPDUs on eth2 at most 1.5 s apart: " + worstGap + " ms");
        assertTrue(logLines < 1000, "log grew by " + logLines + " lines");
        assertTrue(c.get("lacpdu_rx_dropped").asLong() > 0 || kind.equals("garbage") && c.get("lacpdu_illegal_rx").asLong() > 0,
                "the flood reached A: " + c);
    }

    /**
     * A million mutated LACPDUs and Marker PDUs (bytes changed, cut short, made longer, other EtherTypes) from a
     * fuzzer on the far end of eth1, where A has no partner, through the kernel, libpcap and the daemon: A's eth2
     * keeps distributing with B throughout and A keeps answering, and every frame that reached A's eth1 is
     * counted once, as a LACPDU, Marker, Marker Response, illegal or unknown frame, or as dropped (policed, or
     * lost in the capture's kernel buffer); no kind is counted more often than the fuzzer sent it.
     */
    @Test
    void aMillionMutatedFramesThroughThePcapPathAreEachCountedOnce() throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startDaemon("A", DAEMON_JVM, "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", DAEMON_JVM, "--ports", "eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", team -> distributing(port(team, "eth2")), 15_000);
        lab.await("B", allDistributing(1), 5_000);
        // nothing but the fuzzer sends on B's eth1: A's eth1 receives the fuzz alone
        lab.inNs("B", "sysctl", "-qw", "net.ipv6.conf.eth1.disable_ipv6=1");
        Thread.sleep(500);
        JsonNode before = port(lab.status("A"), "eth1").get("counters");
        long rxBefore = rxPackets(lab, "eth1");
        long pid = a.pid();
        long ticksBefore = cpuTicks(pid);
        Process fuzzer = lab.startInNs("B", java(), "-cp", System.getProperty("java.class.path"),
                Flood.class.getName(), "eth1", "90", "mutated", Long.toString(FUZZ_FRAMES));
        long start = System.nanoTime();
        long maxRss = 0;
        while (fuzzer.isAlive()) {
            JsonNode sa = lab.status("A");
            assertNotNull(sa, "A answers");
            assertTrue(distributing(port(sa, "eth2")), "A's eth2 distributing: " + port(sa, "eth2"));
            assertTrue(distributing(port(lab.status("B"), "eth2")), "B's eth2 distributing");
            maxRss = Math.max(maxRss, rssKb(pid));
            Thread.sleep(250);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuTicks(pid) - ticksBefore) / 100.0 / seconds;
        String report = new String(fuzzer.getInputStream().readAllBytes()).strip();
        assertEquals(0, fuzzer.waitFor(), "the fuzzer: " + report);
        String[] words = report.split("[ ;]+");
        long sent = Long.parseLong(words[1]);
        long[] kinds = new long[5]; // LACPDU, Marker, Marker Response, illegal, unknown
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = Long.parseLong(words[words.length - 5 + i]);
        }
        long delivered = rxPackets(lab, "eth1") - rxBefore;
        assertTrue(delivered >= 1_000_000, "a million frames reached A's eth1: " + delivered + " of " + sent);
        // the last frames are taken as the policer lets them, and the kernel's drops read every 100 ms
        lab.await("A", team -> accounted(port(team, "eth1").get("counters")) - accounted(before) == delivered, 10_000);
        JsonNode c = port(lab.status("A"), "eth1").get("counters");
        long lacpdus = delta(c, before, "lacpdu_rx");
        long markers = delta(c, before, "marker_rx");
        long responses = delta(c, before, "marker_resp_rx");
        long illegal = delta(c, before, "lacpdu_illegal_rx");
        long unknown = delta(c, before, "lacpdu_unknown_rx");
        long dropped = delta(c, before, "lacpdu_rx_dropped");
        System.out.printf("fuzz: %s; %d reached A's eth1 (%.0f/s); A counted %d LACPDUs, %d Markers, %d Marker"
                        + " Responses, %d illegal, %d unknown, %d dropped; A: CPU %.0f %% of a core, RSS at most %d MB%n",
                report, delivered, delivered / seconds, lacpdus, markers, responses, illegal, unknown, dropped,
                cpu * 100, maxRss / 1024);
        assertTrue(lacpdus <= kinds[0] && markers <= kinds[1] && responses <= kinds[2] && illegal <= kinds[3]
                && unknown <= kinds[4], "no kind counted more often than it was sent: " + c + " against " + report);
        assertTrue(lacpdus > 0 && illegal > 0 && unknown > 0, "decoded frames of each kind: " + c);
        assertTrue(maxRss < RSS_CEILING_KB, "RSS " + maxRss + " kB");
        assertTrue(distributing(port(lab.status("A"), "eth2")));
    }

    /** Frames a port's counters account for: decoded by kind (a LACPDU with a bad version 2 TLV once), or dropped. */
    private static long accounted(JsonNode c) {
        return c.get("lacpdu_rx").asLong() + c.get("lacpdu_illegal_rx").asLong() - c.get("v2_tlv_illegal_rx").asLong()
                + c.get("lacpdu_unknown_rx").asLong() + c.get("marker_rx").asLong() + c.get("marker_resp_rx").asLong()
                + c.get("lacpdu_rx_dropped").asLong();
    }

    private static long delta(JsonNode after, JsonNode before, String counter) {
        return after.get(counter).asLong() - before.get(counter).asLong();
    }

    /** Frames the kernel delivered to an interface of A. */
    private static long rxPackets(NetnsLab lab, String name) throws IOException, InterruptedException {
        return Long.parseLong(lab.execInNs("A", 5, "cat", "/sys/class/net/" + name + "/statistics/rx_packets")
                .output().strip());
    }

    private static long parseSent(String line) {
        String[] words = line.split(" ");
        return words.length > 1 ? Long.parseLong(words[1]) : 0;
    }

    /** utime + stime of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** The longest gap between frames from {@code source} in a pcap file, within [from, to] wall-clock ms. */
    private static long worstGapMillis(Path pcap, String source, long from, long to) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        long previous = from;
        long worst = 0;
        while (b.remaining() >= 16) {
            long millis = (b.getInt() & 0xFFFFFFFFL) * 1000 + (b.getInt() & 0xFFFFFFFFL) / 1000;
            int captured = b.getInt();
            b.getInt();
            byte[] frame = new byte[captured];
            b.get(frame);
            String mac = String.format("%02x:%02x:%02x:%02x:%02x:%02x", frame[6], frame[7], frame[8], frame[9], frame[10], frame[11]);
            if (mac.equals(source) && millis >= from && millis <= to) {
                worst = Math.max(worst, millis - previous);
                previous = millis;
            }
        }
        return Math.max(worst, to - previous);
    }
}
