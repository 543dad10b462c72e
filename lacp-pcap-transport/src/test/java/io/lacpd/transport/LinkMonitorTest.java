package io.lacpd.transport;

import io.lacpd.core.Duplex;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.transport.Recorder.Report;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.lacpd.transport.VethPair.index;
import static io.lacpd.transport.VethPair.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both monitors against real veth pairs in this JVM's network namespace. A veth end has carrier exactly
 * while its peer is up, so setting the peer down is pulling the cable. Needs root.
 */
class LinkMonitorTest {

    enum Kind {
        NETLINK, SYSFS;

        LinkMonitor open() throws IOException {
            return this == NETLINK ? new NetlinkLinkMonitor() : new SysfsLinkMonitor();
        }
    }

    private static final long LATENCY_LIMIT_MILLIS = 500;

    private VethPair pair;
    private String a;
    private String b;
    private final List<LinkMonitor> monitors = new ArrayList<>();
    /** The monitors' notices of their own troubles. */
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void requireRoot() {
        VethPair.requireRoot();
    }

    @BeforeEach
    void createPair() {
        pair = VethPair.create();
        a = pair.a;
        b = pair.b;
    }

    @AfterEach
    void cleanUp() {
        try {
            monitors.forEach(LinkMonitor::close);
        } finally {
            pair.close();
        }
    }

    private LinkMonitor watch(Kind kind, Recorder recorder, String... names) throws IOException {
        LinkMonitor m = kind.open();
        monitors.add(m);
        m.start(Set.of(names), recorder, notices::add);
        return m;
    }

    private void bothUp() {
        ip("link", "set", a, "up");
        ip("link", "set", b, "up");
    }

    @Test
    void readGivesTheStateOfAnInterfaceNow() {
        LinkMonitor m = LinkMonitors.open(notices::add);
        monitors.add(m);
        assertInstanceOf(NetlinkLinkMonitor.class, m, "netlink works here, so no fallback");
        assertEquals(List.of(), notices, "no fallback warning");
        MacAddress mac = MacAddress.parse("02:00:00:00:aa:01");
        ip("link", "set", a, "address", mac.toString(), "mtu", "1400");

        // A veth that is down has no carrier, and its speed and duplex cannot be read.
        assertEquals(new LinkState(a, index(a), true, true, false, 0, Duplex.UNKNOWN, 1400, mac), m.read(a));
        bothUp();
        assertEquals(new LinkState(a, index(a), true, true, true, 10_000, Duplex.FULL, 1400, mac), m.read(a));

        String missing = pair.name('Z');
        assertEquals(LinkState.absent(missing), m.read(missing));
        assertEquals(LinkState.absent(".."), m.read(".."));
        assertEquals(LinkState.absent("a/../" + a), m.read("a/../" + a));
    }

    @Test
    void carrierLossAndReturnReachTheListenerWithinMilliseconds() throws IOException {
        bothUp();
        Recorder r = new Recorder();
        watch(Kind.NETLINK, r, a);
        r.await("the initial state, up", s -> s.up());

        long pulling = System.nanoTime();
        ip("link", "set", b, "down");
        long pulled = System.nanoTime();
        Report lost = r.await("carrier loss", s -> !s.up());
        long plugging = System.nanoTime();
        ip("link", "set", b, "up");
        long plugged = System.nanoTime();
        Report back = r.await("carrier return", s -> s.up());

        double lossMillis = (lost.nanos() - pulled) / 1e6;
        double returnMillis = (back.nanos() - plugged) / 1e6;
        // Negative: the listener was called before ip(8) had exited.
        System.out.printf("netlink: carrier loss reported %.2f ms after 'ip link set %s down' returned"
                        + " (%.2f ms after it started); carrier return %.2f ms after 'up' returned (%.2f ms)%n",
                lossMillis, b, (lost.nanos() - pulling) / 1e6, returnMillis, (back.nanos() - plugging) / 1e6);
        assertTrue(lossMillis < LATENCY_LIMIT_MILLIS, "carrier loss took " + lossMillis + " ms");
        assertTrue(returnMillis < LATENCY_LIMIT_MILLIS, "carrier return took " + returnMillis + " ms");
        // A veth tells its speed whenever it is administratively up, carrier or not.
        assertEquals(new LinkState(a, index(a), true, true, false, 10_000, Duplex.FULL, 1500, lost.state().mac()),
                lost.state());
        assertEquals(new LinkState(a, index(a), true, true, true, 10_000, Duplex.FULL, 1500, lost.state().mac()),
                back.state());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void carrierChangesAreReported(Kind kind) throws IOException {
        bothUp();
        Recorder r = new Recorder();
        watch(kind, r, a);
        r.await("the initial state, up", s -> s.up());
        ip("link", "set", b, "down");
        r.await("carrier loss", s -> !s.up() && s.exists());
        ip("link", "set", b, "up");
        r.await("carrier return", s -> s.up());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anMtuChangeIsReported(Kind kind) throws IOException {
        Recorder r = new Recorder();
        watch(kind, r, a);
        r.await("the initial state", s -> s.exists() && s.mtu() == 1500);
        ip("link", "set", a, "mtu", "1400");
        assertEquals(index(a), r.await("MTU 1400", s -> s.mtu() == 1400).state().index());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deletionIsReportedAsAbsentAndReCreationWithItsNewIndex(Kind kind) throws IOException {
        int first = index(a);
        Recorder r = new Recorder();
        watch(kind, r, a);
        r.await("the initial state", s -> s.exists() && s.index() == first);

        ip("link", "del", a);
        assertEquals(LinkState.absent(a), r.await("deletion", s -> !s.exists()).state());

        pair.add();
        int second = index(a);
        assertNotEquals(first, second);
        assertEquals(second, r.await("re-creation", LinkState::exists).state().index());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterfaceRenamedAwayIsAbsentAndOneRenamedToAWatchedNameAppears(Kind kind) throws IOException {
        String other = pair.name('C');
        int index = index(a);
        Recorder r = new Recorder();
        watch(kind, r, a, other);
        r.await("the initial state of " + a, s -> s.name().equals(a) && s.exists());
        r.await("the initial state of " + other, s -> s.name().equals(other) && !s.exists());

        ip("link", "set", a, "name", other);
        r.await(a + " renamed away", s -> s.name().equals(a) && !s.exists());
        assertEquals(index, r.await(other + " appearing", s -> s.name().equals(other) && s.exists()).state().index());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDormantLinkIsNotUpThoughItHasCarrier(Kind kind) throws IOException {
        ip("link", "set", a, "mode", "dormant");
        bothUp();
        Recorder r = new Recorder();
        LinkMonitor m = watch(kind, r, a);
        assertEquals(false, r.await("the initial state", LinkState::exists).state().up());
        assertEquals("1", read("/sys/class/net/" + a + "/carrier"), "carrier is there, only the mode holds it back");

        // Leaving dormant mode takes effect at the next carrier change.
        ip("link", "set", a, "mode", "default");
        ip("link", "set", b, "down");
        ip("link", "set", b, "up");
        r.await("up", LinkState::up);
        assertTrue(m.read(a).up());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void changesOfInterfacesNotWatchedAreNotReported(Kind kind) throws IOException {
        Recorder r = new Recorder();
        watch(kind, r, a);
        r.await("the initial state", LinkState::exists);
        ip("link", "set", b, "mtu", "1300");
        ip("link", "set", b, "up");
        ip("link", "set", a, "mtu", "1400");
        r.await("MTU 1400", s -> s.mtu() == 1400);
        assertTrue(r.all().stream().allMatch(s -> s.name().equals(a)), "reports: " + r.all());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeStopsTheThreadAndTheCallbacks(Kind kind) throws IOException {
        Recorder r = new Recorder();
        LinkMonitor m = watch(kind, r, a);
        r.await("the initial state", LinkState::exists);
        long threads = monitorThreads();

        long start = System.nanoTime();
        m.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(closeMillis < 1000, "close took " + closeMillis + " ms");
        assertEquals(threads - 1, monitorThreads(), "the monitor's thread has ended");
        int reports = r.all().size();

        // A second monitor proves that the change below was announced, and when.
        Recorder witness = new Recorder();
        watch(Kind.NETLINK, witness, a);
        witness.await("the initial state", LinkState::exists);
        ip("link", "set", a, "mtu", "1400");
        witness.await("MTU 1400", s -> s.mtu() == 1400);
        assertEquals(reports, r.all().size(), "reports after close: " + r.all());

        assertThrows(IllegalStateException.class, () -> m.start(Set.of(a), r, notices::add));
        m.close();
    }

    @Test
    void changesBeforeStartAreNotReplayedAfterTheInitialState() throws IOException {
        bothUp();
        LinkMonitor m = Kind.NETLINK.open();
        monitors.add(m);
        // The socket is open and subscribed: these notifications wait in it until start.
        ip("link", "set", b, "down");
        ip("link", "set", b, "up");
        Recorder r = new Recorder();
        m.start(Set.of(a), r, notices::add);
        r.await("the initial state, up", LinkState::up);
        ip("link", "set", a, "mtu", "1400");
        r.await("MTU 1400", s -> s.mtu() == 1400);
        assertTrue(r.all().stream().allMatch(LinkState::up), "reports: " + r.all());
        assertEquals(2, r.all().size(), "reports: " + r.all());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aListenerThatThrowsIsANoticeAndTheMonitoringGoesOn(Kind kind) throws IOException {
        LinkMonitor m = kind.open();
        monitors.add(m);
        Recorder r = new Recorder();
        m.start(Set.of(a), state -> {
            r.accept(state);
            if (state.mtu() == 1400) {
                throw new IllegalStateException("listener bug");
            }
        }, notices::add);
        r.await("the initial state", LinkState::exists);
        ip("link", "set", a, "mtu", "1400");
        r.await("MTU 1400, the listener throwing", s -> s.mtu() == 1400);
        ip("link", "set", a, "mtu", "1300");
        r.await("MTU 1300, after the throw", s -> s.mtu() == 1300);
        assertEquals(1, notices.size(), "notices: " + notices);
        assertTrue(notices.get(0).startsWith("link-monitor: the listener failed on LinkState[name=" + a),
                notices.get(0));
        assertTrue(notices.get(0).endsWith(": java.lang.IllegalStateException: listener bug"), notices.get(0));
    }

    @Test
    void startingTwiceIsRefused() throws IOException {
        LinkMonitor m = watch(Kind.NETLINK, new Recorder(), a);
        assertThrows(IllegalStateException.class, () -> m.start(Set.of(b), new Recorder(), notices::add));
    }

    @Test
    void anOverrunSocketIsResynchronisedFromSysfs() throws IOException, InterruptedException {
        // A socket buffer of the kernel's minimum holds one or two link messages.
        NetlinkLinkMonitor m = new NetlinkLinkMonitor(1);
        monitors.add(m);
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = new Recorder();
        m.start(Set.of(a), state -> {
            r.accept(state);
            if (state.mtu() == 1400) {
                // Breaks the listener's contract on purpose: while it blocks, nothing reads the socket.
                awaitQuietly(release);
            }
        }, notices::add);
        r.await("the initial state", LinkState::exists);

        ip("link", "set", a, "mtu", "1400");
        r.await("MTU 1400, blocking the monitor", s -> s.mtu() == 1400);
        for (int mtu = 1300; mtu < 1340; mtu++) {
            ip("link", "set", b, "mtu", Integer.toString(mtu));
        }
        ip("link", "set", a, "mtu", "1200");
        release.countDown();

        r.await("MTU 1200", s -> s.mtu() == 1200);
        assertTrue(m.overruns() > 0, "the kernel should have dropped notifications");
        assertEquals(m.read(a), r.all().get(r.all().size() - 1));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long monitorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("link-monitor")).count();
    }

    private static String read(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
