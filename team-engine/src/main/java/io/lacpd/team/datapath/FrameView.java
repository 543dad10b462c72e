package io.lacpd.team.datapath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One Ethernet frame parsed in place, as far as the distribution hash needs: MACs, up to two VLAN tags, the
 * EtherType, IPv4 or IPv6 addresses (through the common IPv6 extension headers) and TCP, UDP or SCTP ports.
 *
 * <p>Reusable and allocation-free: one instance per data-path thread, {@link #parse} overwrites it. It reads the
 * buffer with absolute gets only (direct or heap, any position, limit and byte order) and never throws for bad
 * bytes: a truncated or malformed header stops the parse at the last layer that was whole, which
 * {@link #layer()} reports, so the hash falls back to the best fields it has. Offsets are counted from the
 * frame's first octet.
 */
public final class FrameView {

    /** How far a parse got: each layer's fields are valid only when {@link #layer()} reached it. */
    public enum Layer {
        /** Shorter than an Ethernet header: nothing to hash. */
        NONE,
        /** MACs and EtherType; not IP, or an IP header that is truncated or malformed. */
        MAC,
        /** IP addresses; no ports (not TCP/UDP/SCTP, a fragment, or a truncated transport header). */
        IP,
        /** IP addresses and transport ports. */
        TRANSPORT
    }

    /** IEEE 802.1Q customer VLAN tag. */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** IEEE 802.1ad service VLAN tag (the outer tag of QinQ). */
    public static final int ETHERTYPE_QINQ = 0x88a8;
    /** IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** IPv6. */
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    /** VLAN tags walked at most; a third tag is left as the EtherType, and the frame hashes by MAC. */
    public static final int MAX_TAGS = 2;

    /** IP protocol numbers of the transports whose first four octets are the port pair. */
    public static final int PROTO_TCP = 6;
    /** UDP. */
    public static final int PROTO_UDP = 17;
    /** SCTP. */
    public static final int PROTO_SCTP = 132;

    private static final int ETH_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    // Enough for any sane chain; bounds the walk on a crafted frame of back-to-back extension headers.
    private static final int MAX_IPV6_EXTENSIONS = 8;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_DEST_OPTS = 60;

    private boolean swap;
    private Layer layer = Layer.NONE;
    private long dstMac;
    private long srcMac;
    private int tags;
    private int outerTci;
    private int innerTci;
    private int etherType;
    private int l3Offset;
    private int ipVersion;
    private int protocol;
    private boolean fragment;
    private long srcAddrHi;
    private long srcAddrLo;
    private long dstAddrHi;
    private long dstAddrLo;
    private int l4Offset;
    private int srcPort;
    private int dstPort;

    /**
     * The type field at octet 12 of a frame, without parsing it: the EtherType of an untagged frame, the TPID of
     * a tagged one. Enough for a receive path to tell Slow Protocols frames (0x8809) apart before anything else.
     *
     * @param frameAt where the Ethernet frame starts (after any vnet header)
     * @return the field, or -1 when the frame is shorter than an Ethernet header or not in the buffer
     */
    public static int outerEtherType(ByteBuffer b, int frameAt, int frameLength) {
        if (frameAt < 0 || frameLength < ETH_HEADER || frameAt + frameLength > b.limit()) {
            return -1;
        }
        return (b.get(frameAt + 12) & 0xff) << 8 | b.get(frameAt + 13) & 0xff;
    }

    /**
     * Parses the frame at {@code offset}, {@code length} octets long, replacing what this view held.
     *
     * @return the layer reached, also {@link #layer()}
     */
    public Layer parse(ByteBuffer b, int offset, int length) {
        clear();
        swap = b.order() != ByteOrder.BIG_ENDIAN;
        int end = offset + length;
        if (length < ETH_HEADER || offset < 0 || end > b.limit()) {
            return layer;
        }
        dstMac = mac(b, offset);
        srcMac = mac(b, offset + 6);
        int p = offset + 12;
        int type = u16(b, p);
        while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && tags < MAX_TAGS && p + 6 <= end) {
            int tci = u16(b, p + 2);
            if (tags == 0) {
                outerTci = tci;
            } else {
                innerTci = tci;
            }
            tags++;
            p += 4;
            type = u16(b, p);
        }
        etherType = type;
        l3Offset = p + 2 - offset;
        layer = Layer.MAC;
        if (type == ETHERTYPE_IPV4) {
            parseIpv4(b, p + 2, end, offset);
        } else if (type == ETHERTYPE_IPV6) {
            parseIpv6(b, p + 2, end, offset);
        }
        return layer;
    }

    private void parseIpv4(ByteBuffer b, int ip, int end, int frame) {
        if (ip + IPV4_HEADER > end) {
            return;
        }
        int vihl = b.get(ip) & 0xff;
        int headerLength = (vihl & 0x0f) * 4;
        if (vihl >> 4 != 4 || headerLength < IPV4_HEADER || ip + headerLength > end) {
            return;
        }
        ipVersion = 4;
        protocol = b.get(ip + 9) & 0xff;
        // More Fragments or a non-zero offset: every fragment of a datagram hashes by its addresses alone, so the
        // first (which has the ports) goes where the rest (which do not) go.
        fragment = (u16(b, ip + 6) & 0x3fff) != 0;
        srcAddrLo = u32(b, ip + 12);
        dstAddrLo = u32(b, ip + 16);
        layer = Layer.IP;
        parsePorts(b, ip + headerLength, end, frame);
    }

    private void parseIpv6(ByteBuffer b, int ip, int end, int frame) {
        if (ip + IPV6_HEADER > end || (b.get(ip) & 0xf0) != 0x60) {
            return;
        }
        ipVersion = 6;
        srcAddrHi = u64(b, ip + 8);
        srcAddrLo = u64(b, ip + 16);
        dstAddrHi = u64(b, ip + 24);
        dstAddrLo = u64(b, ip + 32);
        layer = Layer.IP;
        int next = b.get(ip + 6) & 0xff;
        int p = ip + IPV6_HEADER;
        for (int i = 0; i < MAX_IPV6_EXTENSIONS && isExtension(next); i++) {
            if (next == IPV6_FRAGMENT) {
                if (p + 8 > end) {
                    return;
                }
                // Offset or M set: a real fragment (an atomic fragment, both clear, is a whole datagram).
                if ((u16(b, p + 2) & 0xfff9) != 0) {
                    fragment = true;
                    protocol = b.get(p) & 0xff;
                    return;
                }
                next = b.get(p) & 0xff;
                p += 8;
            } else {
                if (p + 2 > end) {
                    return;
                }
                int extLength = ((b.get(p + 1) & 0xff) + 1) * 8;
                if (p + extLength > end) {
                    return;
                }
                next = b.get(p) & 0xff;
                p += extLength;
            }
        }
        if (isExtension(next)) {
            return;
        }
        protocol = next;
        parsePorts(b, p, end, frame);
    }

    private void parsePorts(ByteBuffer b, int l4, int end, int frame) {
        if (fragment || l4 + 4 > end || (protocol != PROTO_TCP && protocol != PROTO_UDP && protocol != PROTO_SCTP)) {
            return;
        }
        l4Offset = l4 - frame;
        srcPort = u16(b, l4);
        dstPort = u16(b, l4 + 2);
        layer = Layer.TRANSPORT;
    }

    private static boolean isExtension(int next) {
        return next == IPV6_HOP_BY_HOP || next == IPV6_ROUTING || next == IPV6_FRAGMENT || next == IPV6_DEST_OPTS;
    }

    private void clear() {
        layer = Layer.NONE;
        dstMac = 0;
        srcMac = 0;
        tags = 0;
        outerTci = 0;
        innerTci = 0;
        etherType = 0;
        l3Offset = 0;
        ipVersion = 0;
        protocol = -1;
        fragment = false;
        srcAddrHi = 0;
        srcAddrLo = 0;
        dstAddrHi = 0;
        dstAddrLo = 0;
        l4Offset = 0;
        srcPort = 0;
        dstPort = 0;
    }

    // Network byte order whatever the caller's buffer order: wide reads, swapped when the buffer is little-endian
    // (one bounds check per field instead of one per octet).
    private int u16(ByteBuffer b, int i) {
        short v = b.getShort(i);
        return (swap ? Short.reverseBytes(v) : v) & 0xffff;
    }

    private long u32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return (swap ? Integer.reverseBytes(v) : v) & 0xffff_ffffL;
    }

    private long u64(ByteBuffer b, int i) {
        long v = b.getLong(i);
        return swap ? Long.reverseBytes(v) : v;
    }

    private long mac(ByteBuffer b, int i) {
        return (long) u16(b, i) << 32 | u32(b, i + 2);
    }

    /** How far the last parse got. */
    public Layer layer() {
        return layer;
    }

    /** The destination MAC as 48 bits (valid from {@link Layer#MAC}). */
    public long dstMac() {
        return dstMac;
    }

    /** The source MAC as 48 bits (valid from {@link Layer#MAC}). */
    public long srcMac() {
        return srcMac;
    }

    /** VLAN tags walked, 0 to {@link #MAX_TAGS}. */
    public int tags() {
        return tags;
    }

    /** The first tag's TCI (priority, DEI, VLAN ID), or 0 when untagged. */
    public int outerTci() {
        return outerTci;
    }

    /** The second tag's TCI, or 0 when there is at most one tag. */
    public int innerTci() {
        return innerTci;
    }

    /** The EtherType after the tags (an 802.3 length below 0x0600). */
    public int etherType() {
        return etherType;
    }

    /** Where the network header starts, after the tags. */
    public int l3Offset() {
        return l3Offset;
    }

    /** 4 or 6 from {@link Layer#IP}, else 0. */
    public int ipVersion() {
        return ipVersion;
    }

    /**
     * The IP protocol (IPv6: the header after the extension headers, or a fragment's next header), or -1 when
     * not known.
     */
    public int protocol() {
        return protocol;
    }

    /** Whether the datagram is an IP fragment, first or not (it is then hashed without ports). */
    public boolean fragment() {
        return fragment;
    }

    /** The upper 64 bits of the IPv6 source; 0 for IPv4. */
    public long srcAddrHi() {
        return srcAddrHi;
    }

    /** The lower 64 bits of the IPv6 source, or the IPv4 source. */
    public long srcAddrLo() {
        return srcAddrLo;
    }

    /** The upper 64 bits of the IPv6 destination; 0 for IPv4. */
    public long dstAddrHi() {
        return dstAddrHi;
    }

    /** The lower 64 bits of the IPv6 destination, or the IPv4 destination. */
    public long dstAddrLo() {
        return dstAddrLo;
    }

    /** Where the transport header starts (valid at {@link Layer#TRANSPORT}). */
    public int l4Offset() {
        return l4Offset;
    }

    /** The transport source port (valid at {@link Layer#TRANSPORT}). */
    public int srcPort() {
        return srcPort;
    }

    /** The transport destination port (valid at {@link Layer#TRANSPORT}). */
    public int dstPort() {
        return dstPort;
    }
}
