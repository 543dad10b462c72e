package io.lacpd.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * UDP flows whose loads keep changing, for the flowlet gap of {@code dynamic}: they make the rebalancer move
 * buckets every round or two, and every moved flow crosses to the other member at its next pause.
 *
 * <p>{@code send HOST PORT FROM_HOST FIRST_SOURCE_PORT FLOWS SECONDS}: FLOWS flows from consecutive source ports.
 * Time is cut into phases of 2 s; in each phase a random half of the flows is heavy (4 datagrams of 1400 octets
 * a round) and the rest light (1 a round), so the members' loads change every phase. After each round all flows pause, for a random
 * time drawn from an exponential distribution of mean 500 us, so pauses of every length from a few microseconds
 * to a few milliseconds occur. Each datagram carries its source port and its flow's sequence number.
 *
 * <p>{@code receive BIND_HOST PORT IDLE_MS}: counts per flow until IDLE_MS pass without a datagram after the first,
 * then prints {@code flows N received N reordered N}: reordered are datagrams that came after a higher sequence
 * number of their flow.
 */
public final class FlowletProbe {

    private static final int SIZE = 1400;
    private static final long PHASE_NANOS = 2_000_000_000L;
    private static final double MEAN_PAUSE_NANOS = 500_000;
    private static final int PORTS = 65_536;

    private FlowletProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 7 && args[0].equals("send")) {
            send(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])),
                    InetAddress.getByName(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Long.parseLong(args[6]));
        } else if (args.length == 4 && args[0].equals("receive")) {
            receive(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])),
                    Integer.parseInt(args[3]));
        } else {
            System.err.println("usage: FlowletProbe send HOST PORT FROM_HOST FIRST_SOURCE_PORT FLOWS SECONDS"
                    + " | receive BIND_HOST PORT IDLE_MS");
            System.exit(2);
        }
    }

    private static void send(InetSocketAddress to, InetAddress from, int first, int flows, long seconds)
            throws Exception {
        DatagramChannel[] channels = new DatagramChannel[flows];
        for (int f = 0; f < flows; f++) {
            channels[f] = DatagramChannel.open();
            channels[f].bind(new InetSocketAddress(from, first + f));
            channels[f].connect(to);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);
        long[] seq = new long[flows];
        SplittableRandom random = new SplittableRandom(1);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long failed = 0;
        boolean[] heavy = new boolean[flows];
        long phase = -1;
        for (long now = start; now - end < 0; now = System.nanoTime()) {
            if ((now - start) / PHASE_NANOS != phase) {
                phase = (now - start) / PHASE_NANOS;
                java.util.Arrays.fill(heavy, false);
                for (int chosen = 0; chosen < flows / 2; ) {
                    int f = random.nextInt(flows);
                    if (!heavy[f]) {
                        heavy[f] = true;
                        chosen++;
                    }
                }
            }
            for (int f = 0; f < flows; f++) {
                int burst = heavy[f] ? 4 : 1;
                for (int b = 0; b < burst; b++) {
                    buffer.clear();
                    buffer.putShort(0, (short) (first + f)).putLong(2, seq[f]);
                    try {
                        channels[f].write(buffer);
                        seq[f]++;
                    } catch (java.io.IOException e) {
                        failed++;
                    }
                }
            }
            LockSupport.parkNanos((long) (-Math.log(1 - random.nextDouble()) * MEAN_PAUSE_NANOS));
        }
        long sent = 0;
        for (long s : seq) {
            sent += s;
        }
        System.out.println("sent " + sent + " failed " + failed);
    }

    private static void receive(InetSocketAddress bind, int idleMs) throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(bind);
        channel.socket().setReceiveBufferSize(8 << 20);
        channel.socket().setSoTimeout(idleMs);
        long[] highest = new long[PORTS];
        java.util.Arrays.fill(highest, -1);
        long received = 0;
        long reordered = 0;
        int flows = 0;
        byte[] data = new byte[SIZE];
        ByteBuffer view = ByteBuffer.wrap(data);
        java.net.DatagramPacket packet = new java.net.DatagramPacket(data, SIZE);
        while (true) {
            try {
                channel.socket().receive(packet);
            } catch (java.net.SocketTimeoutException e) {
                if (received > 0) {
                    break;
                }
                continue;
            }
            int port = view.getShort(0) & 0xFFFF;
            long s = view.getLong(2);
            received++;
            if (highest[port] < 0) {
                flows++;
            }
            if (s < highest[port]) {
                reordered++;
            } else {
                highest[port] = s;
            }
        }
        System.out.println("flows " + flows + " received " + received + " reordered " + reordered);
    }
}
