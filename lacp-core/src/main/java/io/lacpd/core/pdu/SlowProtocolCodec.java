package io.lacpd.core.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Encodes and decodes whole Ethernet frames carrying LACPDUs and Marker PDUs (802.1AX-2014 6.4.2, 6.5.3).
 *
 * <p>Decoding is tolerant as 6.4.2.3 asks of a receiver: the version number and reserved octets are not
 * checked, TLVs that follow the Collector Information TLV are skipped by their length (so version 2
 * LACPDUs are understood), and only the structure we rely on is checked: the subtype, and the type and
 * length of each TLV we read. Decoding reads with absolute indexes and never moves the buffer's indexes.
 */
public final class SlowProtocolCodec {

    /** EtherType of the Slow Protocols (802.3 Annex 57A). */
    public static final int SLOW_PROTOCOLS_ETHERTYPE = 0x8809;
    /** Slow protocol subtype of LACP. */
    public static final int SUBTYPE_LACP = 1;
    /** Slow protocol subtype of the Marker protocol. */
    public static final int SUBTYPE_MARKER = 2;
    /** Octets of an Ethernet header (destination, source, EtherType). */
    public static final int ETHERNET_HEADER_LENGTH = 14;
    /** Octets of an LACPDU or Marker PDU after the EtherType. */
    public static final int PDU_LENGTH = 110;
    /** Octets of a whole frame as encoded here, without the FCS. */
    public static final int FRAME_LENGTH = ETHERNET_HEADER_LENGTH + PDU_LENGTH;
    /**
     * Octets of the longest frame a Slow Protocols PDU may fill, without the FCS: an untagged frame of the
     * largest basic size (802.3 3.2.7), 1,518 with it. Version 1 PDUs have 128 octets (802.3 Annex 57A), but a
     * version 2 LACPDU may carry more TLVs (802.1AX-2014 6.4.2.3) up to that size; a longer frame is illegal.
     */
    public static final int MAX_FRAME_LENGTH = ETHERNET_HEADER_LENGTH + 1500;

    /** Highest slow protocol subtype 802.3 assigns (10, OSSP); higher values are illegal. */
    static final int LAST_ASSIGNED_SUBTYPE = 10;
    static final int TLV_TERMINATOR = 0x00;
    static final int TLV_ACTOR = 0x01;
    static final int TLV_PARTNER = 0x02;
    static final int TLV_COLLECTOR = 0x03;
    static final int TLV_MARKER_INFORMATION = 0x01;
    static final int TLV_MARKER_RESPONSE = 0x02;
    static final int PORT_INFO_TLV_LENGTH = 20;
    static final int COLLECTOR_TLV_LENGTH = 16;
    static final int MARKER_TLV_LENGTH = 16;

    private SlowProtocolCodec() {
    }

    /**
     * Decodes the Ethernet frame between the buffer's reader and writer indexes (no FCS).
     */
    public static DecodeResult decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int end = frame.writerIndex();
        if (end - start < ETHERNET_HEADER_LENGTH + 1) {
            return new DecodeResult.Illegal("frame of " + (end - start) + " octets (expected: at least "
                    + (ETHERNET_HEADER_LENGTH + 1) + ")");
        }
        int etherType = frame.getUnsignedShort(start + 12);
        if (etherType != SLOW_PROTOCOLS_ETHERTYPE) {
            return new DecodeResult.Unknown("EtherType 0x" + Integer.toHexString(etherType) + " (expected: 0x8809)");
        }
        if (end - start > MAX_FRAME_LENGTH) {
            return new DecodeResult.Illegal("frame of " + (end - start) + " octets or more (expected: at most "
                    + MAX_FRAME_LENGTH + ")");
        }
        MacAddress source = MacAddress.get(frame, start + 6);
        int p = start + ETHERNET_HEADER_LENGTH;
        int subtype = frame.getUnsignedByte(p);
        return switch (subtype) {
            case SUBTYPE_LACP -> decodeLacpdu(frame, source, p, end);
            case SUBTYPE_MARKER -> decodeMarker(frame, source, p, end);
            // 802.3 Annex 57A.4: 0 and 11..255 are illegal values, which the MIB counts as IllegalRx
            default -> subtype == 0 || subtype > LAST_ASSIGNED_SUBTYPE
                    ? new DecodeResult.Illegal("slow protocol subtype " + subtype + " is an illegal value (expected: 1..10)")
                    : new DecodeResult.Unknown("slow protocol subtype " + subtype + " (expected: 1 LACP or 2 Marker)");
        };
    }

    private static DecodeResult decodeLacpdu(ByteBuf f, MacAddress source, int p, int end) {
        if (p + 2 > end) {
            return new DecodeResult.Illegal("LACPDU truncated before its version");
        }
        int version = f.getUnsignedByte(p + 1);
        int i = p + 2;
        String bad = checkTlv(f, i, end, TLV_ACTOR, PORT_INFO_TLV_LENGTH, "Actor Information");
        if (bad != null) {
            return new DecodeResult.Illegal(bad);
        }
        PortInfo actor = portInfo(f, i + 2);
        i += PORT_INFO_TLV_LENGTH;
        bad = checkTlv(f, i, end, TLV_PARTNER, PORT_INFO_TLV_LENGTH, "Partner Information");
        if (bad != null) {
            return new DecodeResult.Illegal(bad);
        }
        PortInfo partner = portInfo(f, i + 2);
        i += PORT_INFO_TLV_LENGTH;
        bad = checkTlv(f, i, end, TLV_COLLECTOR, COLLECTOR_TLV_LENGTH, "Collector Information");
        if (bad != null) {
            return new DecodeResult.Illegal(bad);
        }
        int collectorMaxDelay = f.getUnsignedShort(i + 2);
        i += COLLECTOR_TLV_LENGTH;
        // 6.4.2.3: later versions add TLVs before the Terminator; step over them by their length.
        while (i + 2 <= end) {
            int type = f.getUnsignedByte(i);
            int length = f.getUnsignedByte(i + 1);
            if (type == TLV_TERMINATOR) {
                break;
            }
            if (length < 2 || i + length > end) {
                return new DecodeResult.Illegal("TLV type " + type + " at offset " + (i - p) + " has length "
                        + length + " (expected: 2.." + (end - i) + ")");
            }
            i += length;
        }
        return new DecodeResult.Lacp(source, new Lacpdu(version, actor, partner, collectorMaxDelay));
    }

    private static DecodeResult decodeMarker(ByteBuf f, MacAddress source, int p, int end) {
        int i = p + 2;
        if (i + 2 > end) {
            return new DecodeResult.Illegal("Marker PDU truncated before its first TLV");
        }
        int type = f.getUnsignedByte(i);
        int length = f.getUnsignedByte(i + 1);
        if (type != TLV_MARKER_INFORMATION && type != TLV_MARKER_RESPONSE) {
            return new DecodeResult.Illegal("Marker TLV type " + type + " (expected: 1 Marker Information or 2 Marker Response)");
        }
        if (length != MARKER_TLV_LENGTH) {
            return new DecodeResult.Illegal("Marker TLV length " + length + " (expected: 16)");
        }
        if (i + MARKER_TLV_LENGTH > end) {
            return new DecodeResult.Illegal("Marker TLV truncated: " + (end - i) + " octets left (expected: 16)");
        }
        MarkerPdu pdu = new MarkerPdu(type == TLV_MARKER_RESPONSE, f.getUnsignedShort(i + 2),
                MacAddress.get(f, i + 4), f.getInt(i + 10));
        return new DecodeResult.Marker(source, pdu);
    }

    /** Returns null when a TLV of the expected type and length fits before end, else the reason. */
    private static String checkTlv(ByteBuf f, int i, int end, int type, int length, String name) {
        if (i + 2 > end) {
            return name + " TLV missing: the PDU ends before it";
        }
        int gotType = f.getUnsignedByte(i);
        int gotLength = f.getUnsignedByte(i + 1);
        if (gotType != type) {
            return "TLV type " + gotType + " where " + name + " belongs (expected: " + type + ")";
        }
        if (gotLength != length) {
            return name + " TLV length " + gotLength + " (expected: " + length + ")";
        }
        if (i + length > end) {
            return name + " TLV truncated: " + (end - i) + " octets left (expected: " + length + ")";
        }
        return null;
    }

    private static PortInfo portInfo(ByteBuf f, int i) {
        return new PortInfo(f.getUnsignedShort(i), MacAddress.get(f, i + 2), f.getUnsignedShort(i + 8),
                f.getUnsignedShort(i + 10), f.getUnsignedShort(i + 12), new LacpState(f.getUnsignedByte(i + 14)));
    }

    /**
     * Appends a whole LACPDU frame ({@value #FRAME_LENGTH} octets) to {@code out}: to
     * Slow_Protocols_Multicast from {@code source}, version as in the PDU, reserved octets zero.
     */
    public static void encodeLacpdu(ByteBuf out, MacAddress source, Lacpdu pdu) {
        out.ensureWritable(FRAME_LENGTH);
        int start = out.writerIndex();
        header(out, source);
        out.writeByte(SUBTYPE_LACP);
        out.writeByte(pdu.version());
        portInfoTlv(out, TLV_ACTOR, pdu.actor());
        portInfoTlv(out, TLV_PARTNER, pdu.partner());
        out.writeByte(TLV_COLLECTOR);
        out.writeByte(COLLECTOR_TLV_LENGTH);
        out.writeShort(pdu.collectorMaxDelay());
        out.writeZero(12);
        padToFrameLength(out, start); // Terminator TLV (type 0, length 0) and 50 reserved octets
    }

    /** Appends a whole Marker or Marker Response frame ({@value #FRAME_LENGTH} octets) to {@code out}. */
    public static void encodeMarker(ByteBuf out, MacAddress source, MarkerPdu pdu) {
        out.ensureWritable(FRAME_LENGTH);
        int start = out.writerIndex();
        header(out, source);
        out.writeByte(SUBTYPE_MARKER);
        out.writeByte(1);
        out.writeByte(pdu.response() ? TLV_MARKER_RESPONSE : TLV_MARKER_INFORMATION);
        out.writeByte(MARKER_TLV_LENGTH);
        out.writeShort(pdu.requesterPort());
        pdu.requesterSystem().write(out);
        out.writeInt(pdu.transactionId());
        out.writeShort(0); // Pad
        padToFrameLength(out, start); // Terminator TLV and 90 reserved octets
    }

    private static void header(ByteBuf out, MacAddress source) {
        MacAddress.SLOW_PROTOCOLS_MULTICAST.write(out);
        source.write(out);
        out.writeShort(SLOW_PROTOCOLS_ETHERTYPE);
    }

    private static void portInfoTlv(ByteBuf out, int type, PortInfo info) {
        out.writeByte(type);
        out.writeByte(PORT_INFO_TLV_LENGTH);
        out.writeShort(info.systemPriority());
        info.system().write(out);
        out.writeShort(info.key());
        out.writeShort(info.portPriority());
        out.writeShort(info.port());
        out.writeByte(info.state().bits());
        out.writeZero(3);
    }

    private static void padToFrameLength(ByteBuf out, int start) {
        out.writeZero(FRAME_LENGTH - (out.writerIndex() - start));
    }
}
