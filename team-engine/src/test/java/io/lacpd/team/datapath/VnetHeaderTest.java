package io.lacpd.team.datapath;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static io.lacpd.team.datapath.TestFrame.vnetHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The virtio_net_hdr read and written little-endian in place; hdr_len recomputed from the frame. */
class VnetHeaderTest {

    private static final int AT = 6;

    /** A TAP read placed at {@link #AT} in a direct buffer: the header, then the frame. */
    private static ByteBuffer packet(TestFrame header, TestFrame frame) {
        TestFrame p = TestFrame.empty().then(header).then(frame);
        return p.direct(AT, 0);
    }

    private static TestFrame tcp4Frame(int optionWords) {
        return ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_TCP, 1, 2, 0x4000)
                .tcpWithOptions(40000, 5201, optionWords).zeros(100);
    }

    @Test
    void fieldsAreReadLittleEndianWhateverTheBuffersOrder() {
        ByteBuffer b = TestFrame.empty().zeros(AT).then(vnetHeader(1, 0x81, 0x0142, 1448, 34, 16)).heap()
                .order(ByteOrder.BIG_ENDIAN);
        assertEquals(VnetHeader.FLAG_NEEDS_CSUM, VnetHeader.flags(b, AT));
        assertEquals(VnetHeader.GSO_TCPV4 | VnetHeader.GSO_ECN, VnetHeader.gsoType(b, AT));
        assertEquals(0x0142, VnetHeader.hdrLen(b, AT));
        assertEquals(1448, VnetHeader.gsoSize(b, AT));
        assertEquals(34, VnetHeader.csumStart(b, AT));
        assertEquals(16, VnetHeader.csumOffset(b, AT));
        assertTrue(VnetHeader.isGso(b, AT));
    }

    @Test
    void writeLaysTheFieldsOutAsTheKernelReadsThem() {
        ByteBuffer b = ByteBuffer.allocateDirect(AT + VnetHeader.LENGTH);
        VnetHeader.write(b, AT, VnetHeader.FLAG_NEEDS_CSUM, VnetHeader.GSO_TCPV6, 74, 1428, 54, 16);
        byte[] written = new byte[VnetHeader.LENGTH];
        b.get(AT, written);
        assertArrayEquals(vnetHeader(1, 4, 74, 1428, 54, 16).bytes(), written);
        assertEquals(0, b.position());
    }

    @Test
    void eachSetterChangesOnlyItsField() {
        ByteBuffer b = vnetHeader(0, 0, 0, 0, 0, 0).heap();
        VnetHeader.setGsoSize(b, 0, 0xabcd);
        assertArrayEquals(vnetHeader(0, 0, 0, 0xabcd, 0, 0).bytes(), b.array());
        VnetHeader.setCsumOffset(b, 0, 6);
        VnetHeader.setFlags(b, 0, VnetHeader.FLAG_DATA_VALID);
        assertArrayEquals(vnetHeader(2, 0, 0, 0xabcd, 0, 6).bytes(), b.array());
        assertFalse(VnetHeader.isGso(b, 0));
    }

    @Test
    void aTcpSuperFramesHdrLenIsCsumStartPlusTheTcpHeaderFromItsDataOffset() {
        // The kernel's hdr_len (here 200) is not trusted: 34 + 20 octets of TCP header.
        ByteBuffer b = packet(vnetHeader(1, VnetHeader.GSO_TCPV4, 200, 1448, 34, 16), tcp4Frame(0));
        assertEquals(54, VnetHeader.fixHdrLen(b, AT, tcp4Frame(0).length()));
        assertEquals(54, VnetHeader.hdrLen(b, AT));
        // With 12 octets of options (timestamps): data offset 8.
        b = packet(vnetHeader(1, VnetHeader.GSO_TCPV4 | VnetHeader.GSO_ECN, 0, 1448, 34, 16), tcp4Frame(3));
        assertEquals(66, VnetHeader.fixHdrLen(b, AT, tcp4Frame(3).length()));
    }

    @Test
    void aTcpOverIpv6SuperFrameBehindATagCountsFromTheFramesStart() {
        TestFrame frame = ethernet(DST_MAC, SRC_MAC).tag(0x8100, 100).u16(0x86dd).ipv6(6, 1, 2, 3, 4)
                .tcpWithOptions(1, 2, 3).zeros(1000);
        ByteBuffer b = packet(vnetHeader(1, VnetHeader.GSO_TCPV6, 0, 1428, 58, 16), frame);
        assertEquals(58 + 32, VnetHeader.fixHdrLen(b, AT, frame.length()));
    }

    @Test
    void aUdpSuperFramesHdrLenIsCsumStartPlusEight() {
        TestFrame frame = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, 1, 2, 0).udp(1, 2)
                .zeros(3000);
        ByteBuffer b = packet(vnetHeader(1, VnetHeader.GSO_UDP_L4, 9, 1472, 34, 6), frame);
        assertEquals(42, VnetHeader.fixHdrLen(b, AT, frame.length()));
        // UFO as well: its gso_size fragments the datagram, the headers are the same.
        b = packet(vnetHeader(1, VnetHeader.GSO_UDP, 9, 1472, 34, 6), frame);
        assertEquals(42, VnetHeader.fixHdrLen(b, AT, frame.length()));
    }

    @Test
    void aGroMergedSuperFrameWithoutNeedsCsumKeepsTheKernelsHdrLen() {
        // DATA_VALID, not NEEDS_CSUM: csum_start means nothing, and the kernel taking it finds the headers itself.
        ByteBuffer b = packet(vnetHeader(VnetHeader.FLAG_DATA_VALID, VnetHeader.GSO_TCPV4, 150, 1448, 0, 0),
                tcp4Frame(3));
        assertEquals(150, VnetHeader.fixHdrLen(b, AT, tcp4Frame(3).length()));
        assertEquals(150, VnetHeader.hdrLen(b, AT));
    }

    @Test
    void aFrameThatIsNotASuperFrameKeepsItsHdrLen() {
        ByteBuffer b = packet(vnetHeader(1, VnetHeader.GSO_NONE, 0, 0, 34, 16), tcp4Frame(0));
        assertEquals(0, VnetHeader.fixHdrLen(b, AT, tcp4Frame(0).length()));
        assertEquals(0, VnetHeader.hdrLen(b, AT));
    }

    @Test
    void aMalformedSuperFrameIsRefusedAndLeftAsItWas() {
        int length = tcp4Frame(0).length();
        // csum_start past the frame's end.
        assertEquals(-1, VnetHeader.fixHdrLen(packet(vnetHeader(1, 1, 7, 1448, 4000, 16), tcp4Frame(0)), AT, length));
        // A data offset below 5 words.
        TestFrame bad = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_TCP, 1, 2, 0)
                .u16(1).u16(2).u32(0).u32(0).u8(4 << 4).zeros(7);
        ByteBuffer b = packet(vnetHeader(1, 1, 7, 1448, 34, 16), bad);
        assertEquals(-1, VnetHeader.fixHdrLen(b, AT, bad.length()));
        assertEquals(7, VnetHeader.hdrLen(b, AT));
        // A data offset of 15 words: the TCP header would end past the frame's end.
        TestFrame cut = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_TCP, 1, 2, 0)
                .u16(1).u16(2).u32(0).u32(0).u8(15 << 4).zeros(27);
        assertEquals(-1, VnetHeader.fixHdrLen(packet(vnetHeader(1, 1, 7, 1448, 34, 16), cut), AT, cut.length()));
        // An unknown gso_type.
        assertEquals(-1, VnetHeader.fixHdrLen(packet(vnetHeader(1, 9, 7, 1448, 34, 16), tcp4Frame(0)), AT, length));
        // A length beyond the buffer.
        assertEquals(-1, VnetHeader.fixHdrLen(packet(vnetHeader(1, 1, 7, 1448, 34, 16), tcp4Frame(0)), AT,
                length + 1));
    }
}
