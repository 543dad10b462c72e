package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.portDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hyperv-port} with virtual machines behind the team: four namespaces with MACs of their own on a Linux
 * bridge over A's team interface, A's lacpd against B's over two veth pairs. B captures on its members what A
 * sends, by source MAC. Needs root, tcpdump and ping; the namespaces it makes are its own and removed after.
 */
class HyperVPortTrafficTest {

    private static final String ADDRESS_B = "192.0.2.2";
    private static final int VMS = 4;

    private NetnsLab lab;
    private final List<String> vms = new ArrayList<>();
    private final List<Process> captures = new ArrayList<>();
    private final Map<String, Path> files = new HashMap<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : captures) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.close();
        }
        for (String vm : vms) {
            NetnsLab.run("ip", "netns", "del", vm);
        }
    }

    private static String vmMac(int i) {
        return String.format("02:00:00:0c:00:%02x", i);
    }

    /** The VMs' namespaces, each a veth to A's bridge, with its own MAC and address. */
    private void virtualMachines() throws Exception {
        lab.inNs("A", "ip", "link", "add", "br0", "type", "bridge");
        lab.inNs("A", "sysctl", "-q", "-w", "net.ipv6.conf.br0.disable_ipv6=1");
        lab.inNs("A", "ip", "link", "set", "tA", "master", "br0");
        lab.inNs("A", "ip", "link", "set", "tA", "up");
        lab.inNs("A", "ip", "link", "set", "br0", "up");
        for (int i = 1; i <= VMS; i++) {
            String vm = "lt-" + lab.id + "-v" + i;
            NetnsLab.sh("ip", "netns", "add", vm);
            vms.add(vm);
            NetnsLab.sh("ip", "-n", vm, "link", "add", "eth0", "address", vmMac(i), "type", "veth",
                    "peer", "name", "vm" + i, "netns", lab.nsA);
            NetnsLab.sh("ip", "netns", "exec", vm, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            NetnsLab.sh("ip", "-n", vm, "addr", "add", "192.0.2." + (10 + i) + "/24", "dev", "eth0");
            NetnsLab.sh("ip", "-n", vm, "link", "set", "eth0", "up");
            lab.inNs("A", "ip", "link", "set", "vm" + i, "master", "br0");
            lab.inNs("A", "ip", "link", "set", "vm" + i, "up");
        }
    }

    /** Every VM pings B; true when all were answered. */
    private boolean allPing(int count) throws Exception {
        List<Process> pings = new ArrayList<>();
        for (String vm : vms) {
            pings.add(new ProcessBuilder("ip", "netns", "exec", vm, "ping", "-c", Integer.toString(count), "-i", "0.05",
                    "-W", "2", ADDRESS_B).redirectErrorStream(true).start());
        }
        boolean all = true;
        for (Process p : pings) {
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
            all &= p.exitValue() == 0;
        }
        return all;
    }

    private static final Pattern SOURCE = Pattern.compile("^([0-9a-f:]{17}) > ");

    /** Captures on B's members while {@code traffic} runs: by member, the source MACs seen there and how often. */
    private Map<String, Map<String, Integer>> capture(List<String> members, Check traffic) throws Exception {
        Map<String, Process> dumps = new HashMap<>();
        for (String m : members) {
            Path out = lab.dir.resolve("dump-" + m + "-" + System.nanoTime() + ".txt");
            Process p = new ProcessBuilder("ip", "netns", "exec", lab.nsB, "tcpdump", "-i", m, "-Q", "in", "-e", "-n",
                    "-l", "-t", "not ether proto 0x8809").redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            captures.add(p);
            dumps.put(m, p);
            files.put(m, out);
        }
        Thread.sleep(1000);
        traffic.run();
        Thread.sleep(500);
        Map<String, Map<String, Integer>> seen = new HashMap<>();
        for (String m : members) {
            Process p = dumps.get(m);
            p.destroy();
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "tcpdump stopped");
            Map<String, Integer> macs = new HashMap<>();
            for (String line : Files.readAllLines(files.get(m))) {
                Matcher mm = SOURCE.matcher(line);
                if (mm.find()) {
                    macs.merge(mm.group(1), 1, Integer::sum);
                }
            }
            seen.put(m, macs);
        }
        return seen;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    @Test
    void eachVirtualMachineLeavesOnOneMemberWithItsOwnMacBothAreUsedAndAPulledMemberMovesOnlyItsOwn()
            throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a",
                "--load-balancing", "HyperVPort");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        lab.inNs("B", "ip", "addr", "add", ADDRESS_B + "/24", "dev", "tB");
        lab.inNs("B", "ip", "link", "set", "tB", "up");
        virtualMachines();

        Map<String, Map<String, Integer>> seen = capture(List.of("eth1", "eth2"), () ->
                assertTrue(allPing(40), "every VM reaches B through the team"));
        System.out.println("source MACs by B's member: " + seen);
        Map<String, String> memberOf = new HashMap<>();
        for (int i = 1; i <= VMS; i++) {
            String mac = vmMac(i);
            Set<String> on = new HashSet<>();
            for (String m : seen.keySet()) {
                if (seen.get(m).containsKey(mac)) {
                    on.add(m);
                }
            }
            assertEquals(1, on.size(), mac + " seen on exactly one member: " + seen);
            assertTrue(seen.get(on.iterator().next()).get(mac) >= 40, mac + " sent its pings: " + seen);
            memberOf.put(mac, on.iterator().next());
        }
        assertEquals(2, new HashSet<>(memberOf.values()).size(), "both members carry virtual ports: " + memberOf);
        long onEth1 = memberOf.values().stream().filter("eth1"::equals).count();
        assertEquals(2, onEth1, "four ports on two members: two each: " + memberOf);

        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        lab.await("A", portDistributing("eth2", false), 3_000);
        Map<String, Map<String, Integer>> after = capture(List.of("eth1"), () ->
                assertTrue(allPing(20), "every VM still reaches B with eth2 pulled"));
        for (int i = 1; i <= VMS; i++) {
            assertTrue(after.get("eth1").getOrDefault(vmMac(i), 0) >= 20, vmMac(i) + " now on eth1: " + after);
        }
    }
}
