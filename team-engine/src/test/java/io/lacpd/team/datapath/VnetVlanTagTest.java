package io.lacpd.team.datapath;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static io.lacpd.team.datapath.TestFrame.vnetHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * VlanTag: a tag pushed after the MACs and popped again, in place, in packets with and without a vnet header,
 * whose offsets move along.
 */
class VnetVlanTagTest {

    private static final int H = VnetHeader.LENGTH;

    private static TestFrame untagged() {
        return ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_TCP, 1, 2, 0).tcp(40000, 5201).zeros(64);
    }

    private static TestFrame tagged(int tpid, int tci) {
        return ethernet(DST_MAC, SRC_MAC).tag(tpid, tci).u16(0x0800).ipv4(FrameView.PROTO_TCP, 1, 2, 0)
                .tcp(40000, 5201).zeros(64);
    }

    private static byte[] read(ByteBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.get(at, out);
        return out;
    }

    @Test
    void withHeadroomTheHeaderAndMacsMoveBackAndTheOffsetsGrowByFour() {
        TestFrame packet = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4, 54, 1448, 34, 16)).then(untagged());
        ByteBuffer b = packet.direct(VlanTag.LENGTH, 0);
        int frameLength = untagged().length();
        int start = VlanTag.insert(b, VlanTag.LENGTH, H, frameLength, 0x8100, 0x2064);
        assertEquals(0, start);
        byte[] expected = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4, 58, 1448, 38, 16))
                .then(tagged(0x8100, 0x2064)).bytes();
        assertArrayEquals(expected, read(b, start, H + frameLength + 4));
    }

    @Test
    void aTagTheKernelTookOffASuperFrameIsPutBackBeforeHdrLenIsFixed() {
        // As received on a member: the kernel's hdr_len (150, its linear length), csum_start 34, no tag.
        TestFrame packet = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4 | VnetHeader.GSO_ECN, 150,
                1448, 34, 16)).then(untagged());
        ByteBuffer b = packet.direct(VlanTag.LENGTH, 0);
        int frameLength = untagged().length() + VlanTag.LENGTH;
        int start = VlanTag.insert(b, VlanTag.LENGTH, H, untagged().length(), 0x88a8, 0x0064);
        assertEquals(0, start);
        assertEquals(38, VnetHeader.csumStart(b, start));
        assertEquals(154, VnetHeader.hdrLen(b, start));
        // hdr_len from the moved csum_start: 38 + the 20-octet TCP header of the tagged frame.
        assertEquals(58, VnetHeader.fixHdrLen(b, start, frameLength));
        byte[] expected = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4 | VnetHeader.GSO_ECN, 58, 1448,
                38, 16)).then(tagged(0x88a8, 0x0064)).bytes();
        assertArrayEquals(expected, read(b, start, H + frameLength));
    }

    @Test
    void withoutHeadroomTheRestOfTheFrameMovesForward() {
        TestFrame packet = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_NONE, 0, 0, 34, 16)).then(untagged());
        ByteBuffer b = ByteBuffer.allocate(packet.length() + 4).put(0, packet.bytes());
        int start = VlanTag.insert(b, 0, H, untagged().length(), 0x88a8, 300);
        assertEquals(0, start);
        // Not a super-frame: hdr_len 0 stays 0; csum_start moves with the tag.
        byte[] expected = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_NONE, 0, 0, 38, 16))
                .then(tagged(0x88a8, 300)).bytes();
        assertArrayEquals(expected, b.array());
    }

    @Test
    void withoutNeedsCsumOnlyHdrLenMoves() {
        TestFrame packet = TestFrame.empty().then(vnetHeader(2, 0, 54, 0, 34, 16)).then(untagged());
        ByteBuffer b = packet.direct(4, 0);
        int start = VlanTag.insert(b, 4, H, untagged().length(), 0x8100, 5);
        assertEquals(54 + 4, VnetHeader.hdrLen(b, start));
        assertEquals(34, VnetHeader.csumStart(b, start));
    }

    @Test
    void aBareFrameIsTaggedWithoutAnyHeader() {
        ByteBuffer b = untagged().direct(4, 0);
        int start = VlanTag.insert(b, 4, 0, untagged().length(), 0x8100, 100);
        assertArrayEquals(tagged(0x8100, 100).bytes(), read(b, start, untagged().length() + 4));
        assertEquals(100, VlanTag.tci(b, start, untagged().length() + 4));
    }

    @Test
    void removeUndoesInsertExactlyInHeapAndDirectBuffers() {
        TestFrame original = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4, 54, 1448, 34, 16))
                .then(untagged());
        int frameLength = untagged().length();
        ByteBuffer[] buffers = {original.direct(4, 0), ByteBuffer.allocate(original.length() + 8)};
        buffers[1].put(4, original.bytes());
        for (ByteBuffer b : buffers) {
            int tagged = VlanTag.insert(b, 4, H, frameLength, 0x8100, 0x0fff);
            assertEquals(0x0fff, VlanTag.tci(b, tagged + H, frameLength + 4));
            int untagged = VlanTag.remove(b, tagged, H, frameLength + 4);
            assertEquals(4, untagged);
            assertArrayEquals(original.bytes(), read(b, untagged, original.length()));
        }
    }

    @Test
    void removePopsTheOuterTagOfQinq() {
        TestFrame qinq = ethernet(DST_MAC, SRC_MAC).tag(0x88a8, 300).tag(0x8100, 100).u16(0x0806).zeros(28);
        ByteBuffer b = qinq.heap();
        int start = VlanTag.remove(b, 0, 0, qinq.length());
        assertEquals(4, start);
        assertArrayEquals(ethernet(DST_MAC, SRC_MAC).tag(0x8100, 100).u16(0x0806).zeros(28).bytes(),
                read(b, start, qinq.length() - 4));
    }

    @Test
    void untaggedFramesAndImpossibleMovesAreRefusedAndLeftAlone() {
        ByteBuffer b = untagged().heap();
        assertEquals(-1, VlanTag.tci(b, 0, untagged().length()));
        assertEquals(-1, VlanTag.remove(b, 0, 0, untagged().length()));
        // No headroom and no room after the frame.
        assertEquals(-1, VlanTag.insert(b, 0, 0, untagged().length(), 0x8100, 1));
        assertArrayEquals(untagged().bytes(), b.array());
        // Shorter than the MACs.
        assertEquals(-1, VlanTag.insert(ethernet(DST_MAC, SRC_MAC).direct(4, 0), 4, 0, 11, 0x8100, 1));
        // A vnet header whose checksum starts inside the tag.
        TestFrame packet = TestFrame.empty().then(vnetHeader(1, 0, 0, 0, 14, 2)).then(tagged(0x8100, 1));
        ByteBuffer p = packet.heap();
        assertEquals(-1, VlanTag.remove(p, 0, H, tagged(0x8100, 1).length()));
        assertArrayEquals(packet.bytes(), p.array());
    }
}
