package io.lacpd.team.datapath;

import java.nio.ByteBuffer;

/**
 * The 10-octet {@code struct virtio_net_hdr} that precedes every frame on a TAP opened with IFF_VNET_HDR and on
 * an AF_PACKET socket with PACKET_VNET_HDR (include/uapi/linux/virtio_net.h; little-endian on this host, as the
 * kernel uses it without TUNSETVNETBE). Static helpers on a buffer at an offset: absolute gets and puts only,
 * assembled octet by octet so the buffer's byte order does not matter; nothing allocates.
 *
 * <p>Layout: flags u8 @0, gso_type u8 @1, hdr_len u16 @2, gso_size u16 @4, csum_start u16 @6,
 * csum_offset u16 @8. {@code csum_start} and {@code hdr_len} count from the Ethernet frame's first octet.
 */
public final class VnetHeader {

    /** Octets of the header. */
    public static final int LENGTH = 10;

    /** flags: the checksum from csum_start is partial, to be completed at csum_start + csum_offset. */
    public static final int FLAG_NEEDS_CSUM = 1;
    /** flags: the checksum was verified. */
    public static final int FLAG_DATA_VALID = 2;

    /** gso_type: not a super-frame. */
    public static final int GSO_NONE = 0;
    /** gso_type: TCP over IPv4 super-frame. */
    public static final int GSO_TCPV4 = 1;
    /** gso_type: UDP fragmentation offload (UFO). */
    public static final int GSO_UDP = 3;
    /** gso_type: TCP over IPv6 super-frame. */
    public static final int GSO_TCPV6 = 4;
    /** gso_type: UDP segmentation offload (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** gso_type bit: the TCP super-frame carries ECN (CWR must be cleared after the first segment). */
    public static final int GSO_ECN = 0x80;

    private static final int TCP_MIN_HEADER = 20;
    private static final int UDP_HEADER = 8;

    private VnetHeader() {
    }

    /** The flags octet. */
    public static int flags(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    /** The gso_type octet, ECN bit included. */
    public static int gsoType(ByteBuffer b, int at) {
        return b.get(at + 1) & 0xff;
    }

    /** Length of the headers to copy into every segment. */
    public static int hdrLen(ByteBuffer b, int at) {
        return le16(b, at + 2);
    }

    /** Payload octets per segment of a super-frame. */
    public static int gsoSize(ByteBuffer b, int at) {
        return le16(b, at + 4);
    }

    /** Where checksumming starts, from the frame's first octet. */
    public static int csumStart(ByteBuffer b, int at) {
        return le16(b, at + 6);
    }

    /** Where the checksum goes, from csum_start. */
    public static int csumOffset(ByteBuffer b, int at) {
        return le16(b, at + 8);
    }

    /** Sets the flags octet. */
    public static void setFlags(ByteBuffer b, int at, int flags) {
        b.put(at, (byte) flags);
    }

    /** Sets the gso_type octet. */
    public static void setGsoType(ByteBuffer b, int at, int gsoType) {
        b.put(at + 1, (byte) gsoType);
    }

    /** Sets hdr_len. */
    public static void setHdrLen(ByteBuffer b, int at, int hdrLen) {
        putLe16(b, at + 2, hdrLen);
    }

    /** Sets gso_size. */
    public static void setGsoSize(ByteBuffer b, int at, int gsoSize) {
        putLe16(b, at + 4, gsoSize);
    }

    /** Sets csum_start. */
    public static void setCsumStart(ByteBuffer b, int at, int csumStart) {
        putLe16(b, at + 6, csumStart);
    }

    /** Sets csum_offset. */
    public static void setCsumOffset(ByteBuffer b, int at, int csumOffset) {
        putLe16(b, at + 8, csumOffset);
    }

    /** Writes a whole header. */
    public static void write(ByteBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        setFlags(b, at, flags);
        setGsoType(b, at, gsoType);
        setHdrLen(b, at, hdrLen);
        setGsoSize(b, at, gsoSize);
        setCsumStart(b, at, csumStart);
        setCsumOffset(b, at, csumOffset);
    }

    /** Whether the header describes a super-frame (gso_type other than NONE, the ECN bit aside). */
    public static boolean isGso(ByteBuffer b, int at) {
        return (gsoType(b, at) & ~GSO_ECN) != GSO_NONE;
    }

    /**
     * Sets hdr_len of a super-frame to csum_start + its transport header's length (TCP: from the data offset;
     * UDP: 8): the kernel's own hdr_len is the sender's linear length, not the headers'.
     * A frame that is not a super-frame is left as it is, and so is a super-frame without NEEDS_CSUM (one GRO
     * merged, marked DATA_VALID): it has no csum_start to go by, and the kernel that takes it finds the
     * headers itself.
     *
     * @param at          the header's offset; the frame follows it, {@code frameLength} octets
     * @return the hdr_len now in the header, or -1 when the super-frame is malformed (an unknown gso_type, or a
     *         transport header outside the frame) or the frame is not in the buffer: count it and drop it
     */
    public static int fixHdrLen(ByteBuffer b, int at, int frameLength) {
        if (at < 0 || frameLength < 0 || at + LENGTH + frameLength > b.limit()) {
            return -1;
        }
        if (!isGso(b, at) || (flags(b, at) & FLAG_NEEDS_CSUM) == 0) {
            return hdrLen(b, at);
        }
        int l4 = csumStart(b, at);
        int l4Length;
        switch (gsoType(b, at) & ~GSO_ECN) {
            case GSO_TCPV4, GSO_TCPV6 -> {
                if (l4 + TCP_MIN_HEADER > frameLength) {
                    return -1;
                }
                l4Length = ((b.get(at + LENGTH + l4 + 12) & 0xff) >>> 4) * 4;
                if (l4Length < TCP_MIN_HEADER) {
                    return -1;
                }
            }
            case GSO_UDP, GSO_UDP_L4 -> l4Length = UDP_HEADER;
            default -> {
                return -1;
            }
        }
        int hdrLen = l4 + l4Length;
        if (hdrLen > frameLength) {
            return -1;
        }
        setHdrLen(b, at, hdrLen);
        return hdrLen;
    }

    private static int le16(ByteBuffer b, int i) {
        return b.get(i) & 0xff | (b.get(i + 1) & 0xff) << 8;
    }

    private static void putLe16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v);
        b.put(i + 1, (byte) (v >>> 8));
    }
}
