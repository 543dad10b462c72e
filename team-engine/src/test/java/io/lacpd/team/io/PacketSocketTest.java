package io.lacpd.team.io;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.NetnsThread;
import io.lacpd.team.datapath.VlanTag;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.transport.linux.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Frames through a real veth pair between two namespaces: super-frames whole, VLAN tags kept. */
class PacketSocketTest {

    private static final int CAPACITY = 1 << 17;
    private static final int HEADROOM = 4;

    private NetnsLab lab;
    private NetnsThread a;
    private NetnsThread b;
    private PacketSocket sender;
    private PacketSocket receiver;
    private final ByteBuffer out = ByteBuffer.allocateDirect(CAPACITY);
    private final ByteBuffer in = ByteBuffer.allocateDirect(CAPACITY);

    @BeforeEach
    void lab() throws Exception {
        lab = new NetnsLab(1);
        for (String ns : new String[] {lab.nsA, lab.nsB}) {
            NetnsLab.sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.eth1.disable_ipv6=1");
        }
        a = new NetnsThread(lab.nsA);
        b = new NetnsThread(lab.nsB);
        sender = a.call(() -> PacketSocket.open("eth1"));
        receiver = b.call(() -> PacketSocket.open("eth1"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (sender != null) {
            sender.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        a.close();
        b.close();
        lab.close();
    }

    @Test
    void aGsoSuperFramePassesWhole() throws Exception {
        int payload = 64000;
        int frameLength = tcpFrame(out, payload);
        // NEEDS_CSUM, TCPV4, hdr_len 54, gso_size 1448, csum_start 34, csum_offset 16 (little-endian)
        out.put(0, (byte) VnetHeader.FLAG_NEEDS_CSUM).put(1, (byte) VnetHeader.GSO_TCPV4);
        le(out, 2, 54);
        le(out, 4, 1448);
        le(out, 6, 34);
        le(out, 8, 16);
        assertEquals(VnetHeader.LENGTH + frameLength, sender.send(Native.getDirectBufferPointer(out),
                VnetHeader.LENGTH + frameLength));

        long n = receiveMatching(frameLength);
        assertEquals(VnetHeader.LENGTH + frameLength, n, "one read, the whole super-frame");
        assertEquals(VnetHeader.GSO_TCPV4, VnetHeader.gsoType(in, HEADROOM));
        assertEquals(1448, VnetHeader.gsoSize(in, HEADROOM));
        assertEquals(34, VnetHeader.csumStart(in, HEADROOM));
        assertEquals(frameLength, mismatchFrom(VnetHeader.LENGTH, HEADROOM + VnetHeader.LENGTH, frameLength));
        assertEquals(PacketSocket.NO_VLAN, receiver.vlanTci());

        assertEquals(54, VnetHeader.fixHdrLen(in, HEADROOM, frameLength), "csum_start + the TCP header");
        assertEquals(54, VnetHeader.hdrLen(in, HEADROOM));
        assertNoOwnFrame(frameLength);
    }

    @Test
    void aTaggedFrameKeepsItsTag() throws Exception {
        int inner = tcpFrame(out, 100);
        // 802.1Q tag at offset 12: TPID 0x8100, priority 1, VLAN 100
        ByteBuffer tagged = ByteBuffer.allocateDirect(CAPACITY);
        for (int i = 0; i < VnetHeader.LENGTH + 12; i++) {
            tagged.put(i, out.get(i));
        }
        tagged.putShort(VnetHeader.LENGTH + 12, (short) 0x8100).putShort(VnetHeader.LENGTH + 14, (short) 0x2064);
        for (int i = VnetHeader.LENGTH + 12; i < VnetHeader.LENGTH + inner; i++) {
            tagged.put(i + 4, out.get(i));
        }
        int frameLength = inner + 4;
        sender.send(Native.getDirectBufferPointer(tagged), VnetHeader.LENGTH + frameLength);

        long n = receiveMatching(inner);
        assertEquals(VnetHeader.LENGTH + inner, n, "the kernel took the tag off");
        assertEquals(0x2064, receiver.vlanTci());
        assertEquals(0x8100, receiver.vlanTpid());
        int at = VlanTag.insert(in, HEADROOM, VnetHeader.LENGTH, inner, receiver.vlanTpid(), receiver.vlanTci());
        assertEquals(0, at);
        for (int i = 0; i < frameLength; i++) {
            assertEquals(tagged.get(VnetHeader.LENGTH + i), in.get(VnetHeader.LENGTH + i), "octet " + i);
        }
    }

    @Test
    void slowProtocolsFramesAreLeftToLacpsCaptureAndNeverReachTheDataSocket() throws Exception {
        int frameLength = tcpFrame(out, 100);
        out.putShort(VnetHeader.LENGTH + 12, (short) 0x8809); // the same frame, as a Slow Protocols one
        for (int i = 0; i < 5; i++) {
            sender.send(Native.getDirectBufferPointer(out), VnetHeader.LENGTH + frameLength);
        }
        out.putShort(VnetHeader.LENGTH + 12, (short) 0x0800);
        sender.send(Native.getDirectBufferPointer(out), VnetHeader.LENGTH + frameLength);
        assertEquals(VnetHeader.LENGTH + frameLength, receiveMatching(frameLength));
        assertEquals(0x0800, in.getShort(HEADROOM + VnetHeader.LENGTH + 12) & 0xffff,
                "the first frame of that length to arrive is the IPv4 one: the socket filter dropped the others");
    }

    /** Receives on B until a frame of {@code frameLength} arrives (the veth may carry other chatter). */
    private long receiveMatching(int frameLength) throws InterruptedException {
        Pointer at = Native.getDirectBufferPointer(in).share(HEADROOM);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            long n = receiver.receive(at, CAPACITY - HEADROOM);
            if (n == VnetHeader.LENGTH + frameLength) {
                return n;
            }
            if (n == -Libc.EAGAIN) {
                Thread.sleep(1);
            }
        }
        throw new AssertionError("no frame of " + frameLength + " octets arrived");
    }

    /** PACKET_IGNORE_OUTGOING: the sender never reads back what it sent. */
    private void assertNoOwnFrame(int frameLength) throws InterruptedException {
        Pointer at = Native.getDirectBufferPointer(in);
        for (int i = 0; i < 20; i++) {
            long n;
            while ((n = sender.receive(at, CAPACITY)) != -Libc.EAGAIN) {
                assertNotEquals(VnetHeader.LENGTH + frameLength, n, "the sender saw its own frame");
            }
            Thread.sleep(5);
        }
    }

    private int mismatchFrom(int outAt, int inAt, int length) {
        for (int i = 0; i < length; i++) {
            if (out.get(outAt + i) != in.get(inAt + i)) {
                return i;
            }
        }
        return length;
    }

    /** Ethernet + IPv4 + TCP with {@code payload} patterned octets, after a zero virtio_net_hdr. */
    private static int tcpFrame(ByteBuffer b, int payload) {
        for (int i = 0; i < VnetHeader.LENGTH; i++) {
            b.put(i, (byte) 0);
        }
        int e = VnetHeader.LENGTH;
        long dst = 0x02000000_0b01L;
        long src = 0x02000000_0a01L;
        for (int i = 0; i < 6; i++) {
            b.put(e + i, (byte) (dst >>> (40 - 8 * i)));
            b.put(e + 6 + i, (byte) (src >>> (40 - 8 * i)));
        }
        b.putShort(e + 12, (short) 0x0800);
        int ip = e + 14;
        b.put(ip, (byte) 0x45).put(ip + 1, (byte) 0).putShort(ip + 2, (short) (40 + payload));
        b.putInt(ip + 4, 0x00004000).put(ip + 8, (byte) 64).put(ip + 9, (byte) 6).putShort(ip + 10, (short) 0);
        b.putInt(ip + 12, 0x0a010001).putInt(ip + 16, 0x0a010002);
        int tcp = ip + 20;
        b.putShort(tcp, (short) 40000).putShort(tcp + 2, (short) 5201).putInt(tcp + 4, 1).putInt(tcp + 8, 0);
        b.put(tcp + 12, (byte) 0x50).put(tcp + 13, (byte) 0x10).putShort(tcp + 14, (short) 0xffff);
        b.putInt(tcp + 16, 0);
        for (int i = 0; i < payload; i++) {
            b.put(tcp + 20 + i, (byte) (i * 7));
        }
        return 14 + 40 + payload;
    }

    private static void le(ByteBuffer b, int at, int value) {
        b.putShort(at, Short.reverseBytes((short) value));
    }
}
