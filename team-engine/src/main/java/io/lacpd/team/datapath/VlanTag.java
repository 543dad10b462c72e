package io.lacpd.team.datapath;

import java.nio.ByteBuffer;

/**
 * Pushes and pops an IEEE 802.1Q tag at octet 12 of a frame in its buffer, in place: this kernel has no 8021q,
 * so VLAN team interfaces tag and untag in user space, and a tag the kernel moved into metadata on receive is
 * put back the same way. The frame may be preceded by its {@link VnetHeader}; then csum_start and hdr_len, which
 * count from the frame's first octet, move by the tag's 4 octets with it, and a tagged super-frame stays valid.
 *
 * <p>The cheap way to make room is to move the header and the MACs, not the payload: with {@value #LENGTH}
 * octets of headroom before the packet, {@link #insert} moves at most 22 octets, whatever the frame's size, and
 * {@link #remove} always does. Absolute bulk moves within the buffer only; nothing allocates.
 */
public final class VlanTag {

    /** Octets of a tag: TPID and TCI. */
    public static final int LENGTH = 4;

    private static final int MACS = 12;

    private VlanTag() {
    }

    /**
     * The TCI of the frame's outer tag (0x8100 or 0x88a8), or -1 when the frame is untagged or too short.
     *
     * @param frameAt where the Ethernet frame starts (after any vnet header)
     */
    public static int tci(ByteBuffer b, int frameAt, int frameLength) {
        if (!tagged(b, frameAt, frameLength)) {
            return -1;
        }
        return u16(b, frameAt + MACS + 2);
    }

    /**
     * Inserts a tag after the MACs. With {@value #LENGTH} octets free before {@code packetAt} the packet's first
     * {@code headerLength} + 12 octets move back into them; otherwise the rest of the frame moves forward, which
     * needs 4 octets free after it, before the buffer's limit.
     *
     * @param packetAt     where the packet starts: its vnet header, if any, then the frame
     * @param headerLength {@link VnetHeader#LENGTH}, or 0 when the frame has no vnet header
     * @param frameLength  the Ethernet frame's length (without the vnet header); it grows by {@value #LENGTH}
     * @param tpid         0x8100 (802.1Q) or 0x88a8 (802.1ad)
     * @param tci          priority, DEI and VLAN ID
     * @return where the packet starts now, or -1 (nothing changed) when the frame is shorter than its MACs or
     *         there is no room
     */
    public static int insert(ByteBuffer b, int packetAt, int headerLength, int frameLength, int tpid, int tci) {
        int end = packetAt + headerLength + frameLength;
        if (packetAt < 0 || frameLength < MACS || end > b.limit()) {
            return -1;
        }
        int start;
        if (packetAt >= LENGTH) {
            start = packetAt - LENGTH;
            b.put(start, b, packetAt, headerLength + MACS);
        } else if (end + LENGTH <= b.limit()) {
            start = packetAt;
            int rest = packetAt + headerLength + MACS;
            b.put(rest + LENGTH, b, rest, end - rest);
        } else {
            return -1;
        }
        int tag = start + headerLength + MACS;
        putU16(b, tag, tpid);
        putU16(b, tag + 2, tci);
        if (headerLength == VnetHeader.LENGTH) {
            shiftOffsets(b, start, LENGTH);
        }
        return start;
    }

    /**
     * Removes the frame's outer tag (0x8100 or 0x88a8) by moving the packet's first {@code headerLength} + 12
     * octets forward over it; read it first with {@link #tci}.
     *
     * @param packetAt     where the packet starts: its vnet header, if any, then the frame
     * @param headerLength {@link VnetHeader#LENGTH}, or 0 when the frame has no vnet header
     * @param frameLength  the Ethernet frame's length; it shrinks by {@value #LENGTH}
     * @return where the packet starts now ({@code packetAt} + 4), or -1 (nothing changed) when the frame is
     *         untagged, or its vnet header points checksum or headers into the tag
     */
    public static int remove(ByteBuffer b, int packetAt, int headerLength, int frameLength) {
        if (packetAt < 0 || packetAt + headerLength + frameLength > b.limit()
                || !tagged(b, packetAt + headerLength, frameLength)) {
            return -1;
        }
        if (headerLength == VnetHeader.LENGTH) {
            boolean csum = (VnetHeader.flags(b, packetAt) & VnetHeader.FLAG_NEEDS_CSUM) != 0;
            int hdrLen = VnetHeader.hdrLen(b, packetAt);
            if (csum && VnetHeader.csumStart(b, packetAt) < MACS + LENGTH
                    || hdrLen != 0 && hdrLen < MACS + LENGTH) {
                return -1;
            }
        }
        int start = packetAt + LENGTH;
        b.put(start, b, packetAt, headerLength + MACS);
        if (headerLength == VnetHeader.LENGTH) {
            shiftOffsets(b, start, -LENGTH);
        }
        return start;
    }

    // csum_start is meaningful only with NEEDS_CSUM; hdr_len only when set (a super-frame's, or a hint).
    private static void shiftOffsets(ByteBuffer b, int header, int by) {
        if ((VnetHeader.flags(b, header) & VnetHeader.FLAG_NEEDS_CSUM) != 0) {
            VnetHeader.setCsumStart(b, header, VnetHeader.csumStart(b, header) + by);
        }
        int hdrLen = VnetHeader.hdrLen(b, header);
        if (hdrLen != 0) {
            VnetHeader.setHdrLen(b, header, hdrLen + by);
        }
    }

    private static boolean tagged(ByteBuffer b, int frameAt, int frameLength) {
        if (frameAt < 0 || frameLength < MACS + LENGTH + 2 || frameAt + frameLength > b.limit()) {
            return false;
        }
        int tpid = u16(b, frameAt + MACS);
        return tpid == FrameView.ETHERTYPE_VLAN || tpid == FrameView.ETHERTYPE_QINQ;
    }

    private static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xff) << 8 | b.get(i + 1) & 0xff;
    }

    private static void putU16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8));
        b.put(i + 1, (byte) v);
    }
}
