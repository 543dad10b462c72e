package io.lacpd.team.datapath;

import java.nio.ByteBuffer;

/**
 * The frames that tell the switches where the team MAC lives now, after a switch-independent failover or a change
 * of primary, so that they relearn it at once instead of flooding or black-holing until the host sends: a
 * gratuitous ARP for each IPv4 address of the team interface, an unsolicited Neighbor Advertisement (RFC 4861
 * 4.4, Override set) for each IPv6 address, or, with no address at all, a RARP frame carrying the MAC, as QEMU and
 * Open vSwitch announce a moved MAC.
 *
 * <p>Pure: each builder writes one Ethernet frame (no vnet header) with absolute puts at {@code at}, in network
 * order whatever the buffer's, and returns its length; the buffer must have {@link #MAX_LENGTH} octets from there.
 */
public final class Announcement {

    /** The longest frame built here. */
    public static final int MAX_LENGTH = 86;
    /** Ethernet's shortest frame without its FCS: shorter ones are padded with zeros. */
    private static final int MIN_FRAME = 60;
    private static final long BROADCAST = 0xffff_ffff_ffffL;
    /** 33:33:00:00:00:01, the MAC of ff02::1 (all nodes). */
    private static final long ALL_NODES_MAC = 0x3333_0000_0001L;
    private static final byte[] ALL_NODES = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_RARP = 0x8035;
    private static final int ARP_REQUEST = 1;
    private static final int RARP_REQUEST = 3;
    private static final int ICMPV6 = 58;
    private static final int NEIGHBOR_ADVERTISEMENT = 136;
    private static final int OVERRIDE = 0x2000_0000;
    private static final int TARGET_LINK_LAYER_ADDRESS = 2;
    private static final int NA_LENGTH = 32; // the message (24) and the target link-layer address option (8)

    private Announcement() {
    }

    /** A gratuitous ARP request: who has {@code ipv4}, tell {@code ipv4} at {@code mac}, broadcast. */
    public static int gratuitousArp(ByteBuffer b, int at, long mac, int ipv4) {
        ethernet(b, at, BROADCAST, mac, ETHERTYPE_ARP);
        arpBody(b, at + 14, ARP_REQUEST, mac, ipv4, 0, ipv4);
        return pad(b, at, 42);
    }

    /** A RARP request for {@code mac} (no protocol address), broadcast: a switch learns the MAC from its source. */
    public static int rarp(ByteBuffer b, int at, long mac) {
        ethernet(b, at, BROADCAST, mac, ETHERTYPE_RARP);
        arpBody(b, at + 14, RARP_REQUEST, mac, 0, mac, 0);
        return pad(b, at, 42);
    }

    /**
     * An unsolicited Neighbor Advertisement to all nodes: {@code ipv6} (16 octets) is at {@code mac}, Override set,
     * from {@code ipv6} itself, hop limit 255, with its ICMPv6 checksum.
     */
    public static int unsolicitedNeighborAdvertisement(ByteBuffer b, int at, long mac, byte[] ipv6) {
        if (ipv6.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets (got: " + ipv6.length + ")");
        }
        ethernet(b, at, ALL_NODES_MAC, mac, FrameView.ETHERTYPE_IPV6);
        int ip = at + 14;
        u32(b, ip, 0x6000_0000);
        u16(b, ip + 4, NA_LENGTH);
        b.put(ip + 6, (byte) ICMPV6);
        b.put(ip + 7, (byte) 255); // RFC 4861 7.1.2: a receiver checks it, so no router can have forwarded it
        b.put(ip + 8, ipv6);
        b.put(ip + 24, ALL_NODES);
        int icmp = ip + 40;
        b.put(icmp, (byte) NEIGHBOR_ADVERTISEMENT);
        b.put(icmp + 1, (byte) 0);
        u16(b, icmp + 2, 0);
        u32(b, icmp + 4, OVERRIDE);
        b.put(icmp + 8, ipv6);
        b.put(icmp + 24, (byte) TARGET_LINK_LAYER_ADDRESS);
        b.put(icmp + 25, (byte) 1); // in units of 8 octets
        putMac(b, icmp + 26, mac);
        u16(b, icmp + 2, icmpv6Checksum(b, ip, NA_LENGTH));
        return 14 + 40 + NA_LENGTH;
    }

    /**
     * The ICMPv6 checksum (RFC 4443 2.3) of the message after the IPv6 header at {@code ip}: the one's complement
     * sum over the pseudo-header (source, destination, length, next header) and the message.
     */
    static int icmpv6Checksum(ByteBuffer b, int ip, int length) {
        long sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += u16(b, ip + i);
        }
        sum += length + ICMPV6;
        int end = ip + 40 + length;
        for (int i = ip + 40; i < end - 1; i += 2) {
            sum += u16(b, i);
        }
        if ((length & 1) != 0) {
            sum += (b.get(end - 1) & 0xff) << 8;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    private static void ethernet(ByteBuffer b, int at, long dst, long src, int etherType) {
        putMac(b, at, dst);
        putMac(b, at + 6, src);
        u16(b, at + 12, etherType);
    }

    /** An ARP or RARP body for Ethernet and IPv4. */
    private static void arpBody(ByteBuffer b, int at, int op, long senderMac, int senderIp, long targetMac,
                                int targetIp) {
        u16(b, at, 1);
        u16(b, at + 2, FrameView.ETHERTYPE_IPV4);
        b.put(at + 4, (byte) 6);
        b.put(at + 5, (byte) 4);
        u16(b, at + 6, op);
        putMac(b, at + 8, senderMac);
        u32(b, at + 14, senderIp);
        putMac(b, at + 18, targetMac);
        u32(b, at + 24, targetIp);
    }

    private static int pad(ByteBuffer b, int at, int length) {
        for (int i = length; i < MIN_FRAME; i++) {
            b.put(at + i, (byte) 0);
        }
        return MIN_FRAME;
    }

    private static void u16(ByteBuffer b, int at, int v) {
        b.put(at, (byte) (v >>> 8));
        b.put(at + 1, (byte) v);
    }

    private static int u16(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) << 8 | b.get(at + 1) & 0xff;
    }

    private static void u32(ByteBuffer b, int at, int v) {
        u16(b, at, v >>> 16);
        u16(b, at + 2, v);
    }

    private static void putMac(ByteBuffer b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }
}
