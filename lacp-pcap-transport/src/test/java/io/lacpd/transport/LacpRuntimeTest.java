package io.lacpd.transport;

import io.lacpd.core.FailureReason;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static io.lacpd.transport.VethPair.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime in real time: its thread, its queue and its clock. Two runtimes on the ends of a fresh veth
 * pair (real capture, the kernel's link notifications) negotiate, follow a carrier loss and leave cleanly;
 * a task that throws is told and the loop goes on. The protocol's handling of links, ports and shutdown is
 * tested in virtual time in {@link LacpAgentTest}. The veth tests need root.
 */
class LacpRuntimeTest {

    /** A report and when it arrived ({@link System#nanoTime}). */
    private record Event(String text, long nanos) {
    }

    private static final MacAddress SYSTEM_A = new MacAddress(0x02_0000_0000_0aL);
    private static final MacAddress SYSTEM_B = new MacAddress(0x02_0000_0000_0bL);
    /** What the daemon reaches from its start; a loaded machine may take a while to open the captures. */
    private static final long AWAIT_SECONDS = 10;

    private VethPair pair;
    private VethPair second;
    private final List<LacpRuntime> runtimes = new ArrayList<>();
    private final BlockingQueue<Event> eventsA = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event> eventsB = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        try {
            runtimes.forEach(LacpRuntime::close);
        } finally {
            if (pair != null) {
                pair.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    /** A fresh veth pair, both ends up. */
    private VethPair vethPair() {
        VethPair.requireRoot();
        pair = VethPair.create("lr");
        ip("link", "set", pair.a, "up");
        ip("link", "set", pair.b, "up");
        return pair;
    }

    /** A runtime with one port on that interface, its reports stamped into {@code events}. */
    private LacpRuntime runtime(MacAddress system, String port, BlockingQueue<Event> events) throws IOException {
        return runtime(system, List.of(PortConfig.of(port, 1)), events);
    }

    private LacpRuntime runtime(MacAddress system, List<PortConfig> ports, BlockingQueue<Event> events) throws IOException {
        LacpRuntime r = new LacpRuntime(SystemConfig.of(system), ports,
                PcapFrameChannel.opener(), LinkMonitors.open(n -> events.add(new Event("notice: " + n, System.nanoTime()))),
                e -> events.add(new Event(EventLine.of(e), System.nanoTime())),
                n -> events.add(new Event("notice: " + n, System.nanoTime())));
        runtimes.add(r);
        return r;
    }

    /** Runtimes on both ends of a fresh veth pair, started and distributing. */
    private List<LacpRuntime> distributingOnAVethPair() throws Exception {
        VethPair p = vethPair();
        LacpRuntime a = runtime(SYSTEM_A, p.a, eventsA);
        LacpRuntime b = runtime(SYSTEM_B, p.b, eventsB);
        a.start();
        b.start();
        awaitEvent(eventsA, p.a + ": distributing");
        awaitEvent(eventsB, p.b + ": distributing");
        return List.of(a, b);
    }

    /** Takes events until one reads {@code text}, and returns it. */
    private static Event awaitEvent(BlockingQueue<Event> events, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() - end < 0) {
            Event e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null) {
                seen.add(e.text());
                if (e.text().equals(text)) {
                    return e;
                }
            }
        }
        throw new AssertionError("no '" + text + "' within " + AWAIT_SECONDS + " s; saw " + seen);
    }

    @Test
    void twoRuntimesNegotiateOnAVethPair() throws Exception {
        LacpRuntime a = distributingOnAVethPair().get(0);
        PortSnapshot port = a.call(sys -> sys.snapshot().port(pair.a), 1000);
        assertEquals(SYSTEM_B, port.partner().system());
        assertEquals(List.of(pair.a), a.call(sys -> sys.snapshot().aggregators().get(0).distributingPorts(), 1000));
    }

    @Test
    void aCarrierLossReachesTheLoopAtOnceAndTheReturnBringsTheLinkBack() throws Exception {
        distributingOnAVethPair();
        long lost = System.nanoTime();
        ip("link", "set", pair.b, "down"); // pulls a's cable
        Event e = awaitEvent(eventsA, pair.a + ": not distributing");
        // The short timeout would take 3 s: well below it, the kernel's notification did it.
        assertTrue(e.nanos() - lost < TimeUnit.MILLISECONDS.toNanos(500),
                "carrier loss is an event, not a poll: " + (e.nanos() - lost) / 1e6 + " ms");
        ip("link", "set", pair.b, "up");
        awaitEvent(eventsA, pair.a + ": distributing");
    }

    @Test
    void closingTellsThePartnerFirst() throws Exception {
        List<LacpRuntime> running = distributingOnAVethPair();
        LacpRuntime a = running.get(0);
        LacpRuntime b = running.get(1);
        long closing = System.nanoTime();
        a.close();
        assertTrue(a.partnersTold());
        Event e = awaitEvent(eventsB, pair.b + ": not distributing");
        // Well before the partner's short timeout (3 s), so the farewell did it; LacpAgentTest has the exact bound.
        assertTrue(e.nanos() - closing < TimeUnit.SECONDS.toNanos(2), "took " + (e.nanos() - closing) / 1e6 + " ms");
        PortSnapshot port = b.call(sys -> sys.snapshot().port(pair.b), 1000);
        assertFalse(port.distributing());
        assertEquals(FailureReason.PARTNER_NOT_IN_SYNC, port.failureReason());
    }

    @Test
    void aFloodOfNewPartnersOnOnePortLeavesTheOtherDistributing() throws Exception {
        VethPair.requireRoot();
        pair = VethPair.create("lf");
        second = VethPair.create("lg");
        for (String name : List.of(pair.a, pair.b, second.a, second.b)) {
            ip("link", "set", name, "up");
        }
        LacpRuntime a = runtime(SYSTEM_A, List.of(PortConfig.of(pair.a, 1), PortConfig.of(second.a, 2)), eventsA);
        LacpRuntime b = runtime(SYSTEM_B, List.of(PortConfig.of(pair.b, 1), PortConfig.of(second.b, 2)), eventsB);
        a.start();
        b.start();
        awaitEvent(eventsA, second.a + ": distributing");
        awaitEvent(eventsB, second.b + ": distributing");
        List<Long> arrivals = new CopyOnWriteArrayList<>(); // A's frames on the unflooded link, as B's side sees them
        long floodSeconds = 4;
        long sentFrames = 0;
        try (PcapFrameChannel watch = PcapFrameChannel.open(second.b, f -> arrivals.add(System.nanoTime()));
             PcapFrameChannel flooder = PcapFrameChannel.open(pair.b, f -> { })) {
            io.netty.buffer.ByteBuf[] frames = new io.netty.buffer.ByteBuf[1000];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = io.netty.buffer.Unpooled.wrappedBuffer(LacpAgentTest.lacpduFrom(i));
            }
            eventsA.clear();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(floodSeconds);
            while (System.nanoTime() - end < 0) {
                if (flooder.send(frames[(int) (sentFrames % frames.length)])) {
                    sentFrames++;
                }
            }
            long floodEnd = System.nanoTime();
            PortSnapshot flooded = a.call(sys -> sys.snapshot().port(pair.a), 2000);
            PortSnapshot other = a.call(sys -> sys.snapshot().port(second.a), 2000);
            long worstGap = 0;
            List<Long> during = arrivals.stream().filter(t -> t - start >= 0 && t - floodEnd <= 0).toList();
            for (int i = 1; i < during.size(); i++) {
                worstGap = Math.max(worstGap, during.get(i) - during.get(i - 1));
            }
            System.out.printf("flood: %d frames in %.1f s (%.0f/s); A decoded %d, dropped %d on the flooded port;"
                            + " worst gap between A's LACPDUs on the other link %.0f ms%n",
                    sentFrames, (floodEnd - start) / 1e9, sentFrames / ((floodEnd - start) / 1e9),
                    flooded.counters().lacpduRx(), flooded.counters().lacpduRxDropped(), worstGap / 1e6);
            List<String> seen = new ArrayList<>();
            eventsA.forEach(e -> seen.add(e.text()));
            assertFalse(seen.contains(second.a + ": not distributing"), "the other port never left: " + seen);
            assertTrue(other.distributing());
            assertTrue(flooded.counters().lacpduRxDropped() > 0, "the flood was policed");
            assertTrue(worstGap < TimeUnit.MILLISECONDS.toNanos(1500), "no gap over 1.5 s: " + worstGap / 1e6 + " ms");
        }
    }

    /** A runtime without ports, on this clock, its notices in {@code notices}. */
    private LacpRuntime portless(List<String> notices, LongSupplier clock) {
        LacpRuntime r = new LacpRuntime(SystemConfig.of(SYSTEM_A), List.of(), (name, onFrame) -> {
            throw new IOException("no interface is opened in this test");
        }, LinkMonitors.open(notices::add), e -> { }, notices::add, clock);
        runtimes.add(r);
        r.start();
        return r;
    }

    @Test
    void aTaskThatThrowsIsANoticeAndTheLoopGoesOn() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        LacpRuntime r = portless(notices, System::nanoTime);
        r.execute((system, now) -> {
            throw new IllegalStateException("a bug");
        });
        assertEquals(List.of(), r.call(sys -> sys.portNames(), 1000), "the loop still answers");
        assertEquals(List.of("internal error, an event was skipped: java.lang.IllegalStateException: a bug"), notices);
    }

    @Test
    void eachTaskRunsAtAFreshTimeOfTheGivenClock() throws Exception {
        AtomicLong ticks = new AtomicLong(Long.MAX_VALUE - 10); // it wraps around: any origin works
        LacpRuntime r = portless(new CopyOnWriteArrayList<>(), ticks::incrementAndGet);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> times = new CopyOnWriteArrayList<>();
        r.execute((system, now) -> awaitQuietly(release)); // holds the loop, so the next two run in one batch
        r.execute((system, now) -> times.add(now));
        r.execute((system, now) -> times.add(now));
        release.countDown();
        r.call(sys -> sys.portNames(), 1000);
        assertEquals(2, times.size());
        assertEquals(times.get(0) + 1, times.get(1), "one clock read between two tasks: each has its own");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
