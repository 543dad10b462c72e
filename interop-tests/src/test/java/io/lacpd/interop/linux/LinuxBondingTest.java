package io.lacpd.interop.linux;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.LacpCapture;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.lacpd.team.NetnsLab.counter;
import static io.lacpd.team.NetnsLab.distributing;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lacpd against the Linux kernel's bonding driver (802.3ad) in a QEMU guest.
 *
 * <p>Topology: our lacpd runs in namespace A on eth1..eth3; namespace B holds the other veth ends and
 * the guest's tap devices, mirrored into each other. Our ethK is the guest's eth(K-1). The guest boots
 * once for the class (about 4 s under software emulation); before each scenario its bond0 is rebuilt
 * and our daemon restarted, so every scenario starts from scratch. The guest's third NIC reports
 * 1 Gb/s and is a bond member only in the key scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxBondingTest {

    static final String OURS = "02:00:00:00:00:0a";
    static final String LINUX = "02:00:00:00:00:0b";
    static final LinuxBondPeer.Bond DEFAULT = LinuxBondPeer.Bond.fast(LINUX, "eth0", "eth1");
    static final int[] SPEEDS = {10_000, 10_000, 1_000};

    private GuestImage image;
    private NetnsLab lab;
    private LinuxBondPeer linux;
    private Process daemon;

    @BeforeAll
    void setUp() throws Exception {
        image = GuestImage.get();
        lab = new NetnsLab(3);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (linux != null) {
                linux.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    private LinuxBondPeer launchGuest() throws IOException, InterruptedException {
        List<LinuxBondPeer.Nic> nics = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            nics.add(new LinuxBondPeer.Nic("tp" + lab.id + k, "eth" + k, String.format("52:54:00:0b:00:%02x", k),
                    SPEEDS[k - 1]));
        }
        return LinuxBondPeer.launch(image, "linux", lab.nsB, lab.dir, nics, DEFAULT);
    }

    /** The guest running with a fresh default bond0, the links whole and no daemon of ours. */
    @BeforeEach
    void reset() throws Exception {
        stopDaemon();
        if (linux == null) {
            return;
        }
        if (!linux.isReady()) {
            System.out.println("interop-linux: the guest is not running; booting it again\n" + linux.console());
            linux.close();
            linux = null;
            return;
        }
        try {
            for (int k = 1; k <= 3; k++) {
                linux.silence(k - 1, false);
                linux.carrier(k - 1, true);
                lab.inNs("A", "ip", "link", "set", "eth" + k, "up");
                lab.inNs("B", "ip", "link", "set", "eth" + k, "up");
            }
            linux.rebuild(DEFAULT);
        } catch (IOException | RuntimeException e) {
            // a guest that cannot be reset is replaced: the scenario boots a new one
            System.out.println("interop-linux: resetting the guest failed (" + e + "); booting it again\n" + linux.console());
            linux.close();
            linux = null;
        }
    }

    private void ensureGuest() throws IOException, InterruptedException {
        if (linux == null) {
            linux = launchGuest();
            linux.awaitReady(90_000);
        }
    }

    private void stopDaemon() throws InterruptedException {
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
            daemon = null;
        }
    }

    private Process startOurs(String ports) throws IOException {
        daemon = lab.startDaemon("A", "--ports", ports, "--lacp-rate", "fast", "--system-mac", OURS);
        return daemon;
    }

    interface Check {
        void run() throws Exception;
    }

    private Process prepare(LinuxBondPeer.Bond bond, String ports) throws Exception {
        return prepare(bond, ports, () -> awaitConverged(20_000));
    }

    /**
     * A scenario's starting point: the guest's bond0 with these settings, our daemon on these ports, and
     * {@code ready} holding. Should the two sides not get there, what each saw is printed and the setup is
     * done once more from scratch, with a new guest: the scenarios test what follows, and one rare stall
     * of the emulated guest must not hide that. A second failure fails the scenario.
     */
    private Process prepare(LinuxBondPeer.Bond bond, String ports, Check ready) throws Exception {
        for (int attempt = 1; ; attempt++) {
            ensureGuest();
            if (!bond.equals(DEFAULT)) {
                linux.rebuild(bond);
            }
            Process p = startOurs(ports);
            try {
                ready.run();
                return p;
            } catch (AssertionError e) {
                if (attempt == 2) {
                    throw e;
                }
                System.out.println("interop-linux: WARNING: the scenario's setup did not converge; starting over "
                        + "with a new guest and daemon. What each side saw:\n" + e.getMessage());
                stopDaemon();
                linux.close();
                linux = null;
            }
        }
    }

    /** Both sides carry traffic on eth1 and eth2 (guest eth0 and eth1), each in one aggregator. */
    private void awaitConverged(long timeoutMillis) throws IOException, InterruptedException {
        try {
            linux.await(s -> s.allCarrying(OURS), timeoutMillis);
            lab.await("A", oneAggregatorDistributing("eth1", "eth2"), timeoutMillis);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnosis(), e);
        }
    }

    /** What each side and the plumbing between them say, for a failure message. */
    private String diagnosis() throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder("---- our status ----\n").append(lab.status("A"))
                .append("\n---- our log ----\n").append(lab.readLog("A"))
                .append("---- links in A ----\n").append(NetnsLab.run("ip", "-n", lab.nsA, "-s", "link"))
                .append("---- links in B ----\n").append(NetnsLab.run("ip", "-n", lab.nsB, "-s", "link"));
        for (LinuxBondPeer.Nic nic : linux.nics) {
            for (String dev : List.of(nic.tap(), nic.wire())) {
                b.append("---- tc ingress of ").append(dev).append(" ----\n")
                        .append(NetnsLab.run("tc", "-n", lab.nsB, "-s", "filter", "show", "dev", dev, "ingress"));
            }
        }
        try {
            b.append("---- guest ----\n").append(linux.sh("dmesg | tail -40; ip -s link"));
        } catch (IOException e) {
            b.append(e).append('\n');
        }
        return b.append(linux.console()).toString();
    }

    private static Predicate<JsonNode> oneAggregatorDistributing(String... ports) {
        return team -> {
            int agg = -1;
            for (String name : ports) {
                JsonNode p = port(team, name);
                if (!distributing(p) || (agg != -1 && p.get("aggregator").asInt() != agg)) {
                    return false;
                }
                agg = p.get("aggregator").asInt();
            }
            return activeAggregator(team) == agg;
        };
    }

    private static int activeAggregator(JsonNode team) {
        for (JsonNode a : team.get("aggregators")) {
            if (a.get("active").asBoolean()) {
                return a.get("id").asInt();
            }
        }
        return -1;
    }

    /** Our JSON actor or partner information as bonding shows a LACPDU's. */
    static BondStatus.Pdu pdu(JsonNode info) {
        JsonNode s = info.get("state");
        int state = (s.get("activity").asText().equals("active") ? 0x01 : 0)
                | (s.get("timeout").asText().equals("short") ? 0x02 : 0)
                | (s.get("aggregation").asBoolean() ? 0x04 : 0)
                | (s.get("synchronization").asBoolean() ? 0x08 : 0)
                | (s.get("collecting").asBoolean() ? 0x10 : 0)
                | (s.get("distributing").asBoolean() ? 0x20 : 0)
                | (s.get("defaulted").asBoolean() ? 0x40 : 0)
                | (s.get("expired").asBoolean() ? 0x80 : 0);
        return new BondStatus.Pdu(info.get("system_priority").asInt(), info.get("system").asText(),
                info.get("key").asInt(), info.get("port_priority").asInt(), info.get("port").asInt(), state);
    }

    /** Linux's partner view equals our actor information on every link, and ours equals Linux's actor. */
    private void assertViewsAgree(int links) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String diff = null;
        while (System.nanoTime() - end < 0) {
            BondStatus b = linux.status();
            JsonNode team = lab.status("A");
            diff = "";
            for (int k = 1; k <= links; k++) {
                BondStatus.Slave s = b.slave("eth" + (k - 1));
                JsonNode p = port(team, "eth" + k);
                if (!s.partner().equals(pdu(p.get("actor")))) {
                    diff += "eth" + k + ": Linux's partner " + s.partner() + " but our actor " + pdu(p.get("actor")) + "\n";
                }
                if (!s.actor().equals(pdu(p.get("partner")))) {
                    diff += "eth" + k + ": our partner " + pdu(p.get("partner")) + " but Linux's actor " + s.actor() + "\n";
                }
            }
            if (diff.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(diff);
    }

    @Test
    @Order(1)
    void negotiationAggregatesEveryLinkAndEachSideSeesTheOthersActor() throws Exception {
        long t0;
        double[] wire;
        try (LacpCapture cap = LacpCapture.start(lab.nsA, lab.dir.resolve("negotiation.pcap"))) {
            t0 = System.nanoTime();
            startOurs("eth1,eth2");
            if (linux == null) {
                linux = launchGuest();
                t0 = linux.launchNanos();
                long ready = linux.awaitReady(90_000);
                System.out.printf("interop-linux: guest launch to its command loop: %.2f s%n", ready / 1e9);
            }
            awaitConverged(30_000);
            long both = System.nanoTime() - t0;
            Thread.sleep(1_500); // the LACPDUs that announce the last change are on the wire within a second
            cap.close();
            wire = LacpCapture.convergence(cap.lacpdus(), Set.of(OURS + "/1", OURS + "/2", LINUX + "/1", LINUX + "/2"));
            System.out.printf("interop-linux: lacpd vs Linux: launch to both sides distributing %.2f s; "
                    + "both speaking to both distributing %.2f s (wire)%n", both / 1e9, wire[1] - wire[0]);
        }
        assertViewsAgree(2);
        BondStatus b = linux.status();
        assertEquals(b.slave("eth0").aggregatorId(), b.slave("eth1").aggregatorId(), "one aggregator in Linux");
        assertEquals(OURS, b.activePartnerMac());
        JsonNode team = lab.status("A");
        assertEquals("up", team.get("status").asText());
        assertEquals(LINUX, team.get("aggregators").get(0).get("partner_system").asText());
        assertEquals(b.slave("eth0").actor().key(), team.get("aggregators").get(0).get("partner_key").asInt());
        assertFalse(Double.isNaN(wire[1]), "the capture shows every link distributing both ways");
    }

    /** The same plumbing with a Linux guest at each end: the reference figure for scenario 1. */
    @Test
    @Order(2)
    void twoLinuxGuestsOverTheSamePlumbingConvergeForReference() throws Exception {
        String a = "02:00:00:00:01:0a";
        String b = "02:00:00:00:01:0b";
        try (NetnsLab lab2 = new NetnsLab(2)) {
            List<LinuxBondPeer> guests = new ArrayList<>();
            try (LacpCapture cap = LacpCapture.start(lab2.nsB, lab2.dir.resolve("linux-linux.pcap"))) {
                for (String side : List.of("a", "b")) {
                    List<LinuxBondPeer.Nic> nics = new ArrayList<>();
                    for (int k = 1; k <= 2; k++) {
                        nics.add(new LinuxBondPeer.Nic("tp" + lab2.id + side + k, "eth" + k,
                                String.format("52:54:00:1%s:00:%02x", side, k), 10_000));
                    }
                    guests.add(LinuxBondPeer.launch(image, "l2l-" + side, lab2.ns(side.toUpperCase()), lab2.dir, nics,
                            LinuxBondPeer.Bond.fast(side.equals("a") ? a : b, "eth0", "eth1")));
                }
                long t0 = guests.get(0).launchNanos();
                for (LinuxBondPeer g : guests) {
                    g.awaitReady(90_000);
                }
                guests.get(0).await(s -> s.allCarrying(b), 30_000);
                guests.get(1).await(s -> s.allCarrying(a), 30_000);
                long both = System.nanoTime() - t0;
                Thread.sleep(1_500);
                cap.close();
                double[] wire = LacpCapture.convergence(cap.lacpdus(), Set.of(a + "/1", a + "/2", b + "/1", b + "/2"));
                System.out.printf("interop-linux: Linux vs Linux: launch to both sides distributing %.2f s; "
                        + "both speaking to both distributing %.2f s (wire)%n", both / 1e9, wire[1] - wire[0]);
                assertFalse(Double.isNaN(wire[1]), "the capture shows every link distributing both ways");
            } finally {
                for (LinuxBondPeer g : guests) {
                    g.close();
                }
            }
        }
    }

    @Test
    @Order(3)
    void aPulledCableTakesTheLinkOutOnBothSidesAndPluggingItBackRejoins() throws Exception {
        prepare(DEFAULT, "eth1,eth2");

        // both ends lose carrier: the guest's NIC (QMP set_link) and our veth (its peer goes down)
        linux.carrier(1, false);
        lab.inNs("B", "ip", "link", "set", "eth2", "down");
        long ours = lab.await("A", NetnsLab.portDistributing("eth2", false), 3_000);
        long theirs = linux.await(s -> !s.carrying("eth1"), 3_000);
        System.out.printf("interop-linux: cable pulled: lacpd stopped distributing in %.0f ms, Linux in %.0f ms%n",
                ours / 1e6, theirs / 1e6);
        assertEquals("link down", port(lab.status("A"), "eth2").get("failure_reason").asText());
        assertTrue(linux.status().carrying("eth0"), "Linux carries on over eth0");
        assertTrue(distributing(port(lab.status("A"), "eth1")), "we carry on over eth1");

        linux.carrier(1, true);
        lab.inNs("B", "ip", "link", "set", "eth2", "up");
        long back = System.nanoTime();
        awaitConverged(15_000);
        System.out.printf("interop-linux: cable back: both sides distributing again after %.2f s%n",
                (System.nanoTime() - back) / 1e9);

        // only our end goes down: Linux keeps carrier and has to time the link out
        lab.inNs("A", "ip", "link", "set", "eth2", "down");
        lab.await("A", NetnsLab.portDistributing("eth2", false), 3_000);
        long linuxTimeout = linux.await(s -> !s.carrying("eth1"), 8_000);
        System.out.printf("interop-linux: our end down only: Linux stopped distributing after %.2f s%n",
                linuxTimeout / 1e9);
        assertTrue(linuxTimeout > TimeUnit.MILLISECONDS.toNanos(1_000), "Linux timed the link out, nothing told it");
        lab.inNs("A", "ip", "link", "set", "eth2", "up");
        awaitConverged(15_000);

        // Linux takes the slave down itself (ip link in the guest): our carrier stays, so we time it out
        long down = System.nanoTime();
        linux.guestLink("eth1", false);
        linux.await(s -> !s.carrying("eth1"), 3_000);
        lab.await("A", NetnsLab.portDistributing("eth2", false), 6_000);
        long oursTimeout = System.nanoTime() - down;
        System.out.printf("interop-linux: Linux's slave down in the guest: we stopped distributing after %.2f s%n",
                oursTimeout / 1e9);
        assertTrue(oursTimeout > TimeUnit.MILLISECONDS.toNanos(1_000), "we timed the link out, nothing told us");
        assertTrue(linux.status().carrying("eth0") && distributing(port(lab.status("A"), "eth1")));
        linux.guestLink("eth1", true);
        awaitConverged(15_000);
    }

    @Test
    @Order(4)
    void whenLinuxFallsSilentOnOneLinkWeExpireItAfterTheShortTimeout() throws Exception {
        prepare(DEFAULT, "eth1,eth2");

        // silence Linux right after one of its LACPDUs arrived, so the time of its last one is known
        long lastRx = counter(lab.status("A"), "eth2", "lacpdu_rx");
        long arrivedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (counter(lab.status("A"), "eth2", "lacpdu_rx") == lastRx) {
            assertTrue(System.nanoTime() - arrivedBy < 0, "Linux sends on eth2 every second");
            Thread.sleep(5);
        }
        long lastRxSeen = System.nanoTime();
        lastRx = counter(lab.status("A"), "eth2", "lacpdu_rx");
        linux.silence(1, true);
        long silenced = System.nanoTime();
        long expiredAt;
        JsonNode p;
        while (true) {
            JsonNode team = lab.status("A");
            long now = System.nanoTime();
            p = team == null ? null : port(team, "eth2");
            if (p != null && p.get("counters").get("lacpdu_rx").asLong() != lastRx) {
                lastRx = p.get("counters").get("lacpdu_rx").asLong();
                lastRxSeen = now; // one more LACPDU was still on its way
            }
            if (p != null && !distributing(p) && !p.get("receive_state").asText().equals("CURRENT")) {
                expiredAt = now;
                break;
            }
            assertTrue(now - silenced < TimeUnit.SECONDS.toNanos(8), "eth2 still current 8 s after Linux fell silent: " + p);
            Thread.sleep(10);
        }
        double afterLast = (expiredAt - lastRxSeen) / 1e9;
        System.out.printf("interop-linux: Linux silent on a link: we stopped distributing %.2f s after its last "
                + "LACPDU arrived, %.2f s after the silence began (%s, %s)%n", afterLast, (expiredAt - silenced) / 1e9,
                p.get("receive_state").asText(), p.get("failure_reason").asText());
        assertTrue(afterLast > 2.5 && afterLast < 4.0,
                "expired after the 3 s short timeout counted from Linux's last LACPDU: " + afterLast + " s");
        assertTrue(distributing(port(lab.status("A"), "eth1")), "eth1 carries on");
        long linuxOut = linux.await(s -> !s.carrying("eth1"), 8_000);
        System.out.printf("interop-linux: ... and Linux, hearing us out of sync, stopped after %.2f s more%n",
                linuxOut / 1e9);
        assertTrue(linux.status().carrying("eth0"));

        linux.silence(1, false);
        awaitConverged(15_000);
    }

    @Test
    @Order(5)
    void linuxStopsUsingTheLinksWhenWeStopOrDieAndRecoversWhenWeComeBack() throws Exception {
        Process p = prepare(DEFAULT, "eth1,eth2");

        p.destroy(); // SIGTERM: a last LACPDU out of sync on every port
        long told = linux.await(s -> !s.carrying("eth0") && !s.carrying("eth1"), 3_000);
        System.out.printf("interop-linux: lacpd stopped (SIGTERM): Linux stopped distributing after %.0f ms%n",
                told / 1e6);
        // Our farewell goes out within a second (the transmit limit may hold it that long); Linux's own
        // timeout would take about 3 s.
        assertTrue(told < TimeUnit.MILLISECONDS.toNanos(1_500),
                "Linux was told, it did not wait for a timeout: " + told / 1_000_000 + " ms");
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        startOurs("eth1,eth2");
        long back = System.nanoTime();
        awaitConverged(30_000);
        System.out.printf("interop-linux: lacpd restarted: both sides distributing after %.2f s%n",
                (System.nanoTime() - back) / 1e9);

        daemon.destroyForcibly(); // SIGKILL: nothing said
        assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
        long timedOut = linux.await(s -> !s.carrying("eth0") && !s.carrying("eth1"), 8_000);
        System.out.printf("interop-linux: lacpd killed (SIGKILL): Linux stopped distributing after %.2f s%n",
                timedOut / 1e9);
        assertTrue(timedOut > TimeUnit.MILLISECONDS.toNanos(1_500), "Linux waited for its short timeout");
        startOurs("eth1,eth2");
        awaitConverged(30_000);
        assertViewsAgree(2);
    }

    @Test
    @Order(6)
    void aLinkWhereLinuxHasAnotherKeyGoesToAnotherAggregatorOnBothSides() throws Exception {
        // bonding derives the key from the user key, the speed and the duplex: the 1 Gb/s NIC gets
        // another key than the 10 Gb/s ones. ad_select bandwidth makes Linux's choice of active
        // aggregator deterministic (stable keeps whichever was chosen first).
        prepare(DEFAULT.slaves("eth0", "eth1", "eth2").select("bandwidth"), "eth1,eth2,eth3", () -> {
            linux.await(s -> s.carrying("eth0") && s.carrying("eth1") && !s.carrying("eth2")
                    && s.slave("eth2").partner().systemMac().equals(OURS), 20_000);
            lab.await("A", oneAggregatorDistributing("eth1", "eth2")
                    .and(team -> port(team, "eth3").get("selected").asBoolean()), 20_000);
        });
        Thread.sleep(1_000); // a few more LACPDUs each way: nothing changes any more
        BondStatus b = linux.status();
        JsonNode team = lab.status("A");
        System.out.printf("interop-linux: Linux's keys %d, %d, %d (1 Gb/s); aggregators %d, %d, %d; our eth3: %s%n",
                b.slave("eth0").actor().key(), b.slave("eth1").actor().key(), b.slave("eth2").actor().key(),
                b.slave("eth0").aggregatorId(), b.slave("eth1").aggregatorId(), b.slave("eth2").aggregatorId(),
                port(team, "eth3").get("failure_reason").asText());
        assertNotEquals(b.slave("eth0").actor().key(), b.slave("eth2").actor().key(), "Linux's keys differ");
        assertNotEquals(b.slave("eth0").aggregatorId(), b.slave("eth2").aggregatorId(), "Linux: two aggregators");
        JsonNode eth3 = port(team, "eth3");
        assertEquals(b.slave("eth2").actor().key(), eth3.get("partner").get("key").asInt());
        assertNotEquals(port(team, "eth1").get("aggregator").asInt(), eth3.get("aggregator").asInt(),
                "we put the odd link in an aggregator of its own");
        assertNotEquals(activeAggregator(team), eth3.get("aggregator").asInt(), "and do not use it");
        assertFalse(distributing(eth3), "Linux keeps its odd link out of sync, so we do not distribute on it");
        assertFalse(b.slave("eth2").actor().synchronization(), "Linux's odd link waits in a non-active aggregator");
        assertTrue(b.carrying("eth0") && b.carrying("eth1"));
        assertEquals("degraded", team.get("status").asText());
    }

    @Test
    @Order(7)
    void aPassiveLinuxAggregatesWithUs() throws Exception {
        prepare(DEFAULT.active("off"), "eth1,eth2");
        assertViewsAgree(2);
        BondStatus b = linux.status();
        assertEquals("off", b.lacpActive());
        assertFalse(b.slave("eth0").actor().active(), "Linux's actor says Passive");
        assertEquals("passive", port(lab.status("A"), "eth1").get("partner").get("state").get("activity").asText());
    }

    @Test
    @Order(8)
    void aSlowLinuxGetsOurLacpdusEveryThirtySecondsAndStillAggregates() throws Exception {
        prepare(DEFAULT.rate("slow"), "eth1,eth2");
        lab.await("A", team -> port(team, "eth1").get("periodic_state").asText().equals("SLOW_PERIODIC")
                && port(team, "eth2").get("periodic_state").asText().equals("SLOW_PERIODIC"), 5_000);
        assertViewsAgree(2);
        JsonNode before = lab.status("A");
        Thread.sleep(4_000);
        JsonNode after = lab.status("A");
        for (String name : List.of("eth1", "eth2")) {
            long tx = counter(after, name, "lacpdu_tx") - counter(before, name, "lacpdu_tx");
            long rx = counter(after, name, "lacpdu_rx") - counter(before, name, "lacpdu_rx");
            System.out.printf("interop-linux: slow Linux, %s over 4 s: we sent %d LACPDUs, Linux sent %d%n", name, tx, rx);
            assertTrue(tx <= 1, name + ": we send every 30 s to a partner with the long timeout, sent " + tx);
            assertTrue(rx >= 3, name + ": Linux sends every second, as our short timeout asks, sent " + rx);
            assertEquals("long", port(after, name).get("partner").get("state").get("timeout").asText());
        }
        BondStatus b = linux.status();
        assertFalse(b.slave("eth0").actor().shortTimeout());
        assertTrue(b.slave("eth0").partner().shortTimeout());
    }

    @Test
    @Order(9)
    void everyLacpduWeSentToLinuxIsCleanForTshark() throws Exception {
        LacpCapture cap = LacpCapture.start(lab.nsA, lab.dir.resolve("ours.pcap"));
        try {
            Process p = prepare(DEFAULT, "eth1,eth2");
            linux.carrier(1, false);
            lab.inNs("B", "ip", "link", "set", "eth2", "down");
            lab.await("A", NetnsLab.portDistributing("eth2", false), 3_000);
            linux.carrier(1, true);
            lab.inNs("B", "ip", "link", "set", "eth2", "up");
            awaitConverged(15_000);
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        } finally {
            cap.close();
        }
        String ours = "lacp.actor.sysid == " + OURS;
        long sent = cap.count(ours);
        long linuxSent = cap.count("lacp.actor.sysid == " + LINUX);
        System.out.printf("interop-linux: captured %d LACPDUs of ours and %d of Linux%n", sent, linuxSent);
        assertTrue(sent >= 8 && linuxSent >= 4, "both sides' LACPDUs captured");
        assertEquals(0, cap.count("slow && !lacp"), "no malformed or unknown slow-protocol frames");
        assertEquals("", cap.expertInfo(ours), "tshark's expert info on our LACPDUs");
        String theirs = cap.expertInfo("lacp.actor.sysid == " + LINUX);
        if (!theirs.isEmpty()) {
            System.out.println("interop-linux: tshark's expert info on Linux's LACPDUs:\n" + theirs);
        }
    }
}
