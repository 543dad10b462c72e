package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.lacpd.team.NetnsLab.projectRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian package the package phase built: it installs on this machine, its lacpd and lacpctl run from the
 * installed jars, systemd accepts its unit, and it removes cleanly. Needs root; installs and removes the package
 * {@code lacpd}, so it runs only where that package is not installed already.
 */
class DebPackageIT {

    /** Exit status and output (stdout and stderr) of a command. */
    private record Run(int status, String output) {
    }

    private static Run run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Run(p.exitValue(), out);
    }

    private static Run ok(String... cmd) throws IOException, InterruptedException {
        Run r = run(cmd);
        assertEquals(0, r.status(), String.join(" ", cmd) + ":\n" + r.output());
        return r;
    }

    private static Path deb() throws IOException {
        try (Stream<Path> files = Files.list(projectRoot().resolve("team-engine/target"))) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("lacpd_.*\\.deb")).toList();
            assertEquals(1, debs.size(), "mvn package built one package: " + debs);
            return debs.get(0);
        }
    }

    @Test
    void thePackageInstallsRunsAsTheDocsSayAndRemovesCleanly() throws Exception {
        assumeTrue(!run("dpkg-query", "-W", "-f=${Status}", "lacpd").output().contains("ok installed"),
                "the package lacpd is installed here already");
        Path deb = deb();
        List<String> files = List.of("/usr/bin/lacpd", "/usr/bin/lacpctl", "/lib/systemd/system/lacpd@.service",
                "/usr/share/lacpd/team-engine.jar", "/usr/share/man/man8/lacpd.8.gz", "/etc/lacpd/example.conf");
        try {
            ok("dpkg", "-i", deb.toString());
            for (String f : files) {
                assertTrue(Files.exists(Path.of(f)), f);
            }
            assertTrue(ok("/usr/bin/lacpd", "--version").output().matches("lacpd \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"));
            assertTrue(ok("/usr/bin/lacpctl", "--version").output().startsWith("lacpctl "));
            assertEquals("/etc/lacpd/example.conf: ok: team example, ports eth1,eth2, mode lacp, control socket"
                    + " /run/lacpd/example.sock\n", ok("/usr/bin/lacpd", "check", "--config", "/etc/lacpd/example.conf")
                    .output());
            assertTrue(ok("/usr/bin/lacpd", "run", "--help").output().contains("--lacp-rate=fast|slow"));
            assertTrue(ok("zcat", "/usr/share/man/man8/lacpd.8.gz").output().contains("--load-balancing="),
                    "the man page is the help");

            Run verify = run("systemd-analyze", "verify", "lacpd@example.service");
            assertEquals(new Run(0, ""), verify, "systemd accepts the unit, without a warning");
            String unit = Files.readString(Path.of("/lib/systemd/system/lacpd@.service"));
            assertTrue(unit.contains("ExecStart=/usr/bin/lacpd run --config /etc/lacpd/%i.conf\n"), unit);
            assertTrue(unit.contains("Type=notify\n") && unit.contains("WatchdogSec=") && unit.contains("Restart=on-failure\n")
                    && unit.contains("ExecReload=/bin/kill -HUP $MAINPID\n"), unit);

            runsTheInstalledDaemon();

            ok("dpkg", "-r", "lacpd");
            for (String f : files.subList(0, files.size() - 1)) {
                assertFalse(Files.exists(Path.of(f)), f + " removed");
            }
            assertFalse(Files.exists(Path.of("/usr/share/lacpd")));
            assertTrue(Files.exists(Path.of("/etc/lacpd/example.conf")), "a conffile stays until purged");
            ok("dpkg", "-P", "lacpd");
            assertFalse(Files.exists(Path.of("/etc/lacpd")), "purged");
        } finally {
            run("dpkg", "-P", "lacpd");
        }
    }

    /** The installed launcher runs the daemon from /usr/share/lacpd; the installed lacpctl shows its members. */
    private static void runsTheInstalledDaemon() throws Exception {
        try (NetnsLab lab = new NetnsLab(1)) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns("A"), "/usr/bin/lacpd", "run",
                    "--team", "tA", "--ports", "eth1", "--data-plane", "none", "--control-socket", lab.socket("A").toString()));
            Process a = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(lab.log("A").toFile()).start();
            try {
                String brief = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!brief.contains("eth1") && System.nanoTime() - deadline < 0) {
                    brief = run("/usr/bin/lacpctl", "--socket", lab.socket("A").toString(), "status", "--brief").output();
                    Thread.sleep(100);
                }
                assertTrue(brief.startsWith("Name  Team  AdministrativeMode") && brief.contains("\neth1  tA  "),
                        brief + "\n" + lab.readLog("A"));
                assertTrue(List.of(run("pidof", "lacpd").output().strip().split(" ")).contains(Long.toString(a.pid())),
                        "pidof lacpd finds the installed daemon");
                a.destroy();
                assertTrue(a.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, a.exitValue(), lab.readLog("A"));
            } finally {
                a.destroyForcibly();
                a.waitFor();
            }
        }
    }
}
