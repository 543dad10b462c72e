package io.lacpd.transport;

import static io.lacpd.transport.VethPair.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channels on both ends of a fresh veth pair in the root namespace. Needs root: the pair is created here and
 * capturing needs CAP_NET_RAW.
 */
class PcapFrameChannelTest {

    private static final long DEADLINE_SECONDS = 5;
    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:0b");

    private VethPair pair;
    private String a;
    private String b;
    private final List<PcapFrameChannel> channels = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        VethPair.requireRoot();
    }

    @BeforeEach
    void createVethPair() throws IOException, InterruptedException {
        pair = VethPair.create("pc");
        a = pair.a;
        b = pair.b;
        ip("link", "set", a, "up");
        ip("link", "set", b, "up");
        awaitFramesPassBothWays();
    }

    @AfterEach
    void cleanUp() {
        channels.forEach(PcapFrameChannel::close);
        // the pair and what the test made through it; a test may have deleted them already
        pair.close();
    }

    @Test
    void peerReceivesExactlyTheFrameSentAndTheSenderDoesNot() throws Exception {
        Receiver atA = new Receiver();
        Receiver atB = new Receiver();
        PcapFrameChannel channelA = open(a, atA);
        PcapFrameChannel channelB = open(b, atB);
        ByteBuf fromA = lacpdu(MAC_A, 1);

        assertTrue(channelA.send(fromA));
        assertArrayEquals(ByteBufUtil.getBytes(fromA), atB.next());
        assertEquals(0, fromA.readerIndex(), "send leaves the buffer's indexes alone");

        ByteBuf fromB = lacpdu(MAC_B, 2);
        assertTrue(channelB.send(fromB));
        // A's own frame, had it come back, would have been queued at A before B even sent
        assertArrayEquals(ByteBufUtil.getBytes(fromB), atA.next());
    }

    @Test
    void framesOthersSendOnTheInterfaceAreNotDelivered() throws Exception {
        Receiver atA = new Receiver();
        Receiver atA2 = new Receiver();
        Receiver atB = new Receiver();
        open(a, atA);
        PcapFrameChannel secondAtA = open(a, atA2);
        PcapFrameChannel channelB = open(b, atB);
        ByteBuf fromSecond = lacpdu(MAC_A, 3);
        ByteBuf fromB = lacpdu(MAC_B, 4);

        assertTrue(secondAtA.send(fromSecond));
        assertArrayEquals(ByteBufUtil.getBytes(fromSecond), atB.next());
        assertTrue(channelB.send(fromB));

        // capturing inbound only: the first channel on A saw the second one's frame go out, and dropped it
        assertArrayEquals(ByteBufUtil.getBytes(fromB), atA.next());
        assertArrayEquals(ByteBufUtil.getBytes(fromB), atA2.next());
    }

    @Test
    void onlySlowProtocolFramesAreDelivered() throws Exception {
        Receiver atB = new Receiver();
        PcapFrameChannel channelA = open(a, frame -> { });
        open(b, atB);
        ByteBuf ipv4 = Unpooled.buffer();
        ipv4.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1});
        MAC_A.write(ipv4);
        ipv4.writeShort(0x0800);
        ipv4.writeZero(46);
        ByteBuf lacpdu = lacpdu(MAC_A, 5);

        assertTrue(channelA.send(ipv4));
        assertTrue(channelA.send(lacpdu));

        // a veth delivers in order: the IPv4 frame would have come first
        assertArrayEquals(ByteBufUtil.getBytes(lacpdu), atB.next());
    }

    @Test
    void aLongVersion2LacpduArrivesWholeAndALongerFrameShowsAsTooLong() throws Exception {
        ip("link", "set", a, "mtu", "9000");
        ip("link", "set", b, "mtu", "9000");
        Receiver atB = new Receiver();
        PcapFrameChannel channelA = open(a, frame -> { });
        open(b, atB);
        // a version 2 LACPDU of 300 octets: its extra TLVs after the Collector TLV, as 802.1AX-2014 6.4.2.3 allows
        ByteBuf v2 = lacpdu(MAC_A, 6);
        v2.writerIndex(SlowProtocolCodec.ETHERNET_HEADER_LENGTH + 2 + 20 + 20 + 16);
        for (int i = 0; i < 3; i++) {
            v2.writeByte(0x80 + i).writeByte(60).writeZero(58);
        }
        v2.writeZero(300 - v2.writerIndex());
        ByteBuf jumbo = lacpdu(MAC_A, 7);
        jumbo.writeZero(4000 - jumbo.writerIndex());

        assertTrue(channelA.send(v2));
        byte[] got = atB.next();
        assertEquals(300, got.length, "not cut at 256 octets");
        assertInstanceOf(DecodeResult.Lacp.class, SlowProtocolCodec.decode(Unpooled.wrappedBuffer(got)));
        assertTrue(channelA.send(jumbo));
        got = atB.next();
        assertTrue(got.length > SlowProtocolCodec.MAX_FRAME_LENGTH && got.length <= PcapFrameChannel.SNAPLEN,
                "cut, but longer than any legal frame: " + got.length);
        assertEquals(new DecodeResult.Illegal("frame of " + got.length + " octets or more (expected: at most 1514)"),
                SlowProtocolCodec.decode(Unpooled.wrappedBuffer(got)));
    }

    @Test
    void anotherEtherTypeToTheSlowProtocolsAddressIsDeliveredAndUnknown() throws Exception {
        Receiver atB = new Receiver();
        PcapFrameChannel channelA = open(a, frame -> { });
        open(b, atB);
        ByteBuf other = Unpooled.buffer();
        MacAddress.SLOW_PROTOCOLS_MULTICAST.write(other);
        MAC_A.write(other);
        other.writeShort(0x88B5); // the IEEE local experimental EtherType
        other.writeZero(46);

        assertTrue(channelA.send(other));
        byte[] got = atB.next();
        assertArrayEquals(ByteBufUtil.getBytes(other), got);
        assertInstanceOf(DecodeResult.Unknown.class, SlowProtocolCodec.decode(Unpooled.wrappedBuffer(got)));
    }

    @Test
    void receiverThatFiltersMulticastStillGetsLacpdus() throws Exception {
        // a macvlan drops group-addressed frames not in its multicast list, as a NIC does in hardware; without
        // the channel's membership (or promiscuous mode) this LACPDU does not reach it
        String macvlan = pair.name('M');
        ip("link", "add", "link", b, "name", macvlan, "type", "macvlan", "mode", "bridge");
        ip("link", "set", macvlan, "up");
        PcapFrameChannel channelA = open(a, frame -> { });
        Receiver atMacvlan = new Receiver();
        PcapFrameChannel channelM = open(macvlan, atMacvlan);
        assertTrue(multicastAddresses(macvlan).contains("0180c2000002"));
        ByteBuf lacpdu = lacpdu(MAC_A, 6);

        assertTrue(channelA.send(lacpdu));

        assertArrayEquals(ByteBufUtil.getBytes(lacpdu), atMacvlan.next());
        channelM.close();
        assertFalse(multicastAddresses(macvlan).contains("0180c2000002"), "close leaves the multicast list");
    }

    @Test
    void loopbackIsRefused() {
        IOException e = assertThrows(IOException.class, () -> open("lo", frame -> { }));

        assertEquals("lo is not an Ethernet interface (ARPHRD type 772): LACP runs on Ethernet only", e.getMessage());
    }

    @Test
    void tunDeviceIsRefused() throws Exception {
        String tun = pair.name('T');
        ip("tuntap", "add", "dev", tun, "mode", "tun");

        IOException e = assertThrows(IOException.class, () -> open(tun, frame -> { }));

        assertEquals(tun + " is not an Ethernet interface (ARPHRD type 65534): LACP runs on Ethernet only",
                e.getMessage());
    }

    @Test
    void missingInterfaceIsNamed() {
        String missing = pair.name('X');

        IOException e = assertThrows(IOException.class, () -> open(missing, frame -> { }));
        assertEquals("no such network interface: " + missing, e.getMessage());

        IOException outside = assertThrows(IOException.class, () -> open("../lo", frame -> { }));
        assertEquals("no such network interface: ../lo", outside.getMessage());
    }

    @Test
    void interfaceThatIsDownIsRefusedButOneWithoutCarrierIsNot() throws Exception {
        ip("link", "set", a, "down");

        IOException e = assertThrows(IOException.class, () -> open(a, frame -> { }));
        assertEquals("cannot capture on " + a + ": That device is not up", e.getMessage());

        assertTrue(open(b, frame -> { }).isCapturing(), b + " is up with its peer down: no carrier");
    }

    @Test
    void closeStopsDeliveryAndTheCaptureThread() throws Exception {
        PcapFrameChannel channelA = open(a, frame -> { });
        Receiver first = new Receiver();
        PcapFrameChannel channelB = open(b, first);
        List<Thread> threads = captureThreads(b);
        assertEquals(1, threads.size());
        assertTrue(threads.get(0).isDaemon());
        ByteBuf before = lacpdu(MAC_A, 7);
        assertTrue(channelA.send(before));
        assertArrayEquals(ByteBufUtil.getBytes(before), first.next());

        channelB.close();

        assertFalse(threads.get(0).isAlive());
        assertFalse(channelB.isCapturing());
        assertFalse(channelB.send(lacpdu(MAC_B, 8)));
        channelB.close();
        Receiver second = new Receiver();
        open(b, second);
        ByteBuf after = lacpdu(MAC_A, 9);
        assertTrue(channelA.send(after));
        assertArrayEquals(ByteBufUtil.getBytes(after), second.next());
        assertTrue(first.frames.isEmpty(), "a closed channel delivers nothing");
    }

    @Test
    void consumerMayCloseItsOwnChannel() throws Exception {
        PcapFrameChannel channelA = open(a, frame -> { });
        AtomicReference<PcapFrameChannel> channelB = new AtomicReference<>();
        Receiver atB = new Receiver();
        channelB.set(open(b, frame -> {
            atB.accept(frame);
            channelB.get().close();
        }));
        Thread thread = captureThreads(b).get(0);

        assertTrue(channelA.send(lacpdu(MAC_A, 10)));

        assertNotNull(atB.next());
        thread.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(thread.isAlive());
        assertFalse(channelB.get().isCapturing());
    }

    @Test
    void consumerExceptionsAreCountedAndCaptureGoesOn() throws Exception {
        PcapFrameChannel channelA = open(a, frame -> { });
        Receiver atB = new Receiver();
        PcapFrameChannel channelB = open(b, new Consumer<>() {
            private boolean thrown;

            @Override
            public void accept(byte[] frame) {
                if (!thrown) {
                    thrown = true;
                    throw new IllegalStateException("consumer failure");
                }
                atB.accept(frame);
            }
        });
        ByteBuf second = lacpdu(MAC_A, 12);

        assertTrue(channelA.send(lacpdu(MAC_A, 11)));
        assertTrue(channelA.send(second));

        assertArrayEquals(ByteBufUtil.getBytes(second), atB.next());
        assertEquals(1, channelB.consumerErrors());
    }

    @Test
    void captureSurvivesTheLinkGoingDownAndUp() throws Exception {
        PcapFrameChannel channelA = open(a, frame -> { });
        Receiver atB = new Receiver();
        PcapFrameChannel channelB = open(b, atB);

        ip("link", "set", b, "down");
        assertFalse(channelB.send(lacpdu(MAC_B, 13)), "an interface that is down refuses frames");
        ip("link", "set", b, "up");

        // A's carrier went off and on with B: its queue comes back as after creation
        ByteBuf lacpdu = lacpdu(MAC_A, 14);
        assertArrayEquals(ByteBufUtil.getBytes(lacpdu), sendUntilReceived(channelA, lacpdu, atB));
        assertTrue(channelB.isCapturing());
        assertTrue(channelB.send(lacpdu(MAC_B, 15)));
    }

    @Test
    void deletedInterfaceStopsCaptureAndSendReturnsFalse() throws Exception {
        PcapFrameChannel channelA = open(a, frame -> { });
        PcapFrameChannel channelB = open(b, frame -> { });
        Thread captureB = captureThreads(b).get(0);

        ip("link", "del", a);

        assertFalse(channelA.send(lacpdu(MAC_A, 16)));
        captureB.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(captureB.isAlive(), "the capture thread stops once its interface is gone");
        assertFalse(channelB.isCapturing());
        assertTrue(channelB.receiveErrors() >= 1);
        assertFalse(channelB.send(lacpdu(MAC_B, 17)));
        assertEquals(1, channelA.sendFailures());
        assertEquals(1, channelB.sendFailures());
    }

    /** Prints how long a frame takes from send on A to the consumer at B, and back again; asserts nothing of it. */
    @Test
    void roundTripTimes() throws Exception {
        int warmUp = 50;
        int measured = 100;
        BlockingQueue<Long> arrivalsAtB = new LinkedBlockingQueue<>();
        AtomicReference<PcapFrameChannel> channelB = new AtomicReference<>();
        Receiver atA = new Receiver();
        PcapFrameChannel channelA = open(a, atA);
        channelB.set(open(b, frame -> {
            arrivalsAtB.add(System.nanoTime());
            channelB.get().send(Unpooled.wrappedBuffer(frame)); // echo
        }));
        ByteBuf lacpdu = lacpdu(MAC_A, 18);
        long[] oneWay = new long[measured];
        long[] roundTrip = new long[measured];
        for (int i = 0; i < warmUp + measured; i++) {
            long sent = System.nanoTime();
            assertTrue(channelA.send(lacpdu));
            atA.next();
            long back = System.nanoTime();
            Long arrived = arrivalsAtB.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertNotNull(arrived);
            if (i >= warmUp) {
                oneWay[i - warmUp] = arrived - sent;
                roundTrip[i - warmUp] = back - sent;
            }
        }
        System.out.printf("veth %s -> %s over %d frames: one way median %.1f us (p90 %.1f), round trip median %.1f us"
                        + " (p90 %.1f)%n", a, b, measured, percentile(oneWay, 50), percentile(oneWay, 90),
                percentile(roundTrip, 50), percentile(roundTrip, 90));
    }

    private static double percentile(long[] nanos, int percent) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)] / 1000.0;
    }

    /**
     * The kernel enables a veth's transmit queue once it has seen its carrier come on, in a work item of its
     * link watch that may run well after "ip link set up" returns; until then frames sent on it are dropped
     * without an error (counted in tx_dropped). So frames are sent until they get through, each way.
     */
    private void awaitFramesPassBothWays() throws IOException, InterruptedException {
        Receiver atA = new Receiver();
        Receiver atB = new Receiver();
        try (PcapFrameChannel probeA = PcapFrameChannel.open(a, atA);
             PcapFrameChannel probeB = PcapFrameChannel.open(b, atB)) {
            sendUntilReceived(probeA, lacpdu(MAC_A, 0), atB);
            sendUntilReceived(probeB, lacpdu(MAC_B, 0), atA);
        }
    }

    private static byte[] sendUntilReceived(PcapFrameChannel from, ByteBuf frame, Receiver to)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            assertTrue(from.send(frame));
            byte[] received = to.frames.poll(100, TimeUnit.MILLISECONDS);
            if (received != null) {
                return received;
            }
        }
        return fail("no frame from " + from.interfaceName() + " got through within " + DEADLINE_SECONDS + " s");
    }

    private PcapFrameChannel open(String name, Consumer<byte[]> onFrame) throws IOException {
        PcapFrameChannel channel = (PcapFrameChannel) PcapFrameChannel.opener().open(name, onFrame);
        channels.add(channel);
        return channel;
    }

    private static ByteBuf lacpdu(MacAddress source, int port) {
        ByteBuf frame = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);
        SlowProtocolCodec.encodeLacpdu(frame, source, new Lacpdu(Lacpdu.VERSION_1,
                new PortInfo(32768, source, 1, 32768, port, new LacpState(0x3D)), PortInfo.NONE, 0));
        return frame;
    }

    private static List<Thread> captureThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("capture-" + name))
                .toList();
    }

    /** The link-layer multicast addresses of an interface, as /proc/net/dev_mcast lists them (hex, no colons). */
    private static List<String> multicastAddresses(String name) throws IOException {
        return Files.readAllLines(Path.of("/proc/net/dev_mcast")).stream()
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields[1].equals(name))
                .map(fields -> fields[4])
                .toList();
    }

    /** Queues what a channel delivers; {@link #next()} waits for the next frame up to the deadline. */
    private static final class Receiver implements Consumer<byte[]> {
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

        @Override
        public void accept(byte[] frame) {
            frames.add(frame);
        }

        byte[] next() throws InterruptedException {
            byte[] frame = frames.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
            if (frame == null) {
                fail("no frame within " + DEADLINE_SECONDS + " s");
            }
            return frame;
        }
    }
}
