package io.lacpd.team.io;

import java.nio.ByteBuffer;

/**
 * The 10-byte {@code struct virtio_net_hdr} that TAP and packet sockets put before each frame when opened with
 * vnet headers (include/uapi/linux/virtio_net.h), read and fixed in place. Its fields are little-endian; the
 * buffers stay big-endian for the Ethernet fields, so the shorts are swapped here. Pure and allocation-free.
 */
public final class VnetFrame {

    /** Octets before the Ethernet frame. */
    public static final int SIZE = 10;
    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private static final int TCP_DATA_OFFSET = 12;
    private static final int UDP_HEADER = 8;
    private static final int ETHER_TYPE = 12;
    private static final int VLAN_TAG = 4;

    private VnetFrame() {
    }

    public static int flags(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    /** The GSO type without the ECN bit. */
    public static int gsoType(ByteBuffer b, int at) {
        return b.get(at + 1) & ~GSO_ECN & 0xff;
    }

    public static int headerLength(ByteBuffer b, int at) {
        return u16(b, at + 2);
    }

    public static int gsoSize(ByteBuffer b, int at) {
        return u16(b, at + 4);
    }

    /** Where checksumming starts, from the start of the Ethernet frame. */
    public static int csumStart(ByteBuffer b, int at) {
        return u16(b, at + 6);
    }

    /**
     * Sets hdr_len of a GSO frame to csum_start + its L4 header's length: the kernel's own value is the
     * sender's linear length, not the headers', and is not to be trusted (datapath.md). A GSO frame without
     * NEEDS_CSUM (one a NIC's GRO merged, marked DATA_VALID) gives no csum_start: its hdr_len stays, and the
     * kernel that takes it finds the headers itself.
     *
     * @param at          where the header starts; the Ethernet frame follows it
     * @param frameLength the Ethernet frame's length
     * @return false when the header points outside the frame (malformed: drop it)
     */
    public static boolean fixHeaderLength(ByteBuffer b, int at, int frameLength) {
        int gso = gsoType(b, at);
        if (gso == GSO_NONE) {
            return true;
        }
        if ((flags(b, at) & F_NEEDS_CSUM) == 0) {
            return true;
        }
        int l4 = csumStart(b, at);
        int l4Length;
        if (gso == GSO_TCPV4 || gso == GSO_TCPV6) {
            if (l4 + TCP_DATA_OFFSET >= frameLength) {
                return false;
            }
            l4Length = ((b.get(at + SIZE + l4 + TCP_DATA_OFFSET) >> 4) & 0xf) * 4;
        } else {
            l4Length = UDP_HEADER;
        }
        int headers = l4 + l4Length;
        if (headers > frameLength) {
            return false;
        }
        putU16(b, at + 2, headers);
        return true;
    }

    /**
     * Puts an 802.1Q tag back into a frame whose tag the kernel moved into metadata: the header and both MACs
     * move 4 octets towards the buffer's start, the tag goes after the MACs, csum_start and hdr_len follow.
     *
     * @param at   where the header starts now; the 4 octets before it must be free
     * @param tpid the tag protocol (0x8100 or 0x88a8)
     * @param tci  priority, DEI and VLAN id
     * @return where the header starts afterwards ({@code at - 4})
     */
    public static int pushVlan(ByteBuffer b, int at, int tpid, int tci) {
        int to = at - VLAN_TAG;
        for (int i = 0; i < SIZE + ETHER_TYPE; i++) {
            b.put(to + i, b.get(at + i));
        }
        b.putShort(to + SIZE + ETHER_TYPE, (short) tpid);
        b.putShort(to + SIZE + ETHER_TYPE + 2, (short) tci);
        if ((flags(b, to) & F_NEEDS_CSUM) != 0) {
            putU16(b, to + 6, csumStart(b, to) + VLAN_TAG);
        }
        if (gsoType(b, to) != GSO_NONE) {
            putU16(b, to + 2, headerLength(b, to) + VLAN_TAG);
        }
        return to;
    }

    /** The EtherType (or the TPID of a tag) of the frame after the header. */
    public static int etherType(ByteBuffer b, int at) {
        return b.getShort(at + SIZE + ETHER_TYPE) & 0xffff;
    }

    private static int u16(ByteBuffer b, int i) {
        return Short.reverseBytes(b.getShort(i)) & 0xffff;
    }

    private static void putU16(ByteBuffer b, int i, int v) {
        b.putShort(i, Short.reverseBytes((short) v));
    }
}
