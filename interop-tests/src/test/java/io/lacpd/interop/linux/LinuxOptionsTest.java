package io.lacpd.interop.linux;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.interop.LacpCapture;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.lacpd.interop.linux.GuestLab.GUEST_IP;
import static io.lacpd.interop.linux.GuestLab.LACP;
import static io.lacpd.interop.linux.GuestLab.LINUX;
import static io.lacpd.interop.linux.GuestLab.OURS;
import static io.lacpd.interop.linux.GuestLab.OUR_IP;
import static io.lacpd.interop.linux.GuestLab.STATIC;
import static io.lacpd.team.NetnsLab.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * lacpd's LACP options against Linux bonding in a QEMU guest, wired as in {@link LinuxTrafficTest}: our
 * eth1 and eth2 in namespace A are the guest's eth0 and eth1, the guest's bond0 holds 192.0.2.2.
 * {@code --aggregate-wait} against 802.3ad (Linux waits its own 2 s Aggregate_Wait_Time whatever we do), and
 * the partner admin values against balance-xor, a static LAG whose partner never sends a LACPDU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxOptionsTest {

    static final int RUNS = 3;
    /** Longer than Linux's 2 s Aggregate_Wait_Time, with room for its 100 ms tick under emulation. */
    static final long SETTLED_MS = 4_000;

    private GuestLab guest;
    private NetnsLab lab;
    private LinuxBondPeer linux;

    @BeforeAll
    void setUp() throws Exception {
        guest = GuestLab.launch(LACP);
        lab = guest.lab;
        linux = guest.linux;
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (guest != null) {
                guest.close();
            }
        } finally {
            Results.writeSummary("interop: ---- Linux option figures ----");
        }
    }

    @BeforeEach
    void reset() throws Exception {
        guest.reset();
    }

    private static double ms(double seconds) {
        return seconds * 1000;
    }

    // ---- 1. Aggregate_Wait_Time 0 against 2000 ms ----

    /**
     * Our daemon started with {@code --aggregate-wait} 0 or 2000 (alternated, three runs each) against the
     * guest's 802.3ad bond, first settled (rebuilt {@value #SETTLED_MS} ms before), then just rebuilt; the
     * capture in A says when each side's ports first said Collecting and Distributing, counted from our
     * first LACPDU.
     *
     * <p>Linux waits its 2 s Aggregate_Wait_Time once, from its bond's start against the defaulted partner,
     * and not again when we appear: a settled guest says Synchronization in its first answer to us, so the
     * time is our own wait, about 0.5 s at 0 and 2.4 s at 2000. (802.1AX would detach a port whose partner
     * changed and wait anew; Linux's tick runs selection before the Mux, which likely selects the port again
     * before its Mux sees it unselected.) Against a just rebuilt guest what is left of its wait bounds both
     * settings from below.
     */
    @Test
    @Order(1)
    void aggregateWaitZeroAgainstLinuxSavesOurWaitWhileLinuxHasServedItsOwn() throws Exception {
        for (long settle : new long[] {SETTLED_MS, 0}) {
            String precondition = settle > 0 ? "guest settled" : "guest just rebuilt";
            Map<String, List<Double>> both = new TreeMap<>();
            for (int run = 0; run < RUNS; run++) {
                for (String wait : new String[] {"0", "2000"}) {
                    both.computeIfAbsent(wait, k -> new ArrayList<>()).add(converge(wait, settle, precondition, run));
                }
            }
            if (settle > 0) {
                assertTrue(Results.median(both.get("0")) + 1_000 < Results.median(both.get("2000")),
                        "against a settled guest aggregate-wait 0 saves most of our 2 s: " + both);
            } else {
                assertTrue(Results.median(both.get("0")) > 1_000, "a just rebuilt guest still serves its wait: " + both);
                assertTrue(Results.median(both.get("0")) <= Results.median(both.get("2000")),
                        "aggregate-wait 0 is no slower than 2000: " + both);
            }
        }
    }

    /**
     * One run: the guest's bond rebuilt, {@code settleMs} later our daemon with this aggregate wait, until
     * both sides carry traffic on both links; records and returns our first LACPDU to both distributing.
     */
    private double converge(String wait, long settleMs, String precondition, int run) throws Exception {
        guest.stopDaemon();
        linux.rebuild(LACP);
        linux.await(s -> s.slaves().size() == 2 && s.slaves().stream().allMatch(BondStatus.Slave::miiUp), 20_000);
        Thread.sleep(settleMs); // the precondition itself: how long the guest's bond has been up
        List<LacpCapture.Lacpdu> pdus;
        try (LacpCapture cap = LacpCapture.start(lab.nsA, lab.dir.resolve("wait-" + wait + "-" + settleMs + "-" + run + ".pcap"))) {
            guest.startOurs("--aggregate-wait", wait);
            guest.await("both sides carry traffic on both links, aggregate-wait " + wait, team -> GuestLab.carrying(team, "eth1", "eth2"),
                    s -> s.allCarrying(OURS), 60_000);
            Thread.sleep(1_500); // the LACPDUs that announce the last change are on the wire within a second
            assertTrue(cap.stop(), "tcpdump exits");
            pdus = cap.lacpdus();
        }
        assertEquals(Integer.parseInt(wait), lab.status("A").get("system").get("aggregate_wait_ms").asInt());
        double first = firstFrom(pdus, OURS);
        double ours = LacpCapture.convergence(pdus, Set.of(OURS + "/1", OURS + "/2"))[1];
        double theirs = LacpCapture.convergence(pdus, Set.of(LINUX + "/1", LINUX + "/2"))[1];
        double all = LacpCapture.convergence(pdus, Set.of(OURS + "/1", OURS + "/2", LINUX + "/1", LINUX + "/2"))[1];
        assertFalse(Double.isNaN(all), "the capture shows every link distributing both ways: " + pdus);
        String label = "lacpd-Linux (" + precondition + "), aggregate-wait " + wait + ": our first LACPDU to ";
        Results.record(label + "ours distributing", ms(ours - first));
        Results.record(label + "Linux distributing", ms(theirs - first));
        Results.record(label + "both distributing", ms(all - first));
        return ms(all - first);
    }

    private static double firstFrom(List<LacpCapture.Lacpdu> pdus, String system) {
        for (LacpCapture.Lacpdu p : pdus) {
            if (p.actorSystem().equals(system)) {
                return p.epochSeconds();
            }
        }
        throw new AssertionError("no LACPDU from " + system + " in the capture");
    }

    // ---- 2. partner admin values against a partner that never speaks ----

    /**
     * balance-xor in the guest sends no LACPDU. Our {@code --mode lacp} members expire after the short
     * timeout (3 s), take the configured Partner_Admin values (system, priority, key and a state with
     * Aggregation, Synchronization, Collecting and Distributing) and, being Defaulted with the same
     * partner and key, aggregate together and distribute. Ping then crosses tA both ways.
     */
    @Test
    @Order(2)
    void partnerAdminValuesLetDefaultedMembersAggregateWithAStaticLinuxBond() throws Exception {
        linux.rebuild(STATIC);
        linux.await(s -> s.mode().contains("xor") && s.slaves().size() == 2
                && s.slaves().stream().allMatch(BondStatus.Slave::miiUp), 20_000);
        long t0 = System.nanoTime();
        guest.startOurs("--mode", "lacp", "--partner-admin-system", LINUX, "--partner-admin-system-priority", "32768",
                "--partner-admin-key", "7", "--partner-admin-state", "activity,aggregation,synchronization,collecting,distributing");
        guest.await("both members carry traffic with the admin partner", team -> GuestLab.carrying(team, "eth1", "eth2"), s -> true, 30_000);
        Results.record("lacpd-Linux balance-xor, partner admin values: lacpd start (JVM) to both carrying",
                (System.nanoTime() - t0) / 1e6);
        JsonNode team = lab.status("A");
        assertEquals("up", team.get("status").asText(), team.toString());
        assertEquals(1, team.get("aggregators").size(), "one aggregator: " + team);
        JsonNode agg = team.get("aggregators").get(0);
        assertEquals(LINUX, agg.get("partner_system").asText());
        assertEquals(32768, agg.get("partner_system_priority").asInt());
        assertEquals(7, agg.get("partner_key").asInt());
        assertFalse(agg.get("individual").asBoolean(), agg.toString());
        for (String m : List.of("eth1", "eth2")) {
            JsonNode p = port(team, m);
            assertTrue(p.get("actor").get("state").get("defaulted").asBoolean(), m + " is Defaulted: " + p);
            assertEquals(0, NetnsLab.counter(team, m, "lacpdu_rx"), m + ": the static bond never speaks");
            assertEquals(LINUX, p.get("partner").get("system").asText());
        }

        lab.inNs("A", "ip", "addr", "add", OUR_IP + "/24", "dev", "tA");
        lab.inNs("A", "ip", "link", "set", "tA", "up");
        NetnsLab.Result out = lab.execInNs("A", 60, "ping", "-c", "5", "-i", "0.2", "-W", "10", GUEST_IP);
        assertEquals(0, out.exitCode(), "ping from tA to the guest\n" + out.output() + guest.diagnosis());
        assertEquals(0, Traffic.lost(out.output()), out.output());
        LinuxBondPeer.Result in = linux.exec("ping -c 5 -W 10 " + OUR_IP);
        assertEquals(0, in.rc(), "ping from the guest to tA\n" + in.output() + guest.diagnosis());
        Results.record("lacpd-Linux balance-xor, partner admin values: ping RTT to the guest, avg of 5",
                Traffic.rttMicros(out.output())[1], "us");
    }
}
