package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.lacpd.transport.linux.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.portDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lacpd as a service: members changed and the config reloaded through lacpctl. Needs root. */
class ServiceTest {

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private String lacpctl(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--socket", lab.socket("A").toString()));
        all.addAll(List.of(args));
        return LacpCtl.run(all);
    }

    @Test
    void lacpctlPortAddAndRemoveChangeTheMembersWithoutARestartAndReloadReadsTheFile() throws Exception {
        lab = new NetnsLab(2);
        Path conf = lab.dir.resolve("a.conf");
        Files.writeString(conf, "ports = eth1\n");
        Process a = lab.startDaemon("A", "--config", conf.toString());
        lab.startDaemon("B", "--ports", "eth1,eth2");
        lab.await("A", allDistributing(1), 15_000);

        assertEquals("ok: port add eth2: ports eth1,eth2\n", lacpctl("port", "tA", "add", "eth2"));
        lab.await("A", allDistributing(2), 10_000);
        assertEquals(2, lab.port("A", "eth2").get("actor").get("port").asInt());
        assertEquals("tA: eth2 is a member already",
                assertThrows(java.io.IOException.class, () -> lacpctl("port", "tA", "add", "eth2")).getMessage());
        assertEquals("ok: port add eth9: ports eth1,eth2,eth9; not present, joining when they appear: eth9\n",
                lacpctl("port", "tA", "add", "eth9"));
        assertEquals("not present", lab.port("A", "eth9").get("failure_reason").asText());
        assertEquals("ok: port remove eth9: ports eth1,eth2\n", lacpctl("port", "tA", "remove", "eth9"));

        assertEquals("ok: port remove eth1: ports eth2\n", lacpctl("port", "tA", "remove", "eth1"));
        lab.await("B", portDistributing("eth1", false), 3_000);
        assertEquals(1, lab.status("A").get("ports").size());
        assertTrue(NetnsLab.distributing(lab.port("A", "eth2")), "eth2 was not disturbed");
        assertFalse(lab.readLog("A").contains("eth2: not distributing"), lab.readLog("A"));

        // reload takes the file's ports again, as SIGHUP does
        assertEquals("ok: reloaded " + conf + "; removed eth2\n", lacpctl("reload", "tA"));
        lab.await("A", allDistributing(1), 10_000);
        assertEquals("eth1", lab.status("A").get("ports").get(0).get("name").asText());
        Files.writeString(conf, "ports = eth1\nlacp-rate = medium\n");
        assertEquals("tA: lacp-rate 'medium' (expected: fast|slow)".replace("lacp-rate", conf + " line 2: lacp-rate"),
                assertThrows(java.io.IOException.class, () -> lacpctl("reload", "tA")).getMessage());
        assertTrue(a.isAlive());
    }

    @Test
    void theDaemonIsNamedLacpdSaysWhoItIsInItsStatusAndSigtermExits0AfterTellingThePartner() throws Exception {
        lab = new NetnsLab(1);
        Process a = lab.startDaemon("A", "--ports", "eth1");
        lab.startDaemon("B", "--ports", "eth1");
        lab.await("A", allDistributing(1), 15_000);
        assertEquals("lacpd", Files.readString(Path.of("/proc", Long.toString(a.pid()), "comm")).strip());
        assertTrue(List.of(NetnsLab.run("pgrep", "-x", "lacpd").split("\\s+")).contains(Long.toString(a.pid())),
                "pgrep -x lacpd finds it");

        com.fasterxml.jackson.databind.JsonNode daemon = lab.status("A").get("daemon");
        assertEquals(a.pid(), daemon.get("pid").asLong());
        assertEquals(Version.get(), daemon.get("version").asText());
        assertTrue(daemon.get("uptime_s").asLong() >= 0);
        assertTrue(daemon.get("config_file").isNull(), "flags only");
        assertEquals(lab.socket("A").toString(), daemon.get("socket").asText());
        String text = lacpctl("status");
        assertTrue(text.contains("---- tA ----\n  daemon: pid " + a.pid() + ", version " + Version.get() + ", up "),
                text);

        a.destroy(); // SIGTERM
        assertTrue(a.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), lab.readLog("A"));
        assertTrue(lab.readLog("A").contains("stopped: partners told"), lab.readLog("A"));
        lab.await("B", portDistributing("eth1", false), 2_000);
    }

    @Test
    void aMemberMissingAtTheStartIsNotPresentAndJoinsWhenItAppearsAndADeletedOneIsNotPresentAgain() throws Exception {
        lab = new NetnsLab(1);
        Process a = lab.startDaemon("A", "--ports", "eth1,eth2");
        lab.startDaemon("B", "--ports", "eth1,eth2");
        lab.await("A", team -> NetnsLab.distributing(NetnsLab.port(team, "eth1")), 15_000);
        JsonNode eth2 = lab.port("A", "eth2");
        assertEquals("not present", eth2.get("failure_reason").asText());
        assertEquals("degraded", lab.status("A").get("status").asText());
        assertTrue(lab.readLog("A").contains("eth2: not present; it joins the team when it appears"), lab.readLog("A"));

        lab.recreateLink(2); // RTM_NEWLINK: the NIC appears
        lab.await("A", allDistributing(2), 10_000);
        lab.await("B", allDistributing(2), 5_000);
        assertTrue(lab.readLog("A").contains("eth2: present, taken into the team"), lab.readLog("A"));
        assertEquals("up", lab.status("A").get("status").asText());
        assertTrue(lab.port("A", "eth2").get("carrying_traffic").asBoolean(), "the data path holds it");

        lab.inNs("A", "ip", "link", "del", "eth2");
        lab.await("A", team -> "not present".equals(NetnsLab.port(team, "eth2").get("failure_reason").asText()), 3_000);
        lab.recreateLink(2); // a new interface index: the data path takes the new NIC
        lab.await("A", allDistributing(2), 10_000);
        lab.await("A", team -> NetnsLab.port(team, "eth2").get("carrying_traffic").asBoolean(), 2_000);
        assertTrue(a.isAlive());
        int taken = lab.readLog("A").split("eth2: present, taken into the team", -1).length - 1;
        assertEquals(2, taken, lab.readLog("A"));
    }

    /** A unix datagram socket bound at {@code path}, as systemd's notify socket is; Java 17 has none of its own. */
    private static int notifySocket(Path path) throws Exception {
        int fd = Libc.check("socket", () -> Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0));
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer sun = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
        sun.putShort((short) Libc.AF_UNIX).put(name).put((byte) 0);
        Libc.check("bind " + path, () -> Libc.bind(fd, sun.array(), sun.capacity()));
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(1).putLong(0).array(); // 1 s
        Libc.check("SO_RCVTIMEO", () -> Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, timeout.length));
        return fd;
    }

    /** The next datagram, or null when none came within the socket's timeout. */
    private static String receive(int fd) {
        Memory buffer = new Memory(4096);
        try {
            long n = Libc.recvfrom(fd, buffer, new NativeLong(buffer.size()), 0, null, null).longValue();
            return new String(buffer.getByteArray(0, (int) n), StandardCharsets.UTF_8);
        } catch (com.sun.jna.LastErrorException timedOut) {
            return null;
        }
    }

    @Test
    void underSystemdTheDaemonSaysReadyItsEventLoopFeedsTheWatchdogAndAWedgedLoopStopsFeedingIt() throws Exception {
        lab = new NetnsLab(1);
        lab.startDaemon("B", "--ports", "eth1");
        Path socket = lab.dir.resolve("notify");
        int fd = notifySocket(socket);
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", lab.ns("A"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-Dlacpd.test-faults=true",
                "-cp", System.getProperty("java.class.path"), Lacpd.class.getName(), "run", "--team", "tA",
                "--ports", "eth1", "--control-socket", lab.socket("A").toString())
                .redirectErrorStream(true).redirectOutput(lab.log("A").toFile());
        pb.environment().put("NOTIFY_SOCKET", socket.toString());
        pb.environment().put("WATCHDOG_USEC", "400000"); // a ping every 0.2 s
        Process a = pb.start();
        try {
            List<String> got = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (got.stream().filter("WATCHDOG=1"::equals).count() < 3 && System.nanoTime() - deadline < 0) {
                String m = receive(fd);
                if (m != null) {
                    got.add(m);
                }
            }
            assertTrue(got.get(0).startsWith("READY=1\nSTATUS=team tA: ports eth1"), got + "\n" + lab.readLog("A"));
            assertTrue(got.stream().filter("WATCHDOG=1"::equals).count() >= 3, got.toString());
            assertTrue(lab.readLog("A").contains("started: "), "ready once started");

            // a wedged event loop stops feeding the watchdog: systemd would restart it
            LacpCtl.exchange(lab.socket("A"), "test-fault stall", java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
            int before = 0;
            while (receive(fd) != null) { // those sent before the loop wedged; then a second of silence
                assertTrue(++before < 10, "the pings stop");
            }
            a.destroy();
            assertTrue(a.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            String last = null;
            for (String m = receive(fd); m != null; m = receive(fd)) {
                last = m;
            }
            assertEquals("STOPPING=1", last);
            assertEquals(0, a.exitValue());
        } finally {
            a.destroyForcibly();
            a.waitFor();
            Libc.close(fd);
        }
    }
}
