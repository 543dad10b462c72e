package io.lacpd.team.io;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VnetFrameTest {

    /** A TCP/IPv4 super-frame's header as the host stack writes it: hdr_len its linear length, not its headers. */
    private static ByteBuffer tcpSuperFrame(int tcpHeaderWords) {
        ByteBuffer b = ByteBuffer.allocate(200);
        b.put(0, (byte) VnetFrame.F_NEEDS_CSUM).put(1, (byte) (VnetFrame.GSO_TCPV4 | VnetFrame.GSO_ECN));
        le(b, 2, 150);
        le(b, 4, 1448);
        le(b, 6, 34);
        le(b, 8, 16);
        b.putShort(VnetFrame.SIZE + 12, (short) 0x0800);
        b.put(VnetFrame.SIZE + 34 + 12, (byte) (tcpHeaderWords << 4));
        return b;
    }

    @Test
    void hdrLenBecomesCsumStartPlusTheTcpHeader() {
        ByteBuffer b = tcpSuperFrame(8);
        assertTrue(VnetFrame.fixHeaderLength(b, 0, 180));
        assertEquals(34 + 32, VnetFrame.headerLength(b, 0));
        assertEquals(VnetFrame.GSO_TCPV4, VnetFrame.gsoType(b, 0), "the ECN bit is not part of the type");
    }

    @Test
    void hdrLenOfUdpIsCsumStartPlusEight() {
        ByteBuffer b = tcpSuperFrame(5);
        b.put(1, (byte) VnetFrame.GSO_UDP_L4);
        assertTrue(VnetFrame.fixHeaderLength(b, 0, 180));
        assertEquals(42, VnetFrame.headerLength(b, 0));
    }

    @Test
    void aHeaderPointingOutsideTheFrameIsMalformed() {
        assertFalse(VnetFrame.fixHeaderLength(tcpSuperFrame(15), 0, 60), "TCP header past the frame's end");
        ByteBuffer merged = tcpSuperFrame(5);
        merged.put(0, (byte) VnetFrame.F_DATA_VALID);
        assertTrue(VnetFrame.fixHeaderLength(merged, 0, 180), "GRO-merged: no csum_start to go by");
        assertEquals(150, VnetFrame.headerLength(merged, 0));
        ByteBuffer plain = ByteBuffer.allocate(64);
        assertTrue(VnetFrame.fixHeaderLength(plain, 0, 54), "not GSO: nothing to fix");
    }

    @Test
    void pushVlanMovesTheMacsAndShiftsTheOffsets() {
        ByteBuffer b = ByteBuffer.allocate(204);
        ByteBuffer frame = tcpSuperFrame(5);
        for (int i = 0; i < 200; i++) {
            b.put(4 + i, frame.get(i));
        }
        for (int i = 0; i < 12; i++) {
            b.put(4 + VnetFrame.SIZE + i, (byte) (i + 1));
        }
        int at = VnetFrame.pushVlan(b, 4, 0x88a8, 0x0064);
        assertEquals(0, at);
        for (int i = 0; i < 12; i++) {
            assertEquals(i + 1, b.get(VnetFrame.SIZE + i), "MAC octet " + i);
        }
        assertEquals(0x88a8, VnetFrame.etherType(b, 0));
        assertEquals(0x0064, b.getShort(VnetFrame.SIZE + 14));
        assertEquals(0x0800, b.getShort(VnetFrame.SIZE + 16));
        assertEquals(38, VnetFrame.csumStart(b, 0));
        assertEquals(154, VnetFrame.headerLength(b, 0));
        assertEquals(1448, VnetFrame.gsoSize(b, 0));
    }

    private static void le(ByteBuffer b, int at, int v) {
        b.putShort(at, Short.reverseBytes((short) v));
    }
}
