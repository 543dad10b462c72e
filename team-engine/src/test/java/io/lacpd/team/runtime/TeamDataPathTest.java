package io.lacpd.team.runtime;

import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.VlanCounters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.NetnsThread;
import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FlowletTable;
import io.lacpd.team.io.CpuAffinity;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import io.lacpd.transport.linux.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two teams, one per namespace, each of eth1 and eth2, the pairs joined by veths; a bare veth pair (eth3) beside
 * them to compare. Traffic between the two team interfaces crosses the whole user-space data path both ways.
 */
class TeamDataPathTest {

    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:aa:00:01");
    private static final MacAddress MAC_B = MacAddress.parse("02:00:00:bb:00:01");
    private static final ObjectMapper JSON = new ObjectMapper();

    private NetnsLab lab;
    private NetnsThread inA;
    private NetnsThread inB;
    private TeamDataPath a;
    private TeamDataPath b;
    private Process server;

    @BeforeEach
    void teams() throws Exception {
        lab = new NetnsLab(3);
        inA = new NetnsThread(lab.nsA);
        inB = new NetnsThread(lab.nsB);
        a = team(inA, MAC_A);
        b = team(inB, MAC_B);
        a.publish(split(MAC_A, true));
        b.publish(split(MAC_B, true));
        lab.inNs("A", "ip", "addr", "add", "10.66.0.1/24", "dev", "team0");
        lab.inNs("B", "ip", "addr", "add", "10.66.0.2/24", "dev", "team0");
        lab.inNs("A", "ip", "addr", "add", "10.67.0.1/24", "dev", "eth3");
        lab.inNs("B", "ip", "addr", "add", "10.67.0.2/24", "dev", "eth3");
    }

    private static TeamDataPath team(NetnsThread ns, MacAddress mac) throws Exception {
        return team(ns, mac, new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS));
    }

    private static TeamDataPath team(NetnsThread ns, MacAddress mac, Distributor distributor) throws Exception {
        return team(ns, mac, distributor, CpuAffinity.ANY);
    }

    private static TeamDataPath team(NetnsThread ns, MacAddress mac, Distributor distributor, CpuAffinity cpus)
            throws Exception {
        return ns.call(() -> {
            TeamDataPath t = TeamDataPath.open("team0", mac, 1500, distributor, cpus);
            t.addMember(0, "eth1");
            t.addMember(1, "eth2");
            return t;
        });
    }

    /** Both members transmit and receive (unless {@code receive2} is false); buckets 0-127 eth1, 128-255 eth2. */
    private static MemberMap split(MacAddress team, boolean receive2) {
        byte[] buckets = new byte[MemberMap.BUCKETS];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = (byte) (i < MemberMap.BUCKETS / 2 ? 0 : 1);
        }
        return new MemberMap(1, List.of(new Member(0, "eth1", team, true, true),
                new Member(1, "eth2", team, true, receive2)), buckets);
    }

    /** Both members transmit and receive; every bucket belongs to {@code slot}. */
    private static MemberMap allOn(long version, int slot) {
        byte[] buckets = new byte[MemberMap.BUCKETS];
        java.util.Arrays.fill(buckets, (byte) slot);
        return new MemberMap(version, List.of(new Member(0, "eth1", MAC_A, true, true),
                new Member(1, "eth2", MAC_A, true, true)), buckets);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        List<Path> locks = List.of();
        if (lab != null) {
            locks = lockFiles();
        }
        for (TeamDataPath t : new TeamDataPath[] {a, b}) {
            if (t != null) {
                t.close();
            }
        }
        for (Path lock : locks) {
            Files.deleteIfExists(lock);
        }
        inA.close();
        inB.close();
        lab.close();
    }

    /** The member locks this test's teams took (named by interface and namespace). */
    private List<Path> lockFiles() throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        for (String ns : List.of(lab.nsA, lab.nsB)) {
            String inode = NetnsLab.runChecked("stat", "-L", "-c", "%i", "/run/netns/" + ns).strip();
            for (String m : List.of("eth1", "eth2")) {
                files.add(Path.of("/run/lacpd/members", m + "." + inode + ".lock"));
            }
        }
        return files;
    }

    @Test
    void pingAndTcpCrossTheTeamAndManyFlowsUseBothMembers() throws Exception {
        assertEquals("1", NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "cat",
                "/sys/class/net/team0/carrier").strip(), "carrier: members may transmit");
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.66.0.2");
        server = new ProcessBuilder("ip", "netns", "exec", lab.nsB, "iperf3", "-s").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);

        DataPathCounters before = a.counters();
        long allocatedBefore = allocatedByDataThreads();
        double team = iperf("10.66.0.2", 1);
        long allocated = allocatedByDataThreads() - allocatedBefore;
        DataPathCounters after = a.counters();
        double bare = iperf("10.67.0.2", 1);
        long frames = after.txPackets() - before.txPackets();
        long averageFrame = (after.txBytes() - before.txBytes()) / Math.max(1, frames);
        long framesBoth = frames + after.rxPackets() - before.rxPackets();
        System.out.printf("single TCP stream: team %.2f Gbit/s, bare veth %.2f Gbit/s (%.0f %%); "
                        + "frames from the TAP average %d octets; data threads allocated %d octets for %d frames%n",
                team / 1e9, bare / 1e9, 100 * team / bare, averageFrame, allocated, framesBoth);
        assertTrue(allocated < 256 * 1024, "the data path allocates nothing per frame: " + allocated
                + " octets for " + framesBoth + " frames");
        assertTrue(team > 100e6, "TCP through the team: " + team + " bit/s");
        assertTrue(averageFrame > 10_000, "super-frames pass whole: " + averageFrame + " octets on average");
        assertEquals(0, after.dropSendError() + after.malformed() + b.counters().malformed(), after.toString());

        assumeTrue(spreadsByPorts(), "this Distributor hashes MACs only: one flow pair cannot use both members");
        before = a.counters();
        double eight = iperf("10.66.0.2", 8);
        after = a.counters();
        long eth1 = after.member(0).txPackets() - before.member(0).txPackets();
        long eth2 = after.member(1).txPackets() - before.member(1).txPackets();
        System.out.printf("8 streams: team %.2f Gbit/s; frames eth1 %d, eth2 %d%n", eight / 1e9, eth1, eth2);
        assertTrue(eth1 > 0 && eth2 > 0, "8 flows use both members: eth1 " + eth1 + ", eth2 " + eth2);
    }

    /**
     * data-cpus: both data threads of a team run on the CPU asked (the last this process may use), and the team
     * carries traffic from there; the other team's threads keep the scheduler's choice.
     */
    @Test
    void theDataThreadsRunOnTheCpusAsked() throws Exception {
        String allowed = taskStatus(Path.of("/proc/self/status"), "Cpus_allowed_list");
        String last = allowed.replaceAll(".*[,-]", "");
        a.close();
        a = team(inA, MAC_A, new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS), CpuAffinity.parse(last));
        a.publish(split(MAC_A, true));
        lab.inNs("A", "ip", "addr", "add", "10.66.0.1/24", "dev", "team0");

        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.66.0.2");
        java.util.Map<String, List<String>> cpusByThread = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String name = Files.readString(task.resolve("comm")).strip();
                if (name.startsWith("team-tx-") || name.startsWith("team-rx-")) {
                    cpusByThread.computeIfAbsent(name, k -> new java.util.ArrayList<>())
                            .add(taskStatus(task.resolve("status"), "Cpus_allowed_list"));
                }
            }
        }
        // both teams' interfaces are team0: per name, one thread of each
        List<String> both = java.util.stream.Stream.of(allowed, last).sorted().toList();
        cpusByThread.values().forEach(java.util.Collections::sort);
        assertEquals(java.util.Map.of("team-rx-team0", both, "team-tx-team0", both), cpusByThread,
                "A's data threads on CPU " + last + ", B's anywhere");
        assertTrue(a.counters().rxPackets() >= 3, a.counters().toString());
    }

    private static String taskStatus(Path status, String field) throws Exception {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).strip()).findFirst().orElseThrow();
    }


    /**
     * A VLAN interface on each team: TCP over VLAN 100 is tagged on the members and untagged on the far side,
     * with no allocation per frame; the VLAN interface's carrier follows the team's; removed, it disappears.
     */
    @Test
    void aVlanInterfaceCarriesItsVlanTaggedWithTheTeamsCarrierAndAllocatesNothing() throws Exception {
        inA.call(() -> {
            a.addVlan(100, "team0.100");
            return null;
        });
        inB.call(() -> {
            b.addVlan(100, "team0.100");
            return null;
        });
        assertEquals("1", sysctlNet(lab.nsA, "team0.100/carrier"), "carrier: the team may transmit");
        lab.inNs("A", "ip", "addr", "add", "10.68.0.1/24", "dev", "team0.100");
        lab.inNs("B", "ip", "addr", "add", "10.68.0.2/24", "dev", "team0.100");
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.68.0.2");
        server = new ProcessBuilder("ip", "netns", "exec", lab.nsB, "iperf3", "-s").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);
        long allocatedBefore = allocatedByDataThreads();
        double vlan = iperf("10.68.0.2", 1);
        long allocated = allocatedByDataThreads() - allocatedBefore;
        VlanCounters sent = a.vlans().get(0);
        VlanCounters received = b.vlans().get(0);
        System.out.printf("single TCP stream over VLAN 100: %.2f Gbit/s; A's team0.100 sent %d frames, B's received"
                + " %d; data threads allocated %d octets%n", vlan / 1e9, sent.txPackets(), received.rxPackets(), allocated);
        assertTrue(vlan > 100e6, "TCP over VLAN 100: " + vlan + " bit/s");
        assertTrue(allocated < 256 * 1024, "the VLAN path allocates nothing per frame: " + allocated + " octets");
        assertEquals(100, sent.vid());
        assertTrue(sent.txBytes() / Math.max(1, sent.txPackets()) > 10_000, "super-frames tagged whole: " + sent);
        assertTrue(received.rxPackets() > 0, received.toString());
        assertEquals(0, a.counters().malformed() + b.counters().malformed() + a.counters().dropSendError());

        a.publish(MemberMap.EMPTY);
        assertEquals("0", sysctlNet(lab.nsA, "team0.100/carrier"), "no member may transmit: no carrier");
        a.publish(split(MAC_A, true));
        assertEquals("1", sysctlNet(lab.nsA, "team0.100/carrier"));
        assertTrue(a.removeVlan(100));
        assertTrue(!a.removeVlan(100), "removed once");
        assertTrue(a.vlans().isEmpty());
        assertTrue(lab.execInNs("A", 5, "ip", "link", "show", "team0.100").exitCode() != 0, "team0.100 is gone");
    }

    @Test
    void withAFlowletTableAFlowFollowsItsBucketAfterAPause() throws Exception {
        a.close();
        FlowletTable flowlets = new FlowletTable(1024, 500_000);
        a = team(inA, MAC_A, new Distributor(LoadBalancingAlgorithm.DYNAMIC, FlowHash.DEFAULT_SEED, flowlets));
        a.publish(allOn(1, 0));
        lab.inNs("A", "ip", "addr", "add", "10.66.0.1/24", "dev", "team0");
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.66.0.2");

        // The flow's bucket moves to eth2 while eth1 may still transmit: the flow follows only at a pause, which
        // the 200 ms between echoes is when the data path gives the distributor the time.
        a.publish(allOn(2, 1));
        DataPathCounters before = a.counters();
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "5", "-i", "0.2", "-W", "2", "10.66.0.2");
        DataPathCounters after = a.counters();
        long eth2 = after.member(1).txPackets() - before.member(1).txPackets();
        assertTrue(eth2 >= 5, "the echoes follow their bucket to eth2: " + eth2);
        a.close(); // joins the transmit thread: its table is ours to read
        assertTrue(flowlets.moves() > 0, "moved at a flowlet boundary: " + flowlets.moves());
    }

    @Test
    void aMemberNotReceivingDropsItsFramesBeforeTheHost() throws Exception {
        // A knows B's MAC (no ARP needed) and sends everything on eth2, which B may not receive on
        lab.inNs("A", "ip", "neigh", "replace", "10.66.0.2", "lladdr", MAC_B.toString(), "dev", "team0", "nud",
                "permanent");
        byte[] all2 = new byte[MemberMap.BUCKETS];
        java.util.Arrays.fill(all2, (byte) 1);
        a.publish(new MemberMap(2, List.of(new Member(0, "eth1", MAC_A, true, true),
                new Member(1, "eth2", MAC_A, true, true)), all2));
        b.publish(split(MAC_B, false));
        long hostBefore = rxPackets(lab.nsB);
        DataPathCounters before = b.counters();

        NetnsLab.run("ip", "netns", "exec", lab.nsA, "ping", "-c", "10", "-i", "0.05", "-W", "1", "10.66.0.2");

        DataPathCounters after = b.counters();
        long dropped = after.member(1).dropNotCollecting() - before.member(1).dropNotCollecting();
        assertTrue(dropped >= 10, "eth2's frames are counted as dropped: " + dropped);
        assertEquals(before.member(1).rxPackets(), after.member(1).rxPackets());
        assertEquals(dropped, after.dropNotCollecting() - before.dropNotCollecting(), "the team sums its members");
        assertEquals(hostBefore, rxPackets(lab.nsB), "none reached B's host stack");
    }

    @Test
    void aMemberSetDownIsToldGoneOnceUntilAFrameLeavesOnItAgain() throws Exception {
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        a.onMemberGone((slot, name, errno) -> told.add(slot + " " + name + " " + errno));
        lab.inNs("A", "ip", "neigh", "replace", "10.66.0.2", "lladdr", MAC_B.toString(), "dev", "team0", "nud",
                "permanent");
        a.publish(allOn(2, 0)); // every echo leaves on eth1
        String gone = "0 eth1 " + Libc.ENETDOWN;
        for (int round = 1; round <= 2; round++) {
            lab.inNs("A", "ip", "link", "set", "eth1", "down");
            long errorsBefore = a.counters().member(0).dropSendError();
            NetnsLab.run("ip", "netns", "exec", lab.nsA, "ping", "-c", "5", "-i", "0.05", "-W", "1", "10.66.0.2");
            assertEquals(gone, told.poll(2, TimeUnit.SECONDS), "round " + round);
            assertTrue(a.counters().member(0).dropSendError() - errorsBefore >= 5, "every echo refused");
            assertEquals(null, told.poll(200, TimeUnit.MILLISECONDS), "told once, not once a frame");

            lab.inNs("A", "ip", "link", "set", "eth1", "up");
            NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "2", "-i", "0.2", "-W", "2",
                    "10.66.0.2"); // a frame left on eth1 again: the next failure is told again
        }
    }

    @Test
    void membersLeaveAndJoinAtRunTimeAndCloseGivesThemBack() throws Exception {
        byte[] all1 = new byte[MemberMap.BUCKETS];
        a.publish(new MemberMap(2, List.of(new Member(0, "eth1", MAC_A, true, true)), all1));
        a.removeMember(1);
        assertEquals("0", sysctl(lab.nsA, "ipv4/conf/eth2/arp_ignore"), "eth2 is the host's again");
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.66.0.2");
        assertEquals(null, a.counters().member(1));

        inA.call(() -> {
            a.addMember(1, "eth2");
            return null;
        });
        a.publish(split(MAC_A, true));
        assertEquals("8", sysctl(lab.nsA, "ipv4/conf/eth2/arp_ignore"));
        NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.66.0.2");

        a.publish(MemberMap.EMPTY);
        assertEquals("0", NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "cat",
                "/sys/class/net/team0/carrier").strip(), "no member may transmit: no carrier");

        long dataThreadsBefore = dataThreads();
        long start = System.nanoTime();
        a.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closeMillis < 1000, "close took " + closeMillis + " ms");
        assertEquals(List.of("0", "0"), List.of(sysctl(lab.nsA, "ipv4/conf/eth1/arp_ignore"),
                sysctl(lab.nsA, "ipv4/conf/eth2/arp_ignore")));
        assertTrue(!NetnsLab.run("ip", "-n", lab.nsA, "link", "show").contains("team0"), "team0 is gone");
        assertEquals(dataThreadsBefore - 2, dataThreads(), "A's two data threads stopped");
    }

    @Test
    void anIdleTeamUsesNoCpu() throws Exception {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Thread> data = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("team-tx-") || t.getName().startsWith("team-rx-")).toList();
        assertTrue(data.size() >= 4, "both teams' threads: " + data);
        Thread.sleep(200);
        long before = data.stream().mapToLong(t -> cpu.getThreadCpuTime(t.getId())).sum();
        Thread.sleep(1000);
        long used = data.stream().mapToLong(t -> cpu.getThreadCpuTime(t.getId())).sum() - before;
        assertTrue(used < 20_000_000, "idle data threads used " + used / 1000 + " us of CPU in a second");
    }

    /** Heap octets the four data threads (both teams) have allocated so far. */
    private static long allocatedByDataThreads() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("team-tx-") || t.getName().startsWith("team-rx-"))
                .mapToLong(t -> threads.getThreadAllocatedBytes(t.getId())).sum();
    }

    private static long dataThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("team-tx-") || t.getName().startsWith("team-rx-")).count();
    }

    private static String sysctlNet(String ns, String name) throws Exception {
        return NetnsLab.runChecked("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + name).strip();
    }

    private static String sysctl(String ns, String name) throws Exception {
        return NetnsLab.runChecked("ip", "netns", "exec", ns, "cat", "/proc/sys/net/" + name).strip();
    }

    /** Whether the Distributor sends two flows of the same hosts on different members. */
    private static boolean spreadsByPorts() {
        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        MemberMap map = split(MAC_A, true);
        ByteBuffer frame = ByteBuffer.allocate(64);
        frame.putShort(12, (short) 0x0800).put(14, (byte) 0x45).put(23, (byte) 6);
        frame.putInt(26, 0x0a420001).putInt(30, 0x0a420002).putShort(36, (short) 5201);
        int first = -2;
        for (int port = 40000; port < 40064; port++) {
            frame.putShort(34, (short) port);
            int slot = d.transmitSlot(map, frame, 0, 64);
            if (first != -2 && slot != first) {
                return true;
            }
            first = slot;
        }
        return false;
    }

    private static long rxPackets(String ns) throws Exception {
        return Long.parseLong(NetnsLab.runChecked("ip", "netns", "exec", ns, "cat",
                "/sys/class/net/team0/statistics/rx_packets").strip());
    }

    /** Bits per second an iperf3 TCP transfer from A to {@code address} received, with {@code streams}. */
    private double iperf(String address, int streams) throws Exception {
        String out = NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "iperf3", "-c", address, "-t", "3",
                "-P", Integer.toString(streams), "-J");
        JsonNode result = JSON.readTree(out);
        return result.get("end").get("sum_received").get("bits_per_second").asDouble();
    }
}
