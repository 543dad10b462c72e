package io.lacpd.core.pdu;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes whole Ethernet frames carrying LACPDUs and Marker PDUs (802.1AX-2014 6.4.2, 6.5.3).
 *
 * <p>Decoding is tolerant as 6.4.2.3 asks of a receiver: the version number and reserved octets are not
 * checked, and only the structure we rely on is checked: the subtype, and the type and length of each TLV we
 * read. The TLVs that follow the Collector Information TLV are walked by their length: the version 2 TLVs of
 * 6.4.2.4 are decoded into {@link LacpV2Info}, others skipped. A malformed one there does not cost the PDU
 * its version 1 information: it is named in {@link LacpV2Info#problems} (the caller counts it as illegal) and
 * the PDU is used. Decoding reads with absolute indexes and never moves the buffer's indexes.
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
        return new DecodeResult.Lacp(source, new Lacpdu(version, actor, partner, collectorMaxDelay,
                decodeV2(f, p, i, end)));
    }

    /**
     * The TLVs between the Collector Information TLV (ending at {@code i}) and the Terminator: 6.4.2.3 lets later
     * versions add TLVs there, and 6.4.2.4 defines version 2's. Known types are checked for their length (the
     * standard's fixed one) and decoded; unknown ones are stepped over by their length. A length that cannot
     * be walked (below 2, or past the frame) ends the walk.
     */
    private static LacpV2Info decodeV2(ByteBuf f, int p, int i, int end) {
        if (i + 2 > end || f.getUnsignedByte(i) == TLV_TERMINATOR) {
            return LacpV2Info.NONE;
        }
        List<LacpV2Info.Tlv> tlvs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        LacpV2Info.PortAlgorithm algorithm = null;
        LacpV2Info.ConversationIdDigest conversationDigest = null;
        LacpV2Info.Digest serviceDigest = null;
        byte[] mask = null;
        int maskState = -1;
        int masks = 0;
        while (i + 2 <= end) {
            int type = f.getUnsignedByte(i);
            int length = f.getUnsignedByte(i + 1);
            if (type == TLV_TERMINATOR) {
                break;
            }
            tlvs.add(new LacpV2Info.Tlv(type, length));
            if (length < 2 || i + length > end) {
                problems.add("TLV type " + type + " at offset " + (i - p) + " has length " + length + " (expected: 2.."
                        + (end - i) + ")");
                break;
            }
            String name = v2Name(type);
            int expected = v2Length(type);
            if (name != null && length != expected) {
                problems.add(name + " TLV length " + length + " (expected: " + expected + ")");
            } else if (name != null && seen(type, algorithm, conversationDigest, serviceDigest, masks)) {
                problems.add(name + " TLV given twice (expected: once)");
            } else if (type == LacpV2Info.TLV_PORT_ALGORITHM) {
                algorithm = new LacpV2Info.PortAlgorithm(f.getInt(i + 2));
            } else if (type == LacpV2Info.TLV_CONVERSATION_ID_DIGEST) {
                conversationDigest = new LacpV2Info.ConversationIdDigest(f.getUnsignedShort(i + 2), digest(f, i + 4));
            } else if (type == LacpV2Info.TLV_SERVICE_MAPPING_DIGEST) {
                serviceDigest = digest(f, i + 2);
            } else if (name != null) { // a Port Conversation Mask TLV
                int n = type - LacpV2Info.TLV_CONVERSATION_MASK_1; // 0..3
                mask = mask == null ? new byte[4 * LacpV2Info.ConversationMask.OCTETS_PER_TLV] : mask;
                int body = i + 2;
                if (n == 0) {
                    maskState = f.getUnsignedByte(body++);
                }
                f.getBytes(body, mask, n * LacpV2Info.ConversationMask.OCTETS_PER_TLV, LacpV2Info.ConversationMask.OCTETS_PER_TLV);
                masks |= 1 << n;
            }
            i += length;
        }
        return new LacpV2Info(tlvs, algorithm, conversationDigest,
                mask == null ? null : new LacpV2Info.ConversationMask(maskState, masks, mask), serviceDigest, problems);
    }

    private static boolean seen(int type, Object algorithm, Object conversationDigest, Object serviceDigest, int masks) {
        return switch (type) {
            case LacpV2Info.TLV_PORT_ALGORITHM -> algorithm != null;
            case LacpV2Info.TLV_CONVERSATION_ID_DIGEST -> conversationDigest != null;
            case LacpV2Info.TLV_SERVICE_MAPPING_DIGEST -> serviceDigest != null;
            default -> (masks & (1 << (type - LacpV2Info.TLV_CONVERSATION_MASK_1))) != 0;
        };
    }

    /** The name of a version 2 TLV type (6.4.2.4), or null for a type version 2 does not define. */
    private static String v2Name(int type) {
        return switch (type) {
            case LacpV2Info.TLV_PORT_ALGORITHM -> "Port Algorithm";
            case LacpV2Info.TLV_CONVERSATION_ID_DIGEST -> "Port Conversation ID Digest";
            case 0x06, 0x07, 0x08, 0x09 -> "Port Conversation Mask-" + (type - LacpV2Info.TLV_CONVERSATION_MASK_1 + 1);
            case LacpV2Info.TLV_SERVICE_MAPPING_DIGEST -> "Port Conversation Service Mapping Digest";
            default -> null;
        };
    }

    /**
     * The length of a version 2 TLV (type and length octets included): Port Algorithm 6 (a 4-octet algorithm),
     * Port Conversation ID Digest 20 (Link_Number_ID and a 16-octet digest), Mask-1 131 (the mask state and 128
     * octets), Mask-2..4 130, Service Mapping Digest 18.
     */
    private static int v2Length(int type) {
        return switch (type) {
            case LacpV2Info.TLV_PORT_ALGORITHM -> 6;
            case LacpV2Info.TLV_CONVERSATION_ID_DIGEST -> 20;
            case LacpV2Info.TLV_CONVERSATION_MASK_1 -> 131;
            case 0x07, 0x08, 0x09 -> 130;
            case LacpV2Info.TLV_SERVICE_MAPPING_DIGEST -> 18;
            default -> -1;
        };
    }

    private static LacpV2Info.Digest digest(ByteBuf f, int i) {
        return new LacpV2Info.Digest(f.getLong(i), f.getLong(i + 8));
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
