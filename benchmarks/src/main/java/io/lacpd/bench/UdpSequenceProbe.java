package io.lacpd.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP sequence stream for failover figures: how long a flow stops when its member goes away, and whether
 * the flows that stay on the surviving member lose or reorder anything.
 *
 * <p>{@code send} sends RATE datagrams a second for SECONDS, round robin from FLOWS source ports (FIRST,
 * FIRST+1, ...), so that a hashing team spreads the flows over its members. Each datagram carries its flow's
 * 64-bit sequence number, the send time (System.nanoTime, which all network namespaces of one host share)
 * and its source port. Each flow's socket is connected, and the buffer is direct and reused, so a send
 * allocates nothing. On exit it prints one line per flow: {@code sent PORT N}, plus the send errors.
 *
 * <p>{@code receive} counts per source port until no datagram has come for IDLE_MS after the first, or for
 * MAX_SECONDS in all, then prints one line per flow seen:
 * {@code flow PORT received N lost N reordered N max_gap_us N max_delay_us N}, then every gap of 3 ms or more
 * (warm-up included, up to 4,096) as {@code gap PORT START_MS LENGTH_US}, START_MS the wall-clock time (epoch
 * milliseconds) of the arrival it followed, so that a gap can be lined up with an event outside this process
 * such as a link going down; then {@code gaps_dropped N}, those past 4,096. The largest gap and delay count from
 * WARMUP_MS after the first arrival, so that the sender's and receiver's JVM warm-up is not taken for the
 * path's. Lost: sequence numbers never seen below the highest seen. Reordered: datagrams that came after a
 * higher sequence number of their flow. The largest gap is between two arrivals of the flow, in
 * microseconds; a flow's last arrival also counts
 * against the stream's last arrival, so a flow that stopped for good shows the whole rest of the run. The
 * largest one-way delay uses the send time in the datagram. The flow is read from the payload, and the
 * counters are arrays indexed by port, so nothing is allocated per datagram by this class (the JDK's
 * receive() still decodes a sender address when it differs from the last one).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.lacpd.bench.UdpSequenceProbe send HOST PORT
 * FROM_HOST FIRST_SOURCE_PORT FLOWS RATE SECONDS} and {@code ... receive BIND_HOST PORT IDLE_MS MAX_SECONDS WARMUP_MS}.
 */
public final class UdpSequenceProbe {

    /** Sequence (8), send time (8), source port (2), then padding to a 64-byte frame (22-byte payload). */
    private static final int PAYLOAD = 22;
    private static final int PORTS = 65_536;
    /** The pacing step: the sender sleeps this long when it is ahead of its schedule. */
    private static final long PACE_NANOS = 50_000;
    private static final long WATCH_NANOS = 20_000_000;
    /** Gaps at least this long are listed one by one, up to GAP_RECORDS of them. */
    private static final long GAP_RECORD_NANOS = 3_000_000;
    private static final int GAP_RECORDS = 4096;

    private UdpSequenceProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 8 && args[0].equals("send")) {
            send(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])),
                    InetAddress.getByName(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Double.parseDouble(args[7]));
        } else if (args.length == 6 && args[0].equals("receive")) {
            receive(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])),
                    Long.parseLong(args[3]), Double.parseDouble(args[4]), Long.parseLong(args[5]));
        } else {
            System.err.println("usage: UdpSequenceProbe send HOST PORT FROM_HOST FIRST_SOURCE_PORT FLOWS RATE SECONDS\n"
                    + "       UdpSequenceProbe receive BIND_HOST PORT IDLE_MS MAX_SECONDS WARMUP_MS");
            System.exit(2);
        }
    }

    private static void send(InetSocketAddress to, InetAddress from, int firstPort, int flows, int rate,
                             double seconds) throws IOException {
        if (flows < 1 || firstPort < 1 || firstPort + flows > PORTS || rate < 1) {
            throw new IllegalArgumentException("need 1 <= FIRST_SOURCE_PORT, FIRST_SOURCE_PORT + FLOWS <= 65536, RATE >= 1");
        }
        DatagramChannel[] channels = new DatagramChannel[flows];
        long[] sent = new long[flows];
        for (int f = 0; f < flows; f++) {
            channels[f] = DatagramChannel.open();
            channels[f].bind(new InetSocketAddress(from, firstPort + f));
            channels[f].connect(to);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(PAYLOAD).order(ByteOrder.BIG_ENDIAN);
        long total = (long) (rate * seconds);
        long errors = 0;
        long start = System.nanoTime();
        for (long n = 0; n < total; ) {
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            if (n >= due) {
                LockSupport.parkNanos(PACE_NANOS);
                continue;
            }
            for (; n < due && n < total; n++) {
                int f = (int) (n % flows);
                buf.clear();
                buf.putLong(0, sent[f]).putLong(8, System.nanoTime()).putShort(16, (short) (firstPort + f));
                try {
                    channels[f].write(buf);
                } catch (IOException e) {
                    errors++; // e.g. ECONNREFUSED from an ICMP port unreachable, ENOBUFS: the datagram is gone
                }
                sent[f]++; // a failed send is a lost sequence number, as on the wire
            }
        }
        for (int f = 0; f < flows; f++) {
            channels[f].close();
            System.out.printf("sent %d %d%n", firstPort + f, sent[f]);
        }
        System.out.printf("send_errors %d%n", errors);
    }

    private static void receive(InetSocketAddress bind, long idleMs, double maxSeconds, long warmupMs)
            throws Exception {
        long[] received = new long[PORTS];
        long[] highest = new long[PORTS];
        long[] reordered = new long[PORTS];
        long[] lastArrival = new long[PORTS];
        long[] maxGap = new long[PORTS];
        long[] gapPort = new long[GAP_RECORDS];
        long[] gapStart = new long[GAP_RECORDS];
        long[] gapLength = new long[GAP_RECORDS];
        int gaps = 0;
        long gapsDropped = 0;
        long[] maxDelay = new long[PORTS];
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(bind);
        long start = System.nanoTime();
        AtomicLong last = new AtomicLong(); // the stream's last arrival, read by the watchdog below
        Thread watchdog = new Thread(() -> watch(channel, start, last, idleMs, maxSeconds), "probe-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ByteBuffer buf = ByteBuffer.allocateDirect(2048).order(ByteOrder.BIG_ENDIAN);
        long streamLast = 0;
        long measureFrom = 0;
        try {
            while (true) {
                buf.clear();
                channel.receive(buf);
                long now = System.nanoTime();
                if (buf.position() < 18) {
                    continue; // not ours
                }
                long seq = buf.getLong(0);
                long delay = now - buf.getLong(8);
                int port = buf.getShort(16) & 0xffff;
                if (streamLast == 0) {
                    measureFrom = now + warmupMs * 1_000_000L;
                }
                boolean measured = now - measureFrom >= 0;
                if (received[port] == 0) {
                    highest[port] = seq;
                } else {
                    long gap = now - lastArrival[port];
                    if (measured) {
                        maxGap[port] = Math.max(maxGap[port], gap);
                    }
                    if (gap >= GAP_RECORD_NANOS) {
                        if (gaps < GAP_RECORDS) {
                            gapPort[gaps] = port;
                            gapStart[gaps] = lastArrival[port];
                            gapLength[gaps] = gap;
                            gaps++;
                        } else {
                            gapsDropped++;
                        }
                    }
                    if (seq < highest[port]) {
                        reordered[port]++;
                    } else {
                        highest[port] = seq;
                    }
                }
                received[port]++;
                lastArrival[port] = now;
                if (measured) {
                    maxDelay[port] = Math.max(maxDelay[port], delay);
                }
                streamLast = now;
                last.lazySet(now);
            }
        } catch (AsynchronousCloseException e) {
            // the watchdog closed the channel: the stream is over
        }
        // nanoTime to wall-clock milliseconds, for lining a gap up with events outside this process
        long wallMs = System.currentTimeMillis();
        long wallNanos = System.nanoTime();
        for (int p = 0; p < PORTS; p++) {
            if (received[p] == 0) {
                continue;
            }
            long tail = streamLast - lastArrival[p];
            if (tail >= GAP_RECORD_NANOS) {
                System.out.printf("gap %d %d %d%n", p, wallMs - (wallNanos - lastArrival[p]) / 1_000_000, tail / 1000);
            }
            System.out.printf("flow %d received %d lost %d reordered %d max_gap_us %d max_delay_us %d%n", p,
                    received[p], Math.max(0, highest[p] + 1 - received[p]), reordered[p], Math.max(maxGap[p], tail) / 1000,
                    maxDelay[p] / 1000);
        }
        for (int g = 0; g < gaps; g++) {
            System.out.printf("gap %d %d %d%n", gapPort[g], wallMs - (wallNanos - gapStart[g]) / 1_000_000,
                    gapLength[g] / 1000);
        }
        System.out.printf("gaps_dropped %d%n", gapsDropped);
    }

    /** Closes the channel once the stream has been idle for idleMs after its first datagram, or at maxSeconds. */
    private static void watch(DatagramChannel channel, long start, AtomicLong last, long idleMs, double maxSeconds) {
        long deadline = start + (long) (maxSeconds * 1e9);
        while (true) {
            LockSupport.parkNanos(WATCH_NANOS);
            long now = System.nanoTime();
            long lastArrival = last.get();
            if (now - deadline >= 0 || (lastArrival != 0 && now - lastArrival >= idleMs * 1_000_000L)) {
                try {
                    channel.close();
                } catch (IOException e) {
                    System.err.println("UdpSequenceProbe: closing the channel: " + e);
                }
                return;
            }
        }
    }
}
