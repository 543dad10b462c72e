package io.lacpd.team.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * UDP flows with sequence numbers, for tests run in a namespace of their own ({@code ip netns exec NS java ...}).
 *
 * <p>{@code send TO_HOST TO_PORT FROM_HOST SECONDS BURST PAUSE_US PORT...}: one flow from each source port; in
 * each round every flow sends BURST datagrams of 1400 octets carrying (source port, sequence), then all pause
 * PAUSE_US microseconds: the pause is a flowlet boundary.
 *
 * <p>{@code receive BIND_HOST PORT IDLE_MS}: counts per source port until IDLE_MS pass without a datagram after the
 * first, then prints {@code flow PORT received N reordered N lost N}: reordered are datagrams that came after a
 * higher sequence number of their flow, lost the numbers never seen below the highest.
 */
public final class UdpFlows {

    private static final int SIZE = 1400;

    private UdpFlows() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("send")) {
            send(args);
        } else {
            receive(args);
        }
    }

    private static void send(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        InetAddress from = InetAddress.getByName(args[3]);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        int burst = Integer.parseInt(args[5]);
        long pause = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[6]));
        int flows = args.length - 7;
        DatagramChannel[] channels = new DatagramChannel[flows];
        int[] ports = new int[flows];
        for (int f = 0; f < flows; f++) {
            ports[f] = Integer.parseInt(args[7 + f]);
            channels[f] = DatagramChannel.open();
            channels[f].bind(new InetSocketAddress(from, ports[f]));
            channels[f].connect(to);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);
        long[] seq = new long[flows];
        while (System.nanoTime() - end < 0) {
            for (int b = 0; b < burst; b++) {
                for (int f = 0; f < flows; f++) {
                    buffer.clear();
                    buffer.putInt(0, ports[f]).putLong(4, seq[f]++);
                    buffer.limit(SIZE);
                    try {
                        channels[f].write(buffer);
                    } catch (java.io.IOException e) {
                        seq[f]--; // refused (a full queue, no route yet): not sent
                    }
                }
            }
            LockSupport.parkNanos(pause);
        }
        for (int f = 0; f < flows; f++) {
            System.out.println("sent " + ports[f] + " " + seq[f]);
        }
    }

    private static void receive(String[] args) throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])));
        channel.socket().setReceiveBufferSize(8 << 20);
        int idle = Integer.parseInt(args[3]);
        TreeMap<Integer, long[]> flows = new TreeMap<>(); // received, reordered, highest
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        channel.socket().setSoTimeout(idle);
        boolean first = true;
        while (true) {
            java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer.array(), SIZE);
            try {
                channel.socket().receive(packet);
            } catch (SocketTimeoutException e) {
                if (!first) {
                    break;
                }
                continue;
            }
            first = false;
            int port = buffer.getInt(0);
            long seq = buffer.getLong(4);
            long[] c = flows.computeIfAbsent(port, p -> new long[]{0, 0, -1});
            c[0]++;
            if (seq < c[2]) {
                c[1]++;
            } else {
                c[2] = seq;
            }
        }
        for (var e : flows.entrySet()) {
            long[] c = e.getValue();
            System.out.println("flow " + e.getKey() + " received " + c[0] + " reordered " + c[1]
                    + " lost " + (c[2] + 1 - c[0]));
        }
    }
}
