package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
    }

    @Test
    void theDemoNegotiatesFailsOverAndRecoversThenLeavesNothingBehind() throws Exception {
        Path out = Files.createTempFile("lacpd-demo-", ".log");
        try {
            Process demo = new ProcessBuilder(projectRoot().resolve("lacpd").toString(), "demo")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = demo.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                demo.destroy(); // SIGTERM: the demo cleans up on its way out
                demo.waitFor(20, TimeUnit.SECONDS);
            }
            String log = Files.readString(out);
            assertTrue(exited, "the demo finished within 120 s:\n" + log);
            assertEquals(0, demo.exitValue(), log);
            for (String step : new String[] {"both sides distribute on both links", "pulling eth2's carrier",
                    "port eth2: link down", "both links carry traffic again", "[a]", "[b]"}) {
                assertTrue(log.contains(step), "the demo shows '" + step + "':\n" + log);
            }
            assertEquals(2, log.split("stopped: partners told", -1).length - 1,
                    "both daemons' farewells are shown before the demo ends:\n" + log);
            // The demo's namespaces carry its pid (the launcher execs the demo script).
            String namespaces = NetnsLab.run("ip", "netns", "list");
            assertFalse(namespaces.contains("lacpdemo-a-" + demo.pid()), namespaces);
            assertFalse(namespaces.contains("lacpdemo-b-" + demo.pid()), namespaces);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
