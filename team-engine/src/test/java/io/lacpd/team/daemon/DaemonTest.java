package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lacpd.team.NetnsLab.allDistributing;
import static io.lacpd.team.NetnsLab.portDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two lacpd processes in two network namespaces over two veth pairs, through the real pcap and netlink
 * path. Needs root; each test builds and removes its own namespaces.
 */
class DaemonTest {

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /** A and B on both links, both distributing on both; returns A's daemon. */
    private Process converge() throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        return a;
    }

    @Test
    void twoDaemonsDistributeOnBothLinksAndEachSeesTheOthersActorAsItsPartner() throws Exception {
        converge();
        // The last state change (Collecting, Distributing) may still be on its way, held by the transmit
        // limit: each side's record of the other settles within a Fast_Periodic_Time.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        JsonNode a;
        JsonNode b;
        do {
            a = lab.status("A");
            b = lab.status("B");
        } while (!mirrored(a, b) && System.nanoTime() - end < 0);
        assertEquals("up", a.get("status").asText());
        for (int i = 0; i < 2; i++) {
            JsonNode pa = a.get("ports").get(i);
            JsonNode pb = b.get("ports").get(i);
            assertEquals(pa.get("actor"), withoutV2(pb.get("partner")), "B's partner on " + pb.get("name"));
            assertEquals(pb.get("actor"), withoutV2(pa.get("partner")), "A's partner on " + pa.get("name"));
            assertTrue(pa.get("failure_reason").isNull());
        }
        assertEquals("02:00:00:00:00:0b", a.get("aggregators").get(0).get("partner_system").asText());
    }

    /** A partner's information without its version 2 TLVs, which only the partner side of the status carries. */
    private static JsonNode withoutV2(JsonNode partner) {
        ObjectNode copy = partner.deepCopy();
        copy.remove("v2");
        return copy;
    }

    private static boolean mirrored(JsonNode a, JsonNode b) {
        for (int i = 0; i < 2; i++) {
            JsonNode pa = a.get("ports").get(i);
            JsonNode pb = b.get("ports").get(i);
            if (!pa.get("actor").equals(withoutV2(pb.get("partner"))) || !pb.get("actor").equals(withoutV2(pa.get("partner")))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void carrierLossTakesTheLinkOutOnBothSidesAndCarrierBringsItBack() throws Exception {
        converge();
        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        long a = lab.await("A", portDistributing("eth2", false), 2_000);
        lab.await("B", portDistributing("eth2", false), 2_000);
        System.out.printf("carrier loss seen by A's status after %.1f ms (including the status round trip)%n", a / 1e6);
        assertEquals("link down", lab.port("A", "eth2").get("failure_reason").asText());
        assertTrue(NetnsLab.distributing(lab.port("A", "eth1")), "the other link carries on");
        lab.inNs("B", "ip", "link", "set", "eth2", "up");
        lab.await("A", allDistributing(2), 5_000);
        lab.await("B", allDistributing(2), 5_000);
    }

    @Test
    void aKilledDaemonIsExpiredByItsPartnerAndARestartReconverges() throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startDaemon("A", "--ports", "eth1,eth2");
        lab.startDaemon("B", "--ports", "eth1,eth2");
        lab.await("B", allDistributing(2), 15_000);
        a.destroyForcibly(); // SIGKILL: no farewell
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        long expired = lab.await("B", team -> team.get("ports").get(0).get("receive_state").asText().equals("EXPIRED")
                || team.get("ports").get(0).get("receive_state").asText().equals("DEFAULTED"), 5_000);
        System.out.printf("partner expired %.0f ms after the kill (short timeout: 3 s after the last LACPDU)%n", expired / 1e6);
        assertTrue(expired > TimeUnit.SECONDS.toNanos(1), "B waited for the timeout, it was not told");
        assertFalse(NetnsLab.distributing(lab.port("B", "eth1")));
        lab.startDaemon("A", "--ports", "eth1,eth2");
        lab.await("B", allDistributing(2), 15_000);
        lab.await("A", allDistributing(2), 5_000);
    }

    @Test
    void aStoppedDaemonTellsItsPartnerWhichStopsDistributingWithinASecond() throws Exception {
        Process a = converge();
        a.destroy(); // SIGTERM
        long stopped = lab.await("B", team -> !NetnsLab.distributing(team.get("ports").get(0))
                && !NetnsLab.distributing(team.get("ports").get(1)), 1_000);
        System.out.printf("partner stopped distributing %.0f ms after SIGTERM%n", stopped / 1e6);
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(lab.socket("A")), "the control socket is removed");
        assertEquals("partner not in sync", lab.port("B", "eth1").get("failure_reason").asText());
        assertTrue(lab.readLog("A").contains("stopped: partners told"), lab.readLog("A"));
    }

    @Test
    void aMemberDeletedAndCreatedAgainIsPickedUpWithoutARestart() throws Exception {
        converge();
        lab.inNs("A", "ip", "link", "del", "eth2"); // deletes both ends of the pair
        lab.await("A", portDistributing("eth2", false), 2_000);
        lab.await("B", portDistributing("eth2", false), 2_000);
        assertEquals("not present", lab.port("A", "eth2").get("failure_reason").asText());
        lab.recreateLink(2);
        lab.await("A", allDistributing(2), 10_000);
        lab.await("B", allDistributing(2), 5_000);
    }

    @Test
    void sighupReloadsTheConfigAndUnchangedPortsKeepTheirState() throws Exception {
        lab = new NetnsLab(2);
        Path conf = lab.dir.resolve("a.conf");
        Files.writeString(conf, "ports = eth1, eth2\nlacp-rate = fast\n");
        Process a = lab.startDaemon("A", "--config", conf.toString());
        lab.startDaemon("B", "--ports", "eth1,eth2");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        Files.writeString(conf, "ports = eth1, eth2\nlacp-rate = slow\n");
        NetnsLab.sh("kill", "-HUP", Long.toString(a.pid()));
        lab.await("B", team -> team.get("ports").get(0).get("partner").get("state").get("timeout").asText().equals("long")
                && team.get("ports").get(1).get("partner").get("state").get("timeout").asText().equals("long"), 3_000);
        assertEquals("SLOW_PERIODIC", lab.port("B", "eth1").get("periodic_state").asText(), "B now sends every 30 s");
        String log = lab.readLog("A");
        assertTrue(log.contains("reloaded " + conf), log);
        assertFalse(log.substring(log.indexOf("reloaded")).contains("not distributing"),
                "a rate change needs no reselection: " + log);
        assertTrue(NetnsLab.distributing(lab.port("A", "eth1")));
        Files.writeString(conf, "ports = eth1, eth2\nlacp-rate = medium\n");
        NetnsLab.sh("kill", "-HUP", Long.toString(a.pid()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!lab.readLog("A").contains("reload failed") && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
        assertTrue(lab.readLog("A").contains("reload failed, keeping the running config: " + conf
                        + " line 2: lacp-rate 'medium' (expected: fast|slow)"),
                lab.readLog("A"));
        assertTrue(a.isAlive());
    }

    @Test
    void sighupAddsAndRemovesPortsWithoutDisturbingTheOthers() throws Exception {
        lab = new NetnsLab(2);
        Path conf = lab.dir.resolve("a.conf");
        Files.writeString(conf, "ports = eth1\n");
        Process a = lab.startDaemon("A", "--config", conf.toString());
        lab.startDaemon("B", "--ports", "eth1,eth2");
        lab.await("A", allDistributing(1), 15_000);
        Files.writeString(conf, "ports = eth1, eth2\n");
        NetnsLab.sh("kill", "-HUP", Long.toString(a.pid()));
        lab.await("A", allDistributing(2), 10_000);
        lab.await("B", allDistributing(2), 5_000);
        assertEquals(2, lab.port("A", "eth2").get("actor").get("port").asInt());
        Files.writeString(conf, "ports = eth2\n");
        NetnsLab.sh("kill", "-HUP", Long.toString(a.pid()));
        lab.await("B", portDistributing("eth1", false), 3_000);
        assertEquals(1, lab.status("A").get("ports").size());
        assertEquals(2, lab.port("A", "eth2").get("actor").get("port").asInt(), "eth2 keeps its port number");
        assertTrue(NetnsLab.distributing(lab.port("B", "eth2")));
        String log = lab.readLog("A");
        assertFalse(log.contains("eth2: not distributing"), "eth2 was never disturbed: " + log);
    }

    /**
     * Started with SIGHUP and SIGTERM ignored, as under nohup or by a script's shell: the JVM alone would leave them
     * ignored, so a reload would never come and a stop would need SIGKILL. SIGHUP still reloads, SIGTERM still
     * stops, with exit 0.
     */
    @Test
    void startedWithTheSignalsIgnoredSighupStillReloadsAndSigtermStillStops() throws Exception {
        lab = new NetnsLab(1);
        Path conf = lab.dir.resolve("a.conf");
        Files.writeString(conf, "ports = eth1\nlacp-rate = fast\n");
        Process a = lab.startDaemonUnder("A", List.of("sh", "-c", "trap '' HUP TERM; exec \"$@\"", "sh"),
                "--config", conf.toString());
        lab.await("A", team -> team.get("ports").size() == 1, 15_000);
        Files.writeString(conf, "ports = eth1\nlacp-rate = slow\n");
        NetnsLab.sh("kill", "-HUP", Long.toString(a.pid()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lab.readLog("A").contains("reloaded " + conf) && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
        assertTrue(lab.readLog("A").contains("reloaded " + conf), lab.readLog("A"));
        NetnsLab.sh("kill", "-TERM", Long.toString(a.pid()));
        assertTrue(a.waitFor(10, TimeUnit.SECONDS), "stopped by SIGTERM: " + lab.readLog("A"));
        assertEquals(0, a.exitValue());
    }

    @Test
    void theControlSocketIsForRootOnly() throws Exception {
        converge();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(lab.socket("A"))));
        assertTrue(lab.readLog("A").contains("eth1: distributing"), "one log line per change: " + lab.readLog("A"));
    }

    @Test
    void badInputGivesOneClearLineAndLeavesNothingRunning() throws Exception {
        lab = new NetnsLab(1);
        Path badKey = lab.dir.resolve("bad.conf");
        Files.writeString(badKey, "team = t\nports = eth1\nspeed = 10\n");
        List<List<String>> cases = List.of(
                List.of("run", "--team", "t", "--ports", "lo"),
                List.of("run", "--team", "t", "--ports", "eth1,eth1"),
                List.of("run", "--team", "t", "--ports", "eth1", "--system-mac", "02:00:zz:00:00:01"),
                List.of("run", "--team", "t", "--ports", "eth1", "--system-priority", "70000"),
                List.of("run", "--config", badKey.toString()),
                List.of("run", "--team", "t", "--ports", "eth1", "--frobnicate", "1"),
                List.of("run", "--config", "/dev/zero"),
                List.of("run", "--team", "--ports", "eth1"),
                List.of("start"));
        List<String> expected = List.of(
                "lacpd: interface 'lo' is not Ethernet",
                "lacpd: --ports: port eth1 listed twice",
                "lacpd: --system-mac: bad MAC address '02:00:zz:00:00:01' (expected: six hex octets like 02:00:00:00:00:0a)",
                "lacpd: --system-priority '70000' out of range (expected: 0..65535)",
                "lacpd: " + badKey + " line 3: unknown key 'speed'",
                "lacpd: unknown flag --frobnicate",
                "lacpd: cannot read config file /dev/zero: not a regular file",
                "lacpd: --team needs a value",
                "lacpd: unknown command 'start' (expected: run, check, demo)");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new java.util.ArrayList<>(cases.get(i));
            if (args.get(0).equals("run")) {
                args.addAll(List.of("--control-socket", lab.socket("A").toString()));
            }
            NetnsLab.Result r = lab.runDaemonToExit("A", args.toArray(String[]::new));
            assertTrue(r.exitCode() != 0, "exit code for " + args);
            assertEquals(expected.get(i) + "\n", r.output(), "for " + args);
            assertFalse(Files.exists(lab.socket("A")), "nothing left behind for " + args);
        }
    }

    @Test
    void aControlSocketPathThatIsAFileOrTooLongIsRefusedInOneLine() throws Exception {
        lab = new NetnsLab(1);
        Path file = lab.dir.resolve("notes.txt");
        Files.writeString(file, "keep me");
        NetnsLab.Result r = lab.runDaemonToExit("A", "run", "--team", "t", "--ports", "eth1", "--control-socket", file.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertEquals("lacpd: control socket " + file + ": it exists and is not a socket, not replacing it\n", r.output());
        assertEquals("keep me", Files.readString(file));
        Path deep = lab.dir.resolve("d".repeat(100)).resolve("t.sock");
        r = lab.runDaemonToExit("A", "run", "--team", "t", "--ports", "eth1", "--control-socket", deep.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertEquals("lacpd: control socket " + deep + ": the path has " + deep.toString().length()
                + " bytes (expected: at most 107, what a unix socket address holds)\n", r.output());
    }

    @Test
    void withoutCapNetRawLacpdSaysItNeedsRootAndLeavesNothing() throws Exception {
        lab = new NetnsLab(1);
        NetnsLab.Result r = lab.runDaemonToExit("A", List.of("setpriv", "--bounding-set", "-net_raw"),
                "run", "--team", "t", "--ports", "eth1", "--control-socket", lab.socket("A").toString());
        assertEquals(1, r.exitCode(), r.output());
        assertEquals("lacpd: capturing on eth1 needs root (or CAP_NET_RAW); run lacpd as root\n", r.output());
        assertFalse(Files.exists(lab.socket("A")));
    }

    @Test
    void aSecondLacpdOnTheSameSocketIsRefusedAndTheFirstCarriesOn() throws Exception {
        converge();
        NetnsLab.Result r = lab.runDaemonToExit("A", "run", "--team", "tA", "--ports", "eth1,eth2",
                "--control-socket", lab.socket("A").toString());
        assertEquals(1, r.exitCode(), r.output());
        assertEquals("lacpd: control socket " + lab.socket("A") + " is in use by another lacpd\n", r.output());
        assertTrue(Files.exists(lab.socket("A")), "the first daemon's socket is left alone");
        assertEquals("up", lab.status("A").get("status").asText(), "and it still answers");
    }

    @Test
    void everyPduBothSidesSentIsCleanForTshark() throws Exception {
        lab = new NetnsLab(2);
        Path pcapA = lab.dir.resolve("a.pcap");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", lab.nsA, "tcpdump", "-i", "any", "-U", "-w",
                pcapA.toString(), "ether proto 0x8809").redirectErrorStream(true)
                .redirectOutput(lab.dir.resolve("tcpdump.log").toFile()).start();
        try {
            awaitCapturing(lab.dir.resolve("tcpdump.log"));
            Process a = lab.startDaemon("A", "--ports", "eth1,eth2");
            lab.startDaemon("B", "--ports", "eth1,eth2");
            lab.await("A", allDistributing(2), 15_000);
            lab.inNs("B", "ip", "link", "set", "eth2", "down");
            lab.await("A", portDistributing("eth2", false), 2_000);
            lab.inNs("B", "ip", "link", "set", "eth2", "up");
            lab.await("A", allDistributing(2), 5_000);
            a.destroy();
            a.waitFor(5, TimeUnit.SECONDS);
        } finally {
            tcpdump.destroy();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
        }
        String fields = NetnsLab.run("tshark", "-r", pcapA.toString(), "-T", "fields", "-e", "slow.subtype");
        long lacpdus = fields.lines().filter(l -> l.strip().equals("1") || l.strip().equals("0x01")).count();
        assertTrue(lacpdus >= 8, "captured LACPDUs of both sides: " + fields);
        String expert = NetnsLab.run("tshark", "-r", pcapA.toString(), "-T", "fields", "-e", "_ws.expert.severity",
                "-e", "_ws.expert.message");
        assertEquals("", expert.lines().filter(l -> !l.isBlank()).reduce("", (x, y) -> x + y + "\n"),
                "tshark's expert info on our PDUs");
    }

    private static void awaitCapturing(Path log) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("listening on")) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("tcpdump did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }
}
