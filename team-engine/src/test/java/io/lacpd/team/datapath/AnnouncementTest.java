package io.lacpd.team.datapath;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static io.lacpd.team.datapath.TestFrame.ethernet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The frames that announce where the team MAC lives, octet by octet. */
class AnnouncementTest {

    private static final long MAC = 0x0200_000a_0001L;
    private static final long BROADCAST = 0xffff_ffff_ffffL;

    private static byte[] built(ByteBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.get(at, out);
        return out;
    }

    @Test
    void aGratuitousArpAsksForItsOwnAddressPaddedToTheShortestFrame() {
        ByteBuffer b = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN); // the buffer's order is not used
        Arrays.fill(b.array(), (byte) 0x55);
        int n = Announcement.gratuitousArp(b, 7, MAC, 0xc000_0201);
        byte[] expected = ethernet(BROADCAST, MAC).u16(0x0806).u16(1).u16(0x0800).u8(6).u8(4).u16(1)
                .mac(MAC).u32(0xc000_0201L).mac(0).u32(0xc000_0201L).zeros(18).bytes();
        assertEquals(60, n);
        assertArrayEquals(expected, built(b, 7, n));
    }

    @Test
    void aRarpFrameCarriesTheMacAsSourceAndInItsBody() {
        ByteBuffer b = ByteBuffer.allocateDirect(Announcement.MAX_LENGTH);
        int n = Announcement.rarp(b, 0, MAC);
        byte[] expected = ethernet(BROADCAST, MAC).u16(0x8035).u16(1).u16(0x0800).u8(6).u8(4).u16(3)
                .mac(MAC).u32(0).mac(MAC).u32(0).zeros(18).bytes();
        assertArrayEquals(expected, built(b, 0, n));
    }

    @Test
    void anUnsolicitedNeighborAdvertisementGoesToAllNodesWithOverrideAndTheTargetsMac() {
        byte[] address = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xfe, 0x0a, 0, 1};
        ByteBuffer b = ByteBuffer.allocate(Announcement.MAX_LENGTH + 3);
        int n = Announcement.unsolicitedNeighborAdvertisement(b, 3, MAC, address);
        TestFrame target = TestFrame.empty();
        for (byte octet : address) {
            target.u8(octet);
        }
        byte[] expected = ethernet(0x3333_0000_0001L, MAC).u16(0x86dd)
                .u32(0x6000_0000L).u16(32).u8(58).u8(255).then(target).u64(0xff02L << 48).u64(1)
                .u8(136).u8(0).u16(0x597d).u32(0x2000_0000L).then(target).u8(2).u8(1).mac(MAC).bytes();
        assertEquals(Announcement.MAX_LENGTH, n);
        assertArrayEquals(expected, built(b, 3, n), "checksum 0x597d computed apart from the code");
        assertEquals(0, Announcement.icmpv6Checksum(b, 3 + 14, 32), "a frame with its checksum sums to zero");
    }
}
