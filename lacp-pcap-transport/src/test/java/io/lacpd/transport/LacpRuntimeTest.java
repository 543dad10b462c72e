package io.lacpd.transport;

import io.lacpd.core.Duplex;
import io.lacpd.core.FailureReason;
import io.lacpd.core.LacpEvent;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runtimes in real time over in-memory channels and a scripted link monitor: the loop, the posting of
 * events from other threads, link changes, re-created interfaces and a clean shutdown.
 */
class LacpRuntimeTest {

    /** Interfaces a1-b1 and a2-b2 are joined pairwise; frames cross on the sender's thread. */
    private final Map<String, Consumer<byte[]>> receivers = new ConcurrentHashMap<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final ScriptedMonitor monitorA = new ScriptedMonitor();
    private final ScriptedMonitor monitorB = new ScriptedMonitor();
    private final BlockingQueue<String> eventsA = new LinkedBlockingQueue<>();
    /** What {@link #startedWithA1Only} reports of A, never drained by the waits. */
    private final List<String> logA = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> eventsB = new LinkedBlockingQueue<>();
    private final List<LacpRuntime> runtimes = new ArrayList<>();

    private final FrameChannel.Opener opener = (name, onFrame) -> {
        receivers.put(name, onFrame);
        opened.add(name);
        return new FrameChannel() {
            private volatile boolean open = true;

            @Override
            public String interfaceName() {
                return name;
            }

            @Override
            public boolean send(ByteBuf frame) {
                Consumer<byte[]> peer = receivers.get(peerOf(name));
                if (!open || peer == null) {
                    return false;
                }
                peer.accept(ByteBufUtil.getBytes(frame));
                return true;
            }

            @Override
            public void close() {
                open = false;
                receivers.remove(name, onFrame);
            }
        };
    };

    private static String peerOf(String name) {
        return (name.charAt(0) == 'a' ? "b" : "a") + name.substring(1);
    }

    private static LinkState link(String name, int index, boolean up, long mac) {
        return new LinkState(name, index, true, true, up, 10_000, Duplex.FULL, 1500, new MacAddress(mac));
    }

    private LacpRuntime runtime(String side, ScriptedMonitor monitor, BlockingQueue<String> events) {
        List<PortConfig> ports = List.of(PortConfig.of(side + "1", 1), PortConfig.of(side + "2", 2));
        monitor.set(link(side + "1", 11, true, side.equals("a") ? 0x02_0000_0000_a1L : 0x02_0000_0000_b1L));
        monitor.set(link(side + "2", 12, true, side.equals("a") ? 0x02_0000_0000_a2L : 0x02_0000_0000_b2L));
        LacpRuntime r = new LacpRuntime(SystemConfig.of(new MacAddress(side.equals("a") ? 0x02_0000_0000_0aL : 0x02_0000_0000_0bL)),
                ports, opener, monitor, e -> events.add(line(e)), n -> events.add("notice: " + n));
        runtimes.add(r);
        return r;
    }

    /**
     * An event as a line beside the notices: "a1: distributing" for the changes these tests wait for (the
     * daemon's own wording of every event lives in team-engine), the record itself for the others.
     */
    private static String line(LacpEvent e) {
        return e instanceof LacpEvent.DistributingChanged d
                ? d.port() + (d.distributing() ? ": distributing" : ": not distributing") : e.toString();
    }

    @AfterEach
    void stop() {
        runtimes.forEach(LacpRuntime::close);
    }

    private static void awaitEvent(BlockingQueue<String> events, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() - end < 0) {
            String e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null) {
                seen.add(e);
                if (e.equals(text)) {
                    return;
                }
            }
        }
        throw new AssertionError("no '" + text + "' within 5 s; saw " + seen);
    }

    private static boolean allDistributing(SystemSnapshot s) {
        return s.ports().stream().allMatch(PortSnapshot::distributing);
    }

    private static void awaitState(LacpRuntime r, Predicate<SystemSnapshot> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        SystemSnapshot s;
        do {
            s = r.call(sys -> sys.snapshot(), 1000);
            if (condition.test(s)) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        throw new AssertionError("condition not met within 5 s: " + s);
    }

    @Test
    void twoRuntimesNegotiateInRealTime() throws Exception {
        long start = System.nanoTime();
        Running running = startedWithBothPorts();
        LacpRuntime a = running.a();
        LacpRuntime b = running.b();
        awaitState(a, LacpRuntimeTest::allDistributing);
        awaitState(b, LacpRuntimeTest::allDistributing);
        long took = System.nanoTime() - start;
        // Aggregate_Wait_Time is 2 s; nothing else should take visible time.
        assertTrue(took < TimeUnit.MILLISECONDS.toNanos(2800), "took " + took / 1e6 + " ms");
        SystemSnapshot sa = a.call(sys -> sys.snapshot(), 1000);
        assertEquals(List.of("a1", "a2"), sa.aggregators().get(0).distributingPorts());
        PortSnapshot a1 = sa.port("a1");
        assertEquals(new MacAddress(0x02_0000_0000_0bL), a1.partner().system());
    }

    @Test
    void carrierLossReachesTheMachinesAtOnceAndCarrierReturnBringsTheLinkBack() throws Exception {
        startedWithBothPorts();
        awaitEvent(eventsA, "a2: distributing");
        long lost = System.nanoTime();
        monitorA.set(link("a2", 12, false, 0x02_0000_0000_a2L));
        awaitEvent(eventsA, "a2: not distributing");
        assertTrue(System.nanoTime() - lost < TimeUnit.MILLISECONDS.toNanos(200), "carrier loss is an event, not a poll");
        monitorA.set(link("a2", 12, true, 0x02_0000_0000_a2L));
        awaitEvent(eventsA, "a2: distributing");
    }

    @Test
    void aDeletedInterfaceThatComesBackIsOpenedAgain() throws Exception {
        Running running = startedWithBothPorts();
        LacpRuntime a = running.a();
        LacpRuntime b = running.b();
        awaitEvent(eventsA, "a2: distributing");
        monitorA.set(LinkState.absent("a2"));
        awaitEvent(eventsA, "a2: not distributing");
        assertFalse(receivers.containsKey("a2"), "the channel of a deleted interface is closed");
        // Re-created with a new index and a new MAC.
        monitorA.set(link("a2", 99, true, 0x02_0000_0000_c2L));
        awaitState(a, s -> s.port("a2").distributing());
        assertEquals(2, opened.stream().filter("a2"::equals).count());
        awaitState(b, s -> s.port("b2").distributing() && s.port("b2").partner().port() == 2);
    }

    @Test
    void closingTellsThePartnerFirst() throws Exception {
        Running running = startedWithBothPorts();
        LacpRuntime a = running.a();
        LacpRuntime b = running.b();
        awaitState(b, LacpRuntimeTest::allDistributing);
        eventsB.clear();
        long closing = System.nanoTime();
        a.close();
        assertTrue(a.partnersTold());
        awaitEvent(eventsB, "b1: not distributing");
        assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(1));
        SystemSnapshot sb = b.call(sys -> sys.snapshot(), 1000);
        for (PortSnapshot p : sb.ports()) {
            assertFalse(p.distributing());
            assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, p.failureReason());
        }
    }

    @Test
    void aMissingInterfaceIsTakenUpWhenItAppears() throws Exception {
        LacpRuntime a = runtime("a", monitorA, eventsA);
        monitorB.set(LinkState.absent("b1"));
        LacpRuntime b = new LacpRuntime(SystemConfig.of(new MacAddress(0x02_0000_0000_0bL)),
                List.of(PortConfig.of("b1", 1)), opener, monitorB, e -> eventsB.add(line(e)), w -> { });
        runtimes.add(b);
        a.start();
        b.start();
        assertNotNull(b.call(sys -> sys.snapshot().port("b1"), 1000));
        monitorB.set(link("b1", 21, true, 0x02_0000_0000_b1L));
        awaitEvent(eventsB, "b1: distributing");
    }

    @Test
    void portsAddedAndRemovedWhileRunningLeaveTheOthersAlone() throws Exception {
        Running running = startedWithA1Only();
        LacpRuntime a = running.a();
        LacpRuntime b = running.b();
        eventsA.clear();
        a.putPort(PortConfig.of("a2", 2));
        awaitEvent(eventsA, "a2: distributing");
        a.removePort("a1");
        awaitState(b, s -> !s.port("b1").distributing() && s.port("b2").distributing());
        assertFalse(eventsA.contains("a2: not distributing"), "the other port was not disturbed: " + eventsA);
        Boolean stillThere = a.call(sys -> sys.hasPort("a1"), 1000);
        assertFalse(stillThere);
        assertFalse(monitorA.watches("a1"), "a removed port's interface is no longer watched");
        monitorA.set(link("a1", 11, false, 0x02_0000_0000_a1L)); // so this reaches nothing
        Boolean a2 = a.call(sys -> sys.snapshot().port("a2").distributing(), 1000);
        assertTrue(a2);
    }

    @Test
    void putPortGivesAPortNewSettingsInPlaceAndAddsOneWhoseFirstAddFailed() throws Exception {
        Running running = startedWithA1Only();
        LacpRuntime a = running.a();
        LacpRuntime b = running.b();
        a.putPort(PortConfig.of("a2", 1)); // a1 has port number 1
        awaitEvent(eventsA, "cannot add a2: port a2: port number 1 is already used by port a1");
        logA.clear();
        // a new timeout leaves the Port ID as it was, so the partner has no reason to select again
        a.putPort(PortConfig.of("a1", 1).withTimeout(LacpTimeout.LONG));
        a.putPort(PortConfig.of("a2", 2));
        awaitEvent(eventsA, "a2: distributing");
        awaitState(b, s -> !s.port("b1").partner().state().has(StateBit.LACP_TIMEOUT));
        assertFalse(logA.contains("a1: not distributing"), "new settings in place: " + logA);
    }

    @Test
    void aRefusedChangeIsANoticeAndThePortKeepsRunning() throws Exception {
        LacpRuntime a = startedWithBothPorts().a();
        awaitEvent(eventsA, "a2: distributing");
        a.putPort(PortConfig.of("a2", 1)); // a1 has port number 1
        awaitEvent(eventsA, "notice: cannot change a2: port a2: port number 1 is already used by port a1");
        Boolean a2 = a.call(sys -> sys.snapshot().port("a2").distributing(), 1000); // the loop still runs
        assertTrue(a2);
    }

    @Test
    void linkChangesAreNoticedInOneLineEach() throws Exception {
        LacpRuntime b = startedWithBothPorts().b();
        awaitEvent(eventsA, "notice: a2: link up, 10000 Mb/s, full duplex");
        awaitState(b, LacpRuntimeTest::allDistributing);
        monitorA.set(link("a2", 12, false, 0x02_0000_0000_a2L));
        awaitEvent(eventsA, "notice: a2: link down");
        monitorA.set(LinkState.absent("a2"));
        awaitEvent(eventsA, "notice: a2: interface gone");
        monitorA.set(link("a2", 13, true, 0x02_0000_0000_c2L));
        awaitEvent(eventsA, "notice: a2: MAC address now 02:00:00:00:00:c2, the port starts afresh");
        awaitEvent(eventsA, "notice: a2: link up, 10000 Mb/s, full duplex");
    }

    /** Runtimes A and B with both ports each, started. */
    private Running startedWithBothPorts() {
        LacpRuntime a = runtime("a", monitorA, eventsA);
        LacpRuntime b = runtime("b", monitorB, eventsB);
        a.start();
        b.start();
        return new Running(a, b);
    }

    /**
     * Runtime A with port a1 only (interface a2 exists, unused) and runtime B with both ports, running, a1
     * distributing; A's notices go to its events as they are.
     */
    private Running startedWithA1Only() throws InterruptedException {
        LacpRuntime a = new LacpRuntime(SystemConfig.of(new MacAddress(0x02_0000_0000_0aL)),
                List.of(PortConfig.of("a1", 1)), opener, monitorA, e -> {
                    eventsA.add(line(e));
                    logA.add(line(e));
                }, n -> {
                    eventsA.add(n);
                    logA.add(n);
                });
        runtimes.add(a);
        LacpRuntime b = runtime("b", monitorB, eventsB);
        monitorA.set(link("a1", 11, true, 0x02_0000_0000_a1L));
        monitorA.set(link("a2", 12, true, 0x02_0000_0000_a2L));
        a.start();
        b.start();
        awaitEvent(eventsA, "a1: distributing");
        return new Running(a, b);
    }

    private record Running(LacpRuntime a, LacpRuntime b) {
    }

    /** A link monitor whose kernel is the test. */
    private static final class ScriptedMonitor implements LinkMonitor {
        private final Map<String, LinkState> states = new ConcurrentHashMap<>();
        private volatile Consumer<LinkState> listener;
        private volatile Set<String> watched = Set.of();

        void set(LinkState s) {
            states.put(s.name(), s);
            Consumer<LinkState> l = listener;
            if (l != null && watched.contains(s.name())) {
                l.accept(s);
            }
        }

        boolean watches(String name) {
            return watched.contains(name);
        }

        @Override
        public LinkState read(String name) {
            return states.getOrDefault(name, LinkState.absent(name));
        }

        @Override
        public void start(Set<String> names, Consumer<LinkState> l) {
            watched = Set.copyOf(names);
            listener = l;
        }

        @Override
        public void watch(Set<String> names) {
            watched = Set.copyOf(names);
        }

        @Override
        public void close() {
            listener = null;
        }
    }
}
