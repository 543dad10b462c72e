package io.lacpd.transport;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The last slow-protocol frames each port received (as captured, before policing, so that a flood shows) and
 * sent, with their wall-clock time, for {@code lacpctl capture}. Bounded: {@value #PER_PORT} frames a port, the
 * oldest overwritten, each cut to {@value #SNAPLEN} octets. Capture threads and the agent's thread log, any
 * thread reads; logging allocates nothing once a port's slots have held frames of the same size.
 */
public final class FrameLog {

    /** Frames kept per port, both directions together. */
    public static final int PER_PORT = 256;
    /** Octets kept of a frame: a whole untagged Ethernet frame without FCS. */
    public static final int SNAPLEN = 1518;
    /**
     * At most this many octets of pcap file in one {@link #frames} answer: the newest frames that fit. It keeps a
     * base64 control answer under 1 MB when several ports were flooded with full-size frames.
     */
    public static final int MAX_PCAP_BYTES = 700 * 1024;

    /** Which way a frame went. */
    public enum Direction { RECEIVED, SENT }

    /**
     * One logged frame.
     *
     * @param port      the port's interface
     * @param micros    wall-clock time, microseconds since the epoch
     * @param sequence  the order it was logged in, across ports
     * @param direction received or sent
     * @param length    the frame's length on the wire (without FCS)
     * @param data      its first octets, at most {@link #SNAPLEN}
     */
    public record Frame(String port, long micros, long sequence, Direction direction, int length, byte[] data) {
    }

    /** One port's frames: a ring of reused slots. */
    static final class Ring {
        private final long[] micros = new long[PER_PORT];
        private final long[] sequence = new long[PER_PORT];
        private final boolean[] sent = new boolean[PER_PORT];
        private final int[] length = new int[PER_PORT];
        private final int[] kept = new int[PER_PORT];
        private final byte[][] data = new byte[PER_PORT][];
        private int next;
        private int count;

        /** The slot for a frame of {@code kept} octets, its array reused when large enough. */
        private byte[] slot(int octets) {
            byte[] s = data[next];
            if (s == null || s.length < octets) {
                s = new byte[octets];
                data[next] = s;
            }
            return s;
        }

        private void advance(long at, long seq, boolean out, int wire, int octets) {
            micros[next] = at;
            sequence[next] = seq;
            sent[next] = out;
            length[next] = wire;
            kept[next] = octets;
            next = (next + 1) % PER_PORT;
            count = Math.min(count + 1, PER_PORT);
        }

        synchronized void put(long at, long seq, byte[] frame) {
            int octets = Math.min(frame.length, SNAPLEN);
            System.arraycopy(frame, 0, slot(octets), 0, octets);
            advance(at, seq, false, frame.length, octets);
        }

        synchronized void put(long at, long seq, ByteBuf frame) {
            int wire = frame.readableBytes();
            int octets = Math.min(wire, SNAPLEN);
            frame.getBytes(frame.readerIndex(), slot(octets), 0, octets);
            advance(at, seq, true, wire, octets);
        }

        synchronized void copyTo(String port, List<Frame> out) {
            for (int i = 0; i < count; i++) {
                int j = (next - count + i + PER_PORT) % PER_PORT;
                out.add(new Frame(port, micros[j], sequence[j], sent[j] ? Direction.SENT : Direction.RECEIVED,
                        length[j], Arrays.copyOf(data[j], kept[j])));
            }
        }
    }

    private final LongSupplier wallMicros;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    /** A log that times frames with {@code wallMicros}, microseconds since the epoch, read on any thread. */
    public FrameLog(LongSupplier wallMicros) {
        this.wallMicros = wallMicros;
    }

    /**
     * The wall clock in microseconds, without allocating: the epoch time at the first call plus the monotonic time
     * since, so a later step of the system clock does not move it.
     */
    public static LongSupplier wallClock() {
        long offsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        return () -> (System.nanoTime() + offsetNanos) / 1_000;
    }

    /** The ring of {@code port}, made when first asked; a capture keeps it for its frames. */
    Ring ring(String port) {
        return rings.computeIfAbsent(port, p -> new Ring());
    }

    /** Logs a frame received on this ring's port; the array is only read. */
    void received(Ring ring, byte[] frame) {
        ring.put(wallMicros.getAsLong(), sequence.getAndIncrement(), frame);
    }

    /** Logs a frame sent on {@code port}, between the buffer's indexes, which are left alone. */
    void sent(String port, ByteBuf frame) {
        ring(port).put(wallMicros.getAsLong(), sequence.getAndIncrement(), frame);
    }

    /** Forgets a port that went and its frames. */
    void remove(String port) {
        rings.remove(port);
    }

    /** The ports with a ring: those whose interface was opened or that sent, and did not go since. */
    public Set<String> ports() {
        return new TreeSet<>(rings.keySet());
    }

    /**
     * The frames logged, oldest first: of one port, or of every port when {@code port} is null; the newest whose
     * pcap file stays within {@link #MAX_PCAP_BYTES}.
     */
    public List<Frame> frames(String port) {
        List<Frame> all = new ArrayList<>();
        rings.forEach((name, ring) -> {
            if (port == null || port.equals(name)) {
                ring.copyTo(name, all);
            }
        });
        all.sort(Comparator.comparingLong(Frame::sequence));
        long size = PcapFile.HEADER;
        int first = all.size();
        while (first > 0 && size + PcapFile.RECORD_HEADER + all.get(first - 1).data().length <= MAX_PCAP_BYTES) {
            first--;
            size += PcapFile.RECORD_HEADER + all.get(first).data().length;
        }
        return List.copyOf(all.subList(first, all.size()));
    }
}
