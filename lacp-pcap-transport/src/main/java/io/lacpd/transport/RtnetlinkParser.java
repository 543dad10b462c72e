package io.lacpd.transport;

import io.lacpd.core.pdu.MacAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the datagrams of an rtnetlink socket that listens to RTMGRP_LINK (rtnetlink(7)). Every length
 * is checked against what was received; what is malformed or unexpected is counted and skipped, never
 * thrown, since the bytes come from outside the JVM.
 */
final class RtnetlinkParser {

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_OPERSTATE = 16;

    static final int IFF_UP = 0x1;
    static final int IFF_LOWER_UP = 0x10000;
    static final int ARPHRD_ETHER = 1;

    /** RFC 2863 operational states, in the kernel's numbering (IF_OPER_*), which sysfs prints by name. */
    static final List<String> OPERSTATES =
            List.of("unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up");
    static final int IF_OPER_UNKNOWN = 0;
    static final int IF_OPER_TESTING = 4;
    static final int IF_OPER_DORMANT = 5;

    static final int NLMSG_HDRLEN = 16;
    static final int IFINFOMSG_LEN = 16;
    static final int RTA_HDRLEN = 4;
    /** Bridge ports also send link messages (family AF_BRIDGE), about their port role, not the link. */
    private static final int AF_UNSPEC = 0;
    /** rta_type's top bits are flags (NLA_F_NESTED, NLA_F_NET_BYTEORDER), not part of the type. */
    private static final int NLA_TYPE_MASK = 0x3FFF;
    /** Octets of a MAC address (ETH_ALEN). */
    static final int ETHER_ADDR_LEN = 6;

    private RtnetlinkParser() {
    }

    /**
     * One RTM_NEWLINK or RTM_DELLINK.
     *
     * @param name      IFLA_IFNAME, or null when the message had none
     * @param mac       IFLA_ADDRESS when it is 6 octets, else {@link MacAddress#ZERO}
     * @param operstate IFLA_OPERSTATE (IF_OPER_*), {@link #IF_OPER_UNKNOWN} when absent
     */
    record LinkMessage(boolean deleted, int index, int arphrd, int flags, String name, int mtu, MacAddress mac,
                       int operstate) {

        boolean up() {
            return carriesTraffic((flags & IFF_UP) != 0, (flags & IFF_LOWER_UP) != 0, operstate);
        }
    }

    /**
     * What one datagram held.
     *
     * @param overrun true when it held NLMSG_OVERRUN: messages were lost
     * @param ignored how many messages in it were malformed or of a kind nobody asked for (NLMSG_ERROR, ...)
     */
    record Datagram(List<LinkMessage> links, boolean overrun, int ignored) {
    }

    /**
     * Whether a link can carry frames: administratively up (IFF_UP) and with carrier (IFF_LOWER_UP), and not
     * held back by the kernel as dormant (e.g. waiting for 802.1X) or testing. The operational state alone
     * is not enough: many virtual devices never leave UNKNOWN.
     */
    static boolean carriesTraffic(boolean adminUp, boolean carrier, int operstate) {
        return adminUp && carrier && operstate != IF_OPER_DORMANT && operstate != IF_OPER_TESTING;
    }

    /** Parses one received datagram, from its position to its limit, in the host's byte order. */
    static Datagram parse(ByteBuffer datagram) {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<LinkMessage> links = new ArrayList<>(1);
        boolean overrun = false;
        int ignored = 0;
        int at = 0;
        while (b.limit() - at > 0) {
            if (b.limit() - at < NLMSG_HDRLEN) {
                ignored++;
                break;
            }
            int length = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            if (length < NLMSG_HDRLEN || length > b.limit() - at) {
                // Without a trustworthy length the next header cannot be found: drop the rest.
                ignored++;
                break;
            }
            switch (type) {
                case RTM_NEWLINK, RTM_DELLINK -> {
                    if (!link(b, at + NLMSG_HDRLEN, at + length, type == RTM_DELLINK, links)) {
                        ignored++;
                    }
                }
                case NLMSG_OVERRUN -> overrun = true;
                case NLMSG_NOOP, NLMSG_DONE -> {
                }
                default -> ignored++;
            }
            at += align(length);
        }
        return new Datagram(links, overrun, ignored);
    }

    /** Adds the message in [from, to) to {@code links} unless it is another family's; false when malformed. */
    private static boolean link(ByteBuffer b, int from, int to, boolean deleted, List<LinkMessage> links) {
        if (to - from < IFINFOMSG_LEN) {
            return false;
        }
        int family = Byte.toUnsignedInt(b.get(from));
        int arphrd = Short.toUnsignedInt(b.getShort(from + 2));
        int index = b.getInt(from + 4);
        int flags = b.getInt(from + 8);
        if (index <= 0) {
            return false;
        }
        String name = null;
        int mtu = 0;
        MacAddress mac = MacAddress.ZERO;
        int operstate = IF_OPER_UNKNOWN;
        int at = from + IFINFOMSG_LEN;
        while (to - at >= RTA_HDRLEN) {
            int length = Short.toUnsignedInt(b.getShort(at));
            int type = b.getShort(at + 2) & NLA_TYPE_MASK;
            if (length < RTA_HDRLEN || length > to - at) {
                return false;
            }
            int payload = at + RTA_HDRLEN;
            int size = length - RTA_HDRLEN;
            switch (type) {
                case IFLA_IFNAME -> name = string(b, payload, size);
                case IFLA_MTU -> {
                    if (size < Integer.BYTES) {
                        return false;
                    }
                    mtu = b.getInt(payload);
                }
                case IFLA_ADDRESS -> mac = size == ETHER_ADDR_LEN ? mac(b, payload) : MacAddress.ZERO;
                case IFLA_OPERSTATE -> {
                    if (size < 1) {
                        return false;
                    }
                    operstate = Byte.toUnsignedInt(b.get(payload));
                }
                default -> {
                }
            }
            at += align(length);
        }
        if (family == AF_UNSPEC) {
            links.add(new LinkMessage(deleted, index, arphrd, flags, name, mtu, mac, operstate));
        }
        return true;
    }

    /** A NUL-terminated string, or null when empty. */
    private static String string(ByteBuffer b, int from, int size) {
        int end = from;
        while (end < from + size && b.get(end) != 0) {
            end++;
        }
        if (end == from) {
            return null;
        }
        byte[] bytes = new byte[end - from];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static MacAddress mac(ByteBuffer b, int at) {
        long bits = 0;
        for (int i = 0; i < ETHER_ADDR_LEN; i++) {
            bits = (bits << 8) | Byte.toUnsignedLong(b.get(at + i));
        }
        return new MacAddress(bits);
    }

    /** NLMSG_ALIGN and RTA_ALIGN: messages and attributes start on 4-octet boundaries. */
    private static int align(int length) {
        return (length + 3) & ~3;
    }
}
