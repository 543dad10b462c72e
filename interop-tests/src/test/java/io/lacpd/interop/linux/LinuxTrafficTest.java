package io.lacpd.interop.linux;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.Traffic;
import io.lacpd.interop.ovs.Results;
import io.lacpd.team.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.lacpd.interop.linux.GuestLab.GUEST_IP;
import static io.lacpd.interop.linux.GuestLab.LACP;
import static io.lacpd.interop.linux.GuestLab.OURS;
import static io.lacpd.interop.linux.GuestLab.OUR_IP;
import static io.lacpd.interop.linux.GuestLab.STATIC;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's traffic through our team and Linux bonding in a QEMU guest: lacpd in namespace A with its
 * team interface tA (192.0.2.1) on eth1 and eth2; the guest's bond0 (192.0.2.2) over its eth0 and eth1,
 * wired to our eth1 and eth2 as in {@link LinuxBondingTest}. 802.3ad against our {@code --mode lacp},
 * balance-xor (a static LAG) against our {@code --mode static}. Traffic is ping and a few megabytes each
 * way with the guest's busybox nc (the guest runs under software emulation: small and patient).
 *
 * <p>busybox nc quits, and drops the connection, when its standard input ends; a listener here therefore
 * runs {@code -e sh -c 'cat > FILE'}, which reads the connection to its end whatever its input is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxTrafficTest {

    static final int TRANSFER_BYTES = 4_000_000;
    static final String BUSYBOX = "/bin/busybox";

    private GuestLab guest;
    private NetnsLab lab;
    private LinuxBondPeer linux;

    @BeforeAll
    void setUp() throws Exception {
        guest = GuestLab.launch(LACP);
        lab = guest.lab;
        linux = guest.linux;
        Results.record("Linux traffic: guest launch to its command loop", guest.readyNanos / 1e6);
        assertTrue(linux.sh("ip addr show bond0").contains(GUEST_IP + "/24"), "the kernel command line's bond.ip");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (guest != null) {
                guest.close();
            }
        } finally {
            Results.writeSummary("interop: ---- Linux traffic figures ----");
        }
    }

    @BeforeEach
    void reset() throws Exception {
        guest.reset();
    }

    /** Our daemon with this mode on eth1 and eth2 until both sides carry traffic on both; then tA is addressed. */
    private void teamUp(String mode, LinuxBondPeer.Bond bond, Predicate<BondStatus> guestReady) throws Exception {
        linux.rebuild(bond);
        long t0 = System.nanoTime();
        guest.startOurs(
                "--mode", mode);
        guest.await("both sides carry traffic on both links (" + mode + ")", team -> GuestLab.carrying(team, "eth1", "eth2"),
                guestReady, 60_000);
        Results.record("Linux traffic: lacpd start (JVM) to both sides carrying, --mode " + mode,
                (System.nanoTime() - t0) / 1e6);
        lab.inNs("A", "ip", "addr", "add", OUR_IP + "/24", "dev", "tA");
        lab.inNs("A", "ip", "link", "set", "tA", "up");
    }

    // ---- pings and transfers ----

    private void pingBothWays(String label) throws Exception {
        NetnsLab.Result out = lab.execInNs("A", 60, "ping", "-c", "5", "-i", "0.2", "-W", "10", GUEST_IP);
        assertEquals(0, out.exitCode(), label + ": ping from A to the guest\n" + out.output() + guest.diagnosis());
        LinuxBondPeer.Result in = linux.exec("ping -c 5 -W 10 " + OUR_IP);
        assertEquals(0, in.rc(), label + ": ping from the guest to A\n" + in.output() + guest.diagnosis());
        assertEquals(0, Traffic.lost(out.output()), label + ": " + out.output());
        assertEquals(0, Traffic.lost(in.output()), label + ": " + in.output());
        Results.record("Linux traffic: ping RTT to the guest, avg of 5, " + label, Traffic.rttMicros(out.output())[1], "us");
        Results.record("Linux traffic: ping RTT from the guest, avg of 5, " + label, Traffic.rttMicros(in.output())[1],
                "us");
    }

    /** N random bytes from A to the guest's nc; the guest's copy has the same length and MD5. Returns Mbit/s. */
    private double sendToGuest(String label) throws Exception {
        byte[] data = new byte[TRANSFER_BYTES];
        new Random(1).nextBytes(data);
        Path file = lab.dir.resolve("to-guest.bin");
        Files.write(file, data);
        linux.sh("rm -f /tmp/rx.bin /tmp/rx.rc; (nc -l -p 5001 -e sh -c 'cat > /tmp/rx.bin'; echo $? > /tmp/rx.rc)"
                + " </dev/null >/dev/null 2>&1 &");
        awaitGuest("the guest's nc listening", "netstat -ltn | grep -q ':5001 '", 20_000);
        long t0 = System.nanoTime();
        NetnsLab.Result sent = lab.execInNs("A", 120, "sh", "-c", BUSYBOX + " nc " + GUEST_IP + " 5001 < " + file);
        assertEquals(0, sent.exitCode(), label + ": nc to the guest: " + sent.output() + guest.diagnosis());
        awaitGuest("the guest's nc done", "test -e /tmp/rx.rc", 120_000);
        long nanos = System.nanoTime() - t0;
        String got = linux.sh("wc -c < /tmp/rx.bin; md5sum /tmp/rx.bin; rm -f /tmp/rx.bin");
        assertEquals(TRANSFER_BYTES + "\n" + md5(data) + "  /tmp/rx.bin\n", got, label + ": what the guest received");
        return TRANSFER_BYTES * 8 / (nanos / 1e9) / 1e6;
    }

    /** N random bytes from the guest to nc in A; A's copy has the same length and MD5. Returns Mbit/s. */
    private double receiveFromGuest(String label) throws Exception {
        String md5 = linux.sh("head -c " + TRANSFER_BYTES + " /dev/urandom > /tmp/tx.bin; md5sum /tmp/tx.bin")
                .strip().split("\\s+")[0];
        Path file = lab.dir.resolve("from-guest.bin");
        Files.deleteIfExists(file);
        Process listener = lab.startInNs("A", BUSYBOX, "nc", "-l", "-p", "5002", "-e", "sh", "-c", "cat > " + file);
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lab.execInNs("A", 5, "ss", "-Hltn", "sport = :5002").output().isBlank()) {
                assertTrue(listener.isAlive() && System.nanoTime() - end < 0, "nc listening in A");
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            linux.sh("(nc " + OUR_IP + " 5002 < /tmp/tx.bin; echo $? > /tmp/tx.rc) </dev/null >/dev/null 2>&1 &");
            assertTrue(listener.waitFor(120, TimeUnit.SECONDS), label + ": the transfer from the guest ends\n" + guest.diagnosis());
            long nanos = System.nanoTime() - t0;
            byte[] got = Files.readAllBytes(file);
            assertEquals(TRANSFER_BYTES, got.length, label + ": bytes from the guest");
            assertEquals(md5, md5(got), label + ": what A received");
            linux.sh("rm -f /tmp/tx.bin /tmp/tx.rc");
            return TRANSFER_BYTES * 8 / (nanos / 1e9) / 1e6;
        } finally {
            listener.destroyForcibly();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitGuest(String what, String test, long timeoutMillis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (linux.exec(test).rc() != 0) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + ": not within " + timeoutMillis + " ms\n" + guest.diagnosis());
            }
            Thread.sleep(100);
        }
    }

    private static String md5(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    private void transfersBothWays(String label) throws Exception {
        Results.record("Linux traffic: nc " + TRANSFER_BYTES / 1_000_000 + " MB to the guest, " + label,
                sendToGuest(label), "Mbit/s");
        Results.record("Linux traffic: nc " + TRANSFER_BYTES / 1_000_000 + " MB from the guest, " + label,
                receiveFromGuest(label), "Mbit/s");
    }

    /** The MAC the guest's neighbour table holds for our address. */
    private String guestNeighbour() throws Exception {
        for (String line : linux.sh("ip neigh show").lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f[0].equals(OUR_IP)) {
                for (int i = 0; i + 1 < f.length; i++) {
                    if (f[i].equals("lladdr")) {
                        return f[i + 1];
                    }
                }
            }
        }
        return null;
    }

    // ---- scenarios ----

    /**
     * The plumbing alone, no lacpd: the guest's bond0 in balance-xor over its eth0 only, and a plain
     * address on our eth1. Ping and nc cross both ways, so a failure in the scenarios below is not the
     * harness's.
     */
    @Test
    @Order(1)
    void guestAnswersOnItsBond0AddressFromAPlainVeth() throws Exception {
        linux.rebuild(STATIC.slaves("eth0"));
        linux.await(s -> s.slaves().size() == 1 && s.slave("eth0").miiUp(), 10_000);
        lab.inNs("A", "ip", "addr", "add", OUR_IP + "/24", "dev", "eth1");
        pingBothWays("plain veth");
        assertEquals("02:00:00:0a:00:01", guestNeighbour(), "the guest knows eth1's MAC");
        transfersBothWays("plain veth, no team");
    }

    /**
     * 802.3ad against {@code --mode lacp}: both links carry traffic on both sides; ping both ways from tA,
     * the guest knows us by the team MAC, and 4 MB cross each way intact.
     */
    @Test
    @Order(2)
    void lacpPingAndTransfersCrossTheTeamBothWays() throws Exception {
        teamUp("lacp", LACP, s -> s.allCarrying(OURS));
        pingBothWays("lacp");
        JsonNode team = lab.status("A");
        assertEquals(team.get("team_interface").get("mac").asText(), guestNeighbour(),
                "the guest knows us by the team MAC\n" + guest.diagnosis());
        transfersBothWays("lacp");
        noteMembers(team, lab.status("A"));
    }

    /**
     * balance-xor against {@code --mode static}: every member with link carries traffic and no LACPDU
     * leaves us; ping both ways and 4 MB each way intact.
     */
    @Test
    @Order(3)
    void staticPingAndTransfersCrossTheTeamAgainstBalanceXor() throws Exception {
        teamUp("static", STATIC, s -> s.mode().contains("xor") && s.slaves().size() == 2
                && s.slaves().stream().allMatch(BondStatus.Slave::miiUp));
        JsonNode before = lab.status("A");
        pingBothWays("static");
        transfersBothWays("static");
        JsonNode after = lab.status("A");
        noteMembers(before, after);
        for (String m : List.of("eth1", "eth2")) {
            assertEquals(0, NetnsLab.counter(after, m, "lacpdu_tx"), m + " sends no LACPDU in static mode: " + after);
        }
    }

    private static void noteMembers(JsonNode before, JsonNode after) {
        for (String m : List.of("eth1", "eth2")) {
            JsonNode b = port(before, m).get("traffic");
            JsonNode a = port(after, m).get("traffic");
            Results.note(String.format("Linux traffic: %s sent %d packets, received %d", m,
                    a.get("tx_packets").asLong() - b.get("tx_packets").asLong(),
                    a.get("rx_packets").asLong() - b.get("rx_packets").asLong()));
        }
    }
}
