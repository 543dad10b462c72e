package io.lacpd.transport;

import io.lacpd.core.FailureReason;
import io.lacpd.core.Duplex;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two agents in virtual time over in-memory channels and scripted link monitors: negotiation, link changes,
 * re-created interfaces, ports added, changed and removed, a clean shutdown, floods on one port and a million
 * mutated frames. The test is the agents'
 * event loop: it runs each agent at its deadlines (a frame waiting makes one due), so time bounds are exact.
 */
class LacpAgentTest {

    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** How long an await may run in virtual time before it fails. */
    private static final long AWAIT_LIMIT = 5 * SECOND;

    /**
     * Virtual time. Any origin works: this one wraps around within the first second, to show the comparisons
     * are overflow-safe, and is no whole number of milliseconds from {@link LacpSystem#NO_DEADLINE}, which a
     * deadline must never equal.
     */
    private long now = Long.MAX_VALUE - 987_654_321L;
    /** Interfaces a1-b1 and a2-b2 are joined pairwise. */
    private final Map<String, Consumer<byte[]>> receivers = new HashMap<>();
    private final List<String> opened = new ArrayList<>();
    /** When each interface's LACPDUs went out, in virtual time. */
    private final Map<String, List<Long>> sent = new HashMap<>();
    private final List<Side> sides = new ArrayList<>();

    /** Openings of an interface that fail before one succeeds, by name. */
    private final Map<String, Integer> failingOpens = new HashMap<>();
    /** Interfaces whose open channel has stopped capturing on its own. */
    private final Set<String> stopped = new HashSet<>();

    private final FrameChannel.Opener opener = (name, onFrame) -> {
        if (failingOpens.merge(name, -1, Integer::sum) >= 0) {
            throw new IOException("cannot capture on " + name + ": no buffer space available");
        }
        stopped.remove(name);
        receivers.put(name, onFrame);
        opened.add(name);
        return new FrameChannel() {
            private boolean open = true;

            @Override
            public boolean isCapturing() {
                return open && !stopped.contains(name);
            }

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
                sent.computeIfAbsent(name, n -> new ArrayList<>()).add(now);
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

    /** One agent, its scripted kernel, and what it reported: protocol events, and notices as "notice: ...". */
    private final class Side {
        final ScriptedMonitor monitor = new ScriptedMonitor();
        final List<String> log = new ArrayList<>();
        /** Reports before this index were claimed by an await. */
        int claimed;
        LacpAgent agent;
        boolean running;

        /** The kernel reports a new state; the agent hears of it at once when it watches that name. */
        void set(LinkState s) {
            monitor.set(s);
            if (running && monitor.watches(s.name())) {
                agent.link(s, now);
            }
        }

        /** The reports no await has claimed yet. */
        List<String> unclaimed() {
            return log.subList(claimed, log.size());
        }
    }

    private static String peerOf(String name) {
        return (name.charAt(0) == 'a' ? "b" : "a") + name.substring(1);
    }

    private static LinkState link(String name, int index, boolean up, long mac) {
        return new LinkState(name, index, true, true, up, 10_000, Duplex.FULL, 1500, new MacAddress(mac));
    }

    private static MacAddress systemMac(String side) {
        return new MacAddress(side.equals("a") ? 0x02_0000_0000_0aL : 0x02_0000_0000_0bL);
    }

    /** A side whose agent has these ports; nothing runs before {@link #start}. */
    private Side side(String name, List<PortConfig> ports) {
        Side s = new Side();
        s.agent = new LacpAgent(SystemConfig.of(systemMac(name)), ports, opener, s.monitor,
                e -> s.log.add(EventLine.of(e)), n -> s.log.add("notice: " + n),
                () -> { }, // a frame waiting makes the agent's deadline due: step() sees it
                begun -> begun); // opening an in-memory channel takes no time
        sides.add(s);
        return s;
    }

    /** A side with ports 1 and 2, both interfaces there and up. */
    private Side sideWithBothPorts(String name) {
        Side s = side(name, List.of(PortConfig.of(name + "1", 1), PortConfig.of(name + "2", 2)));
        s.monitor.set(link(name + "1", 11, true, name.equals("a") ? 0x02_0000_0000_a1L : 0x02_0000_0000_b1L));
        s.monitor.set(link(name + "2", 12, true, name.equals("a") ? 0x02_0000_0000_a2L : 0x02_0000_0000_b2L));
        return s;
    }

    private void start(Side s) {
        s.agent.start(now);
        s.monitor.watch(s.agent.portNames());
        s.running = true;
    }

    /** Sides A and B with both ports each, started. */
    private Running startedWithBothPorts() {
        Side a = sideWithBothPorts("a");
        Side b = sideWithBothPorts("b");
        start(a);
        start(b);
        return new Running(a, b);
    }

    /** Side A with port a1 only (interface a2 exists, unused) and side B with both ports, a1 distributing. */
    private Running startedWithA1Only() {
        Side a = side("a", List.of(PortConfig.of("a1", 1)));
        Side b = sideWithBothPorts("b");
        a.monitor.set(link("a1", 11, true, 0x02_0000_0000_a1L));
        a.monitor.set(link("a2", 12, true, 0x02_0000_0000_a2L));
        start(a);
        start(b);
        awaitEvent(a, "a1: distributing");
        return new Running(a, b);
    }

    private record Running(Side a, Side b) {
    }

    /**
     * The event loop of every running agent: runs the agents (frames waiting make them due) in the order
     * of their deadlines, until {@code done} holds; an agent whose shutdown has finished is closed, as the
     * runtime does. Fails when {@code done} does not hold within {@code limit} of virtual time.
     */
    private void runUntil(BooleanSupplier done, long limit, String what) {
        long end = now + limit;
        while (!step(end, done)) {
            if (now - end >= 0) {
                throw new AssertionError("not " + what + " within " + limit / MILLI + " ms of virtual time; "
                        + sides.stream().map(s -> s.log.toString()).toList());
            }
            now = end;
        }
    }

    /** Runs what is due now, the clock standing still. */
    private void settle() {
        step(now, () -> false);
    }

    /**
     * Runs frames and deadlines in time order until {@code done} holds (true) or nothing is due by {@code end}
     * (false); the clock is then at the last deadline run.
     */
    private boolean step(long end, BooleanSupplier done) {
        while (true) {
            for (Side s : sides) {
                if (s.running && s.agent.finished(now)) {
                    s.agent.close();
                    s.running = false;
                }
            }
            if (done.getAsBoolean()) {
                return true;
            }
            long next = LacpSystem.NO_DEADLINE;
            for (Side s : sides) {
                long d = s.running ? s.agent.nextDeadline() : LacpSystem.NO_DEADLINE;
                if (d != LacpSystem.NO_DEADLINE && (next == LacpSystem.NO_DEADLINE || d - next < 0)) {
                    next = d;
                }
            }
            if (next == LacpSystem.NO_DEADLINE || next - end > 0) {
                return false;
            }
            if (next - now > 0) {
                now = next;
            }
            for (Side s : sides) {
                if (s.running && s.agent.nextDeadline() - now <= 0) {
                    s.agent.advance(now);
                }
            }
        }
    }

    /** Runs until {@code side} reports {@code text}, and claims the reports up to it. */
    private void awaitEvent(Side side, String text) {
        runUntil(() -> side.unclaimed().contains(text), AWAIT_LIMIT, "'" + text + "'");
        side.claimed += side.unclaimed().indexOf(text) + 1;
    }

    /** Runs until the side's system is in a state that {@code condition} accepts. */
    private void awaitState(Side side, Predicate<SystemSnapshot> condition) {
        runUntil(() -> condition.test(side.agent.system().snapshot()), AWAIT_LIMIT, "in that state");
    }

    private static boolean allDistributing(SystemSnapshot s) {
        return s.ports().stream().allMatch(PortSnapshot::distributing);
    }

    @Test
    void twoAgentsNegotiate() {
        long start = now;
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitState(a, LacpAgentTest::allDistributing);
        awaitState(b, LacpAgentTest::allDistributing);
        long took = now - start;
        // Aggregate_Wait_Time is 2 s; nothing else should take visible time.
        assertTrue(took < 2800 * MILLI, "took " + took / 1e6 + " ms");
        SystemSnapshot sa = a.agent.system().snapshot();
        assertEquals(List.of("a1", "a2"), sa.aggregators().get(0).distributingPorts());
        assertEquals(systemMac("b"), sa.port("a1").partner().system());
    }

    @Test
    void carrierLossReachesTheMachinesAtOnceAndCarrierReturnBringsTheLinkBack() {
        Side a = startedWithBothPorts().a();
        awaitEvent(a, "a2: distributing");
        a.set(link("a2", 12, false, 0x02_0000_0000_a2L));
        assertTrue(a.unclaimed().contains("a2: not distributing"),
                "carrier loss is an event, not a poll: at once, the clock standing still: " + a.unclaimed());
        a.set(link("a2", 12, true, 0x02_0000_0000_a2L));
        awaitEvent(a, "a2: distributing");
    }

    @Test
    void aDeletedInterfaceThatComesBackIsOpenedAgain() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitEvent(a, "a2: distributing");
        a.set(LinkState.absent("a2"));
        awaitEvent(a, "a2: not distributing");
        assertFalse(receivers.containsKey("a2"), "the channel of a deleted interface is closed");
        // Re-created with a new index and a new MAC.
        a.set(link("a2", 99, true, 0x02_0000_0000_c2L));
        awaitState(a, s -> s.port("a2").distributing());
        assertEquals(2, opened.stream().filter("a2"::equals).count());
        awaitState(b, s -> s.port("b2").distributing() && s.port("b2").partner().port() == 2);
    }

    @Test
    void shuttingDownTellsThePartnerFirst() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitState(b, LacpAgentTest::allDistributing);
        b.claimed = b.log.size();
        long closing = now;
        a.agent.shutdown(now);
        runUntil(() -> !a.running, LacpAgent.FAREWELL_WAIT, "shut down");
        assertTrue(a.agent.partnersTold());
        awaitEvent(b, "b1: not distributing");
        // The transmit limit may hold the farewell back for one Fast_Periodic_Time at most.
        assertTrue(now - closing <= SECOND, "took " + (now - closing) / 1e6 + " ms");
        for (PortSnapshot p : b.agent.system().snapshot().ports()) {
            assertFalse(p.distributing());
            assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, p.failureReason());
        }
    }

    @Test
    void aCaptureThatCannotBeOpenedIsTriedAgainWithAGrowingWaitAndThePortJoins() {
        failingOpens.put("a1", 2);
        long start = now;
        Running running = startedWithBothPorts();
        Side a = running.a();
        awaitEvent(a, "notice: cannot capture on a1: no buffer space available; trying again in 1 s, then at most"
                + " every 30 s");
        awaitEvent(a, "notice: a1: capturing again");
        // tried at 0, 1 and 1 + 2 s: the third opening succeeds
        assertEquals(3 * SECOND, now - start, "the waits double");
        assertEquals(1, a.log.stream().filter(l -> l.contains("trying again")).count(), "told once");
        awaitState(a, LacpAgentTest::allDistributing);
    }

    @Test
    void aCaptureThatStopsWhileItsInterfaceIsThereIsOpenedAgain() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        awaitState(a, LacpAgentTest::allDistributing);
        stopped.add("a2");
        awaitEvent(a, "notice: a2: capture stopped; trying again in 1 s, then at most every 30 s");
        awaitEvent(a, "notice: a2: capturing again");
        assertEquals(2, opened.stream().filter("a2"::equals).count());
        awaitState(a, LacpAgentTest::allDistributing);
    }

    @Test
    void aMissingInterfaceIsTakenUpWhenItAppears() {
        Side a = sideWithBothPorts("a");
        Side b = side("b", List.of(PortConfig.of("b1", 1)));
        b.monitor.set(LinkState.absent("b1"));
        start(a);
        start(b);
        settle();
        PortSnapshot b1 = b.agent.system().snapshot().port("b1");
        assertFalse(b1.link().up(), "a port without its interface has its link down: " + b1);
        assertFalse(opened.contains("b1"), "nothing to open yet");
        b.set(link("b1", 21, true, 0x02_0000_0000_b1L));
        awaitEvent(b, "b1: distributing");
    }

    @Test
    void portsAddedAndRemovedWhileRunningLeaveTheOthersAlone() {
        Running running = startedWithA1Only();
        Side a = running.a();
        Side b = running.b();
        a.claimed = a.log.size();
        a.agent.putPort(PortConfig.of("a2", 2), now);
        awaitEvent(a, "a2: distributing");
        a.agent.removePort("a1", now);
        awaitState(b, s -> !s.port("b1").distributing() && s.port("b2").distributing());
        assertFalse(a.unclaimed().contains("a2: not distributing"), "the other port was not disturbed: " + a.log);
        assertFalse(a.agent.system().hasPort("a1"));
        assertFalse(a.monitor.watches("a1"), "a removed port's interface is no longer watched");
        a.set(link("a1", 11, false, 0x02_0000_0000_a1L)); // so this reaches nothing
        settle();
        assertTrue(a.agent.system().snapshot().port("a2").distributing());
    }

    @Test
    void putPortGivesAPortNewSettingsInPlaceAndAddsOneWhoseFirstAddFailed() {
        Running running = startedWithA1Only();
        Side a = running.a();
        Side b = running.b();
        a.agent.putPort(PortConfig.of("a2", 1), now); // a1 has port number 1
        awaitEvent(a, "notice: cannot add a2: port a2: port number 1 is already used by port a1");
        int mark = a.log.size();
        // a new timeout leaves the Port ID as it was, so the partner has no reason to select again
        a.agent.putPort(PortConfig.of("a1", 1).withTimeout(LacpTimeout.LONG), now);
        a.agent.putPort(PortConfig.of("a2", 2), now);
        awaitEvent(a, "a2: distributing");
        awaitState(b, s -> !s.port("b1").partner().state().has(StateBit.LACP_TIMEOUT));
        List<String> since = a.log.subList(mark, a.log.size());
        assertFalse(since.contains("a1: not distributing"), "new settings in place: " + since);
    }

    @Test
    void aRefusedChangeIsANoticeAndThePortKeepsRunning() {
        Side a = startedWithBothPorts().a();
        awaitEvent(a, "a2: distributing");
        a.agent.putPort(PortConfig.of("a2", 1), now); // a1 has port number 1
        awaitEvent(a, "notice: cannot change a2: port a2: port number 1 is already used by port a1");
        settle();
        assertTrue(a.agent.system().snapshot().port("a2").distributing());
    }

    @Test
    void linkChangesAreNoticedInOneLineEach() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        awaitEvent(a, "notice: a2: link up, 10000 Mb/s, full duplex");
        awaitState(running.b(), LacpAgentTest::allDistributing);
        a.set(link("a2", 12, false, 0x02_0000_0000_a2L));
        awaitEvent(a, "notice: a2: link down");
        a.set(LinkState.absent("a2"));
        awaitEvent(a, "notice: a2: interface gone");
        a.set(link("a2", 13, true, 0x02_0000_0000_c2L));
        awaitEvent(a, "notice: a2: MAC address now 02:00:00:00:00:c2, the port starts afresh");
        awaitEvent(a, "notice: a2: link up, 10000 Mb/s, full duplex");
    }

    /** A LACPDU from a partner system numbered {@code n}: each flood frame names a new partner. */
    static byte[] lacpduFrom(long n) {
        ByteBuf out = Unpooled.buffer();
        MacAddress system = new MacAddress(0x02_1000_0000_00L + n);
        LacpState state = new LacpState(0x3D); // active, aggregation, synchronization, collecting, distributing
        PortInfo actor = new PortInfo(32768, system, 7, 32768, 1, state);
        SlowProtocolCodec.encodeLacpdu(out, system, new Lacpdu(Lacpdu.VERSION_1, actor, PortInfo.NONE, 0));
        return ByteBufUtil.getBytes(out);
    }

    private static long decoded(PortCounters c) {
        return c.lacpduRx() + c.lacpduIllegalRx() + c.lacpduUnknownRx() + c.markerRx() + c.markerResponseRx();
    }

    @Test
    void aFloodOnOnePortIsPolicedAndTheOtherPortsLacpdusStayOnTime() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitState(a, LacpAgentTest::allDistributing);
        awaitState(b, LacpAgentTest::allDistributing);
        byte[][] flood = new byte[1000][];
        for (int i = 0; i < flood.length; i++) {
            flood[i] = lacpduFrom(i);
        }
        settle(); // a frame b1 sent last may still wait to be taken
        PortCounters before = a.agent.system().snapshot().port("a1").counters();
        int fromB1Before = sent.get("b1").size();
        int a2SentBefore = sent.get("a2").size();
        long floodStart = now;
        int logBefore = a.log.size();
        long injected = 0;
        // 150 frames every millisecond for 10 s, about what tcpreplay reached on a veth: 1.5 million frames
        for (int ms = 0; ms < 10_000; ms++) {
            Consumer<byte[]> a1 = receivers.get("a1");
            for (int i = 0; i < 150; i++) {
                a1.accept(flood[(int) (injected++ % flood.length)]);
            }
            long end = now + MILLI;
            step(end, () -> false);
            now = end;
            if (ms % 100 == 0) {
                assertTrue(b.agent.system().snapshot().port("b2").distributing(), "b2 at " + ms + " ms");
                assertTrue(a.agent.system().snapshot().port("a2").distributing(), "a2 at " + ms + " ms");
            }
        }
        long seconds = (now - floodStart) / SECOND;
        long quiet = now + SECOND; // the frames still held are taken once the policer lets them
        step(quiet, () -> false);
        now = quiet;
        PortCounters after = a.agent.system().snapshot().port("a1").counters();
        long taken = decoded(after) - decoded(before);
        long dropped = after.lacpduRxDropped() - before.lacpduRxDropped();
        long fromB1 = sent.get("b1").size() - fromB1Before;
        assertTrue(taken <= Ingress.BURST + seconds * SECOND / Ingress.INTERVAL + 1,
                "policed to 20 frames a second: " + taken + " in " + seconds + " s");
        assertTrue(taken >= seconds * 10, "but still taking the newest: " + taken);
        assertEquals(injected + fromB1, taken + dropped, "every frame is decoded or counted as dropped");
        long partnerChanges = a.log.subList(logBefore, a.log.size()).stream()
                .filter(l -> l.startsWith("PartnerChanged[port=a1")).count();
        assertTrue(partnerChanges <= taken, "one selection at most per frame taken, not per frame: " + partnerChanges);
        System.out.printf("flood of %d frames in %d s of virtual time: %d taken, %d dropped, %d partner changes%n",
                injected, seconds, taken, dropped, partnerChanges);
        List<Long> a2Sent = sent.get("a2").subList(a2SentBefore - 1, sent.get("a2").size());
        long worstGap = 0;
        for (int i = 1; i < a2Sent.size(); i++) {
            worstGap = Math.max(worstGap, a2Sent.get(i) - a2Sent.get(i - 1));
        }
        assertTrue(worstGap <= 1000 * MILLI, "a2's periodic LACPDUs on time: worst gap " + worstGap / 1e6 + " ms");
    }

    @Test
    void theFrameLogHoldsEachPortsFramesBothWaysAndAFloodBeforeItsPolicing() {
        Side a = startedWithBothPorts().a();
        awaitState(a, LacpAgentTest::allDistributing);
        List<FrameLog.Frame> a1 = a.agent.frameLog().frames("a1");
        byte[] a1Mac = {2, 0, 0, 0, 0, (byte) 0xa1};
        byte[] b1Mac = {2, 0, 0, 0, 0, (byte) 0xb1};
        for (FrameLog.Frame f : a1) {
            byte[] source = Arrays.copyOfRange(f.data(), 6, 12);
            assertArrayEquals(f.direction() == FrameLog.Direction.SENT ? a1Mac : b1Mac, source, f.toString());
        }
        assertTrue(a1.stream().anyMatch(f -> f.direction() == FrameLog.Direction.SENT), "sent: " + a1);
        assertTrue(a1.stream().anyMatch(f -> f.direction() == FrameLog.Direction.RECEIVED), "received: " + a1);
        byte[] last = null;
        for (int i = 0; i < FrameLog.PER_PORT; i++) { // more than the ingress holds, without any advance
            last = lacpduFrom(i);
            receivers.get("a1").accept(last);
        }
        a1 = a.agent.frameLog().frames("a1");
        assertEquals(FrameLog.PER_PORT, a1.size());
        assertTrue(a1.stream().allMatch(f -> f.direction() == FrameLog.Direction.RECEIVED), "the flood, all of it");
        assertArrayEquals(last, a1.get(a1.size() - 1).data());
        a.agent.removePort("a1", now);
        awaitState(a, s -> s.ports().size() == 1);
        assertEquals(Set.of("a2"), a.agent.frameLog().ports(), "a port gone takes its frames with it");
    }

    @Test
    void aPortFloodedWithGarbageIsBackWithItsPartnerWithinSecondsOfTheFloodsEnd() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitState(a, LacpAgentTest::allDistributing);
        byte[] garbage = lacpduFrom(0);
        garbage[SlowProtocolCodec.ETHERNET_HEADER_LENGTH + 3] = 99; // the Actor TLV's length: illegal
        for (int ms = 0; ms < 15_000; ms++) {
            // around the agents' work, as frames interleave on a wire: b1's LACPDUs never come last
            for (int i = 0; i < 75; i++) {
                receivers.get("a1").accept(garbage);
            }
            long end = now + MILLI;
            step(end, () -> false);
            now = end;
            for (int i = 0; i < 75; i++) {
                receivers.get("a1").accept(garbage);
            }
        }
        // Drowned, b1's LACPDUs never got through: a1 defaulted, and so did b1, both now sending every 30 s.
        assertEquals(ReceiveState.DEFAULTED, b.agent.system().snapshot().port("b1").receiveState());
        long floodEnd = now;
        awaitState(a, s -> s.port("a1").distributing());
        assertTrue(now - floodEnd < 5 * SECOND, "a1 announced itself when the flood ended: back after "
                + (now - floodEnd) / MILLI + " ms, not Slow_Periodic_Time");
    }

    @Test
    void aMillionMutatedFramesOnOnePortAreEachCountedByKindAndTheOtherPortCarriesOn() {
        Running running = startedWithBothPorts();
        Side a = running.a();
        Side b = running.b();
        awaitState(a, LacpAgentTest::allDistributing);
        b.set(link("b1", 11, false, 0x02_0000_0000_b1L)); // b1 falls silent: a1 hears the fuzz alone
        settle();
        ByteBuf markerFrame = Unpooled.buffer();
        SlowProtocolCodec.encodeMarker(markerFrame, systemMac("b"),
                new MarkerPdu(false, 1, systemMac("b"), 7));
        byte[][] bases = {lacpduFrom(0), ByteBufUtil.getBytes(markerFrame)};
        Random random = new Random(802_1);
        long[] expected = new long[5]; // LACPDU, Marker, Marker Response, illegal, unknown
        PortCounters before = a.agent.system().snapshot().port("a1").counters();
        int frames = 1_000_000;
        for (int n = 0; n < frames; n++) {
            byte[] base = bases[random.nextInt(2)];
            byte[] f = Arrays.copyOf(base, random.nextInt(8) == 0 ? random.nextInt(200) : base.length);
            for (int flips = random.nextInt(4); flips >= 0; flips--) {
                if (f.length > 12) {
                    f[12 + random.nextInt(f.length - 12)] = (byte) random.nextInt(256);
                }
            }
            DecodeResult r = SlowProtocolCodec.decode(Unpooled.wrappedBuffer(f));
            if (r instanceof DecodeResult.Lacp l) {
                expected[0]++;
                if (!l.pdu().v2().problems().isEmpty()) {
                    expected[3]++; // used for its version 1 information, and counted illegal for a bad later TLV
                }
            } else if (r instanceof DecodeResult.Marker m) {
                expected[m.pdu().response() ? 2 : 1]++;
            } else if (r instanceof DecodeResult.Illegal) {
                expected[3]++;
            } else {
                expected[4]++;
            }
            receivers.get("a1").accept(f);
            long end = now + Ingress.INTERVAL; // the policed rate: every frame is decoded
            step(end, () -> false);
            now = end;
            if (n % 20_000 == 0) {
                assertTrue(a.agent.system().snapshot().port("a2").distributing(), "a2 after " + n + " frames");
            }
        }
        PortCounters c = a.agent.system().snapshot().port("a1").counters();
        assertEquals(expected[0], c.lacpduRx() - before.lacpduRx(), "LACPDUs");
        assertEquals(expected[1], c.markerRx() - before.markerRx(), "Markers");
        assertEquals(expected[2], c.markerResponseRx() - before.markerResponseRx(), "Marker Responses");
        assertEquals(expected[3], c.lacpduIllegalRx() - before.lacpduIllegalRx(), "illegal");
        assertEquals(expected[4], c.lacpduUnknownRx() - before.lacpduUnknownRx(), "unknown");
        assertEquals(before.lacpduRxDropped(), c.lacpduRxDropped(), "at the policed rate nothing is dropped");
        assertTrue(expected[0] > 100_000 && expected[3] > 100_000 && expected[4] > 1_000, Arrays.toString(expected));
        System.out.println("fuzz: " + frames + " frames, by kind " + Arrays.toString(expected)
                + " (LACPDU, Marker, Marker Response, illegal, unknown)");
        assertTrue(a.agent.system().snapshot().port("a2").distributing());
    }

    /** A link monitor whose kernel is the test; the agent only reads it and tells it what to watch. */
    private static final class ScriptedMonitor implements LinkMonitor {
        private final Map<String, LinkState> states = new HashMap<>();
        private Set<String> watched = Set.of();

        void set(LinkState s) {
            states.put(s.name(), s);
        }

        boolean watches(String name) {
            return watched.contains(name);
        }

        @Override
        public LinkState read(String name) {
            return states.getOrDefault(name, LinkState.absent(name));
        }

        @Override
        public void start(Set<String> names, Consumer<LinkState> listener, Consumer<String> notices) {
            throw new UnsupportedOperationException("the test reports the links itself");
        }

        @Override
        public void watch(Set<String> names) {
            watched = Set.copyOf(names);
        }

        @Override
        public void close() {
        }
    }
}
