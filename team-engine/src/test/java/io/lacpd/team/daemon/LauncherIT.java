package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.projectRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers users run, after the package phase built what they start: {@code ./lacpd run} (with the
 * startup archive scripts/startup-archive records) and {@code ./lacpd demo}, the README's main command.
 * Needs root.
 */
class LauncherIT {

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /** The processes whose network namespace is one of these ("net:[INODE]", as /proc/PID/ns/net reads). */
    private static List<String> processesIn(Set<String> namespaces) throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path pid : proc) {
                try {
                    if (namespaces.contains(Files.readSymbolicLink(pid.resolve("ns/net")).toString())) {
                        String cmdline = Files.readString(pid.resolve("cmdline")).replace('\0', ' ');
                        found.add(pid.getFileName() + " " + cmdline);
                    }
                } catch (IOException gone) {
                    // the process ended while the list was read
                }
            }
        }
        return found;
    }

    @Test
    void lacpdRunStartsTheDaemonFromItsStartupArchiveAndItNegotiates() throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startLauncher("A", "--ports", "eth1,eth2");
        lab.startDaemon("B", "--ports", "eth1,eth2");
        // On first use the launcher records the archive first (a training run of about a second).
        lab.await("A", allDistributing(2), 30_000);
        lab.await("B", allDistributing(2), 5_000);
        Path archive = projectRoot().resolve("team-engine/target/lacpd.jsa");
        assertTrue(Files.isRegularFile(archive), "the launcher recorded " + archive + "\n" + lab.readLog("A"));
        String maps = Files.readString(Path.of("/proc", Long.toString(a.pid()), "maps"));
        assertTrue(maps.contains(archive.toString()), "the daemon maps the archive:\n" + lab.readLog("A"));
        assertFalse(lab.readLog("A").contains("warning"), lab.readLog("A"));
        String pid = Long.toString(a.pid());
        assertTrue(List.of(NetnsLab.run("pidof", "lacpd").strip().split(" ")).contains(pid), "pidof lacpd finds it");
        assertTrue(List.of(NetnsLab.run("pgrep", "-x", "lacpd").strip().split("\n")).contains(pid), "so does pgrep -x");
    }

    @Test
    void theLaunchersWorkThroughSymlinks() throws Exception {
        Path dir = Files.createTempDirectory("lacpd-links-");
        try {
            for (String launcher : List.of("lacpd", "lacpctl")) {
                Path link = Files.createSymbolicLink(dir.resolve(launcher), projectRoot().resolve(launcher));
                Process p = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.startsWith(launcher + " "), out);
                Files.delete(link);
            }
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void theDemoNegotiatesCarriesTrafficFailsOverAndRecoversThenLeavesNothingBehind() throws Exception {
        Path out = Files.createTempFile("lacpd-demo-", ".log");
        try {
            Process demo = new ProcessBuilder(projectRoot().resolve("lacpd").toString(), "demo")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // The demo's namespaces, by identity: their names are gone at the end, the namespaces not always.
            Set<String> lab = new HashSet<>();
            while (lab.size() < 2 && demo.isAlive() && System.nanoTime() < deadline) {
                for (String side : new String[] {"a", "b"}) {
                    Path named = Path.of("/run/netns", "lacpdemo-" + side + "-" + demo.pid());
                    if (Files.exists(named)) {
                        lab.add("net:[" + Files.getAttribute(named, "unix:ino") + "]");
                    }
                }
                Thread.sleep(100);
            }
            assertEquals(2, lab.size(), "the demo made its two namespaces");
            boolean exited = demo.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!exited) {
                demo.destroy(); // SIGTERM: the demo cleans up on its way out
                demo.waitFor(20, TimeUnit.SECONDS);
            }
            String log = Files.readString(out);
            assertTrue(exited, "the demo finished within 120 s:\n" + log);
            assertEquals(0, demo.exitValue(), log);
            for (String step : new String[] {"both sides distribute on both links", "[a]", "[b]",
                    "== ping from A to B through the team", "iperf3 from A to B: 8 TCP streams for 3 s",
                    "== a ping stream every 10 ms from A to B", "both links carry traffic again"}) {
                assertTrue(log.contains(step), "the demo shows '" + step + "':\n" + log);
            }
            assertTrue(log.contains("3 packets transmitted, 3 received, 0% packet loss"),
                    "the pings are answered:\n" + log);
            Matcher rate = Pattern.compile("received: ([0-9.]+) Gbit/s").matcher(log);
            assertTrue(rate.find() && Double.parseDouble(rate.group(1)) > 0.1, "the transfer moved data:\n" + log);
            Matcher spread = Pattern.compile("A's members sent: eth1 (\\d+) packets .*, eth2 (\\d+) packets")
                    .matcher(log);
            // Both members carry some of the 8 flows but for the odd run (2 in 256) whose ports hash alike.
            assertTrue(spread.find() && Long.parseLong(spread.group(1)) + Long.parseLong(spread.group(2)) > 1000,
                    "the members' packets are counted:\n" + log);
            Matcher pulled = Pattern.compile("pulling (eth[12])'s carrier").matcher(log);
            assertTrue(pulled.find(), "a member is pulled:\n" + log);
            String member = pulled.group(1);
            assertTrue(log.contains("port " + member + ": link down"), "A shows it down:\n" + log);
            Matcher lost = Pattern.compile("ping stream: (\\d+) sent, (\\d+) answered: (\\d+) lost while "
                    + member + " was pulled").matcher(log);
            assertTrue(lost.find(), "the pings lost are counted:\n" + log);
            assertEquals(400, Integer.parseInt(lost.group(1)), log);
            assertEquals(Integer.parseInt(lost.group(1)) - Integer.parseInt(lost.group(2)),
                    Integer.parseInt(lost.group(3)), log);
            assertTrue(log.contains(member + " carries again"), "the member carries traffic again:\n" + log);
            assertEquals(2, log.split("stopped: partners told", -1).length - 1,
                    "both daemons' farewells are shown before the demo ends:\n" + log);
            assertTrue(log.indexOf("both links carry traffic again") < log.indexOf("stopped: partners told"), log);
            // The demo's namespaces carry its pid (the launcher execs the demo script).
            String namespaces = NetnsLab.run("ip", "netns", "list");
            assertFalse(namespaces.contains("lacpdemo-a-" + demo.pid()), namespaces);
            assertFalse(namespaces.contains("lacpdemo-b-" + demo.pid()), namespaces);
            // Nor any process of its own (daemons, ping, iperf3): none is still in the namespaces it made.
            List<String> left = processesIn(lab);
            assertTrue(left.isEmpty(), "the demo left these running: " + left + "\n" + log);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
