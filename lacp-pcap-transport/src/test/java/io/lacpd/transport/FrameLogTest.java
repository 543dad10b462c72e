package io.lacpd.transport;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame log's bound, its oldest-dropped ring, its snap length, its size budget and concurrent logging. */
class FrameLogTest {

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000L);
    private final FrameLog log = new FrameLog(clock::incrementAndGet);

    /** A frame of {@code length} octets whose first two octets number it. */
    private static byte[] frame(int n, int length) {
        byte[] f = new byte[length];
        f[0] = (byte) (n >> 8);
        f[1] = (byte) n;
        return f;
    }

    private static int number(FrameLog.Frame f) {
        return (f.data()[0] & 0xff) << 8 | f.data()[1] & 0xff;
    }

    @Test
    void aPortKeepsItsNewestFramesOldestFirst() {
        FrameLog.Ring ring = log.ring("eth0");
        int n = FrameLog.PER_PORT + 10;
        for (int i = 0; i < n; i++) {
            log.received(ring, frame(i, 124));
        }
        List<FrameLog.Frame> frames = log.frames("eth0");
        assertEquals(FrameLog.PER_PORT, frames.size());
        assertEquals(10, number(frames.get(0)), "the ten oldest were overwritten");
        assertEquals(n - 1, number(frames.get(frames.size() - 1)));
        for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i).micros() > frames.get(i - 1).micros());
        }
    }

    @Test
    void directionsAndPortsAreKeptApartAndMergedInOrder() {
        log.received(log.ring("eth0"), frame(1, 124));
        log.sent("eth1", Unpooled.wrappedBuffer(frame(2, 130)).readerIndex(6));
        log.sent("eth0", Unpooled.wrappedBuffer(frame(3, 124)));
        List<FrameLog.Frame> all = log.frames(null);
        assertEquals(List.of("eth0", "eth1", "eth0"), all.stream().map(FrameLog.Frame::port).toList());
        assertEquals(3, number(all.get(2)));
        assertEquals(FrameLog.Direction.RECEIVED, all.get(0).direction());
        assertEquals(FrameLog.Direction.SENT, all.get(1).direction());
        assertEquals(124, all.get(1).length(), "from the reader index");
        assertEquals(2, log.frames("eth0").size());
        assertEquals(List.of("eth0", "eth1"), List.copyOf(log.ports()));
        log.remove("eth1");
        assertEquals(List.of("eth0"), List.copyOf(log.ports()));
        assertEquals(2, log.frames(null).size());
    }

    @Test
    void aLongFrameIsCutToTheSnapLengthAndKeepsItsLength() {
        log.received(log.ring("eth0"), frame(7, 9000));
        FrameLog.Frame f = log.frames("eth0").get(0);
        assertEquals(9000, f.length());
        assertEquals(FrameLog.SNAPLEN, f.data().length);
        // a shorter frame in a reused slot keeps only its own octets
        FrameLog.Ring ring = log.ring("eth0");
        for (int i = 0; i < FrameLog.PER_PORT; i++) {
            log.received(ring, frame(i, 60));
        }
        assertEquals(60, log.frames("eth0").get(0).data().length);
    }

    @Test
    void anAnswerKeepsTheNewestFramesThatFitItsBudget() {
        for (String port : List.of("a", "b", "c")) {
            FrameLog.Ring ring = log.ring(port);
            for (int i = 0; i < FrameLog.PER_PORT; i++) {
                log.received(ring, frame(i, 1518));
            }
        }
        List<FrameLog.Frame> frames = log.frames(null);
        int size = PcapFile.of(frames).length;
        assertTrue(size <= FrameLog.MAX_PCAP_BYTES, size + " octets");
        assertTrue(size + PcapFile.RECORD_HEADER + 1518 > FrameLog.MAX_PCAP_BYTES, "no more would fit");
        assertEquals("c", frames.get(frames.size() - 1).port());
        assertEquals(FrameLog.PER_PORT - 1, number(frames.get(frames.size() - 1)));
    }

    @Test
    void twoThreadsLogAtOnceAndEveryFrameKeptIsWhole() throws InterruptedException {
        FrameLog.Ring ring = log.ring("eth0");
        int each = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread capture = new Thread(() -> {
            await(go);
            for (int i = 0; i < each; i++) {
                byte[] f = frame(i, 124);
                java.util.Arrays.fill(f, 2, 124, (byte) 0x11);
                log.received(ring, f);
            }
        });
        Thread agent = new Thread(() -> {
            await(go);
            for (int i = 0; i < each; i++) {
                byte[] f = frame(i, 110);
                java.util.Arrays.fill(f, 2, 110, (byte) 0x22);
                log.sent("eth0", Unpooled.wrappedBuffer(f));
            }
        });
        capture.start();
        agent.start();
        go.countDown();
        capture.join();
        agent.join();
        List<FrameLog.Frame> frames = log.frames("eth0");
        assertEquals(FrameLog.PER_PORT, frames.size());
        for (FrameLog.Frame f : frames) {
            boolean sent = f.direction() == FrameLog.Direction.SENT;
            byte[] expected = frame(number(f), sent ? 110 : 124);
            java.util.Arrays.fill(expected, 2, expected.length, (byte) (sent ? 0x22 : 0x11));
            assertArrayEquals(expected, f.data());
        }
        assertEquals(2L * each - 1, frames.get(frames.size() - 1).sequence());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
