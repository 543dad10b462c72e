package io.lacpd.core.pdu;

import static io.lacpd.core.pdu.StateBit.AGGREGATION;
import static io.lacpd.core.pdu.StateBit.COLLECTING;
import static io.lacpd.core.pdu.StateBit.DISTRIBUTING;
import static io.lacpd.core.pdu.StateBit.LACP_ACTIVITY;
import static io.lacpd.core.pdu.StateBit.LACP_TIMEOUT;
import static io.lacpd.core.pdu.StateBit.SYNCHRONIZATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged, foreign and unusual frames: the decoder classifies every one of them and never throws. Random inputs
 * come from fixed seeds, so a failure reproduces.
 */
class CodecRobustnessTest {

    // Offsets in a frame: the Ethernet header, subtype and version take 16 octets, then come the TLVs. The Actor,
    // Partner and Collector Information TLVs start at 16, 36 and 56 (the CSV rows below spell these out).
    private static final int ACTOR_TLV = 16;
    private static final int AFTER_COLLECTOR_TLV = 72;
    private static final int MARKER_TLV = 16;
    private static final int AFTER_MARKER_TLV = 32;

    private static final MacAddress SOURCE = MacAddress.parse("00:13:c4:12:0f:0d");
    private static final Lacpdu PDU = new Lacpdu(1,
            new PortInfo(32768, MacAddress.parse("00:13:c4:12:0f:00"), 13, 32768, 22,
                    LacpState.of(LACP_ACTIVITY, AGGREGATION, SYNCHRONIZATION, COLLECTING, DISTRIBUTING)),
            new PortInfo(127, MacAddress.parse("00:0e:83:16:f5:00"), 14, 255, 25,
                    LacpState.of(LACP_TIMEOUT, AGGREGATION, SYNCHRONIZATION)),
            5);
    private static final DecodeResult DECODED = new DecodeResult.Lacp(SOURCE, PDU);
    private static final MarkerPdu MARKER = new MarkerPdu(false, 22, MacAddress.parse("00:13:c4:12:0f:00"), 0xCAFEF00D);

    private static final Set<Class<?>> RESULT_KINDS = Set.of(DecodeResult.Lacp.class, DecodeResult.Marker.class,
            DecodeResult.Illegal.class, DecodeResult.Unknown.class);

    @Test
    void framesTooShortForHeaderSubtypeAndVersionAreIllegal() {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        for (int length = 0; length < ACTOR_TLV; length++) {
            assertInstanceOf(DecodeResult.Illegal.class, Frames.decode(Arrays.copyOf(frame, length)), "cut at " + length);
        }
    }

    @ParameterizedTest(name = "{2} TLV: cuts at {0}..{1}")
    @CsvSource({
            "16, 35, Actor Information",
            "36, 55, Partner Information",
            "56, 71, Collector Information"})
    void cutsInsideATlvAreIllegalAndNameIt(int from, int to, String tlv) {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        for (int length = from; length <= to; length++) {
            DecodeResult result = Frames.decode(Arrays.copyOf(frame, length));
            assertReasonNames(tlv, result, "cut at " + length);
        }
    }

    /**
     * Tolerant decoding: the Terminator TLV and the Reserved octets that follow the Collector Information TLV carry
     * nothing a receiver uses (6.4.2.3 has receivers ignore them), so a PDU that stops there has every field.
     */
    @Test
    void cutsAfterTheCollectorTlvStillDecode() {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        for (int length = AFTER_COLLECTOR_TLV; length < frame.length; length++) {
            assertEquals(DECODED, Frames.decode(Arrays.copyOf(frame, length)), "cut at " + length);
        }
    }

    @Test
    void octetsAfterTheTerminatorAreIgnored() {
        byte[] trailer = new byte[1000];
        new Random(1).nextBytes(trailer);

        assertEquals(DECODED, Frames.decode(concat(Frames.lacpdu(SOURCE, PDU), trailer)));
    }

    @ParameterizedTest(name = "{1} TLV")
    @CsvSource({
            "16, Actor Information",
            "36, Partner Information",
            "56, Collector Information"})
    void aTlvOfTheWrongTypeIsIllegalAndNamed(int offset, String tlv) {
        for (int type : new int[] {0, 1, 2, 3, 4, 255}) {
            byte[] frame = Frames.lacpdu(SOURCE, PDU);
            if (frame[offset] == type) {
                continue;
            }
            frame[offset] = (byte) type;
            assertReasonNames(tlv, Frames.decode(frame), "type " + type);
        }
    }

    @ParameterizedTest(name = "{1} TLV")
    @CsvSource({
            "16, Actor Information, 20",
            "36, Partner Information, 20",
            "56, Collector Information, 16"})
    void aTlvOfTheWrongLengthIsIllegalAndNamed(int offset, String tlv, int length) {
        for (int wrong : new int[] {0, 2, length - 1, length + 1, 255}) {
            byte[] frame = Frames.lacpdu(SOURCE, PDU);
            frame[offset + 1] = (byte) wrong;
            assertReasonNames(tlv, Frames.decode(frame), "length " + wrong);
        }
    }

    /** 802.1AX-2014 6.4.2.4: version 2 adds TLVs between the Collector Information TLV and the Terminator. */
    @Test
    void aVersion2LacpduDecodesWithItsVersion1Fields() {
        Lacpdu v2 = new Lacpdu(2, PDU.actor(), PDU.partner(), PDU.collectorMaxDelay());
        byte[] portAlgorithm = {4, 6, 0, -128, -62, 1}; // Port Algorithm TLV: 00-80-C2 C-VID
        byte[] conversationDigest = new byte[20]; // Port Conversation ID Digest TLV: link number and MD5 digest
        conversationDigest[0] = 5;
        conversationDigest[1] = 20;
        Arrays.fill(conversationDigest, 2, 20, (byte) 0x5A);
        byte[] terminatorAndReserved = new byte[52];
        byte[] frame = concat(Arrays.copyOf(Frames.lacpdu(SOURCE, v2), AFTER_COLLECTOR_TLV), portAlgorithm,
                conversationDigest, terminatorAndReserved);

        assertEquals(150, frame.length);
        Lacpdu decoded = assertInstanceOf(DecodeResult.Lacp.class, Frames.decode(frame)).pdu();
        assertEquals(v2, version1Part(decoded));
        assertEquals(List.of(new LacpV2Info.Tlv(4, 6), new LacpV2Info.Tlv(5, 20)), decoded.v2().tlvs());
        assertEquals(List.of(), decoded.v2().problems());
    }

    /** The PDU without what follows its Collector Information TLV, which is never encoded. */
    private static Lacpdu version1Part(Lacpdu pdu) {
        return new Lacpdu(pdu.version(), pdu.actor(), pdu.partner(), pdu.collectorMaxDelay());
    }

    @Test
    void aFrameUpToTheLargestBasicSizeDecodesAndALongerOneIsIllegal() {
        byte[] longest = Arrays.copyOf(Frames.lacpdu(SOURCE, PDU), SlowProtocolCodec.MAX_FRAME_LENGTH);
        assertEquals(new DecodeResult.Lacp(SOURCE, PDU), Frames.decode(longest));
        byte[] longer = Arrays.copyOf(longest, SlowProtocolCodec.MAX_FRAME_LENGTH + 1);
        assertEquals(new DecodeResult.Illegal("frame of 1515 octets or more (expected: at most 1514)"),
                Frames.decode(longer));
    }

    /**
     * 53 runs one octet past the end of a 124-octet frame. The TLV is named as malformed, and the version 1
     * information before it is still used (the receiver counts the PDU as illegal).
     */
    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 1, 53, 255})
    void anExtraTlvWhoseLengthCannotBeRightIsNamedAndTheVersion1PartKept(int length) {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        frame[AFTER_COLLECTOR_TLV] = 4;
        frame[AFTER_COLLECTOR_TLV + 1] = (byte) length;

        Lacpdu decoded = assertInstanceOf(DecodeResult.Lacp.class, Frames.decode(frame)).pdu();
        assertEquals(PDU, version1Part(decoded));
        assertEquals(1, decoded.v2().problems().size());
        String reason = decoded.v2().problems().get(0);
        assertTrue(reason.contains("TLV type 4") && reason.contains("length " + length), reason);
    }

    /** 3 is Link OAM, 10 is OSSP, 4..9 are reserved (802.3 Annex 57A.4): slow protocols, but not ours. */
    @ParameterizedTest(name = "subtype {0}")
    @ValueSource(ints = {3, 4, 9, 10})
    void otherSlowProtocolSubtypesAreUnknown(int subtype) {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        frame[14] = (byte) subtype;

        DecodeResult result = Frames.decode(frame);
        assertInstanceOf(DecodeResult.Unknown.class, result);
        assertTrue(((DecodeResult.Unknown) result).reason().contains("subtype " + subtype), result::toString);
    }

    /** 802.3 Annex 57A.4 leaves 0 and 11..255 unused as illegal values; the MIB counts those frames as IllegalRx. */
    @ParameterizedTest(name = "subtype {0}")
    @ValueSource(ints = {0, 11, 255})
    void illegalSlowProtocolSubtypesAreIllegal(int subtype) {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        frame[14] = (byte) subtype;

        assertReasonNames("subtype " + subtype, Frames.decode(frame), "subtype " + subtype);
    }

    /** IPv4, an 802.3 length field, a VLAN tag, LLDP. */
    @ParameterizedTest(name = "EtherType {0}")
    @ValueSource(ints = {0x0800, 0x006E, 0x8100, 0x88CC})
    void otherEtherTypesAreUnknown(int etherType) {
        byte[] frame = Frames.lacpdu(SOURCE, PDU);
        frame[12] = (byte) (etherType >> 8);
        frame[13] = (byte) etherType;

        assertInstanceOf(DecodeResult.Unknown.class, Frames.decode(frame));
    }

    @ParameterizedTest(name = "response {0}")
    @ValueSource(booleans = {false, true})
    void aMarkerPduRoundTrips(boolean response) {
        MarkerPdu pdu = response ? MARKER.toResponse() : MARKER;
        byte[] frame = Frames.marker(SOURCE, pdu);

        assertEquals(SlowProtocolCodec.FRAME_LENGTH, frame.length);
        assertEquals(new DecodeResult.Marker(SOURCE, pdu), Frames.decode(frame));
    }

    @Test
    void aMarkerPduIsIllegalUntilItsTlvIsComplete() {
        byte[] frame = Frames.marker(SOURCE, MARKER);
        for (int length = 0; length < frame.length; length++) {
            DecodeResult result = Frames.decode(Arrays.copyOf(frame, length));
            if (length < AFTER_MARKER_TLV) {
                assertInstanceOf(DecodeResult.Illegal.class, result, "cut at " + length);
            } else {
                assertEquals(new DecodeResult.Marker(SOURCE, MARKER), result, "cut at " + length);
            }
        }
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 3, 255})
    void aMarkerTlvOfAnotherTypeIsIllegal(int type) {
        byte[] frame = Frames.marker(SOURCE, MARKER);
        frame[MARKER_TLV] = (byte) type;

        assertReasonNames("Marker TLV type " + type, Frames.decode(frame), "type " + type);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 15, 17, 255})
    void aMarkerTlvOfAnotherLengthIsIllegal(int length) {
        byte[] frame = Frames.marker(SOURCE, MARKER);
        frame[MARKER_TLV + 1] = (byte) length;

        assertReasonNames("Marker TLV length " + length, Frames.decode(frame), "length " + length);
    }

    /** Most random frames are stamped as slow protocol frames so that they reach the LACP and Marker parsers. */
    @Test
    void randomFramesAreClassifiedWithoutThrowing() {
        Random random = new Random(0x8809);
        Map<Class<?>, Integer> kinds = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] frame = new byte[random.nextInt(200)];
            random.nextBytes(frame);
            if (frame.length > 14 && random.nextInt(4) != 0) {
                frame[12] = (byte) 0x88;
                frame[13] = 0x09;
                frame[14] = (byte) random.nextInt(3);
            }
            kinds.merge(decodeInPlace(frame).getClass(), 1, Integer::sum);
        }

        assertTrue(kinds.get(DecodeResult.Illegal.class) > 0, kinds::toString);
        assertTrue(kinds.get(DecodeResult.Unknown.class) > 0, kinds::toString);
    }

    /** A mutated frame that still decodes must re-encode to a frame that decodes to the same PDU. */
    @Test
    void randomMutationsOfValidFramesAreClassifiedWithoutThrowing() {
        Random random = new Random(8021);
        byte[][] valid = {Frames.lacpdu(SOURCE, PDU), Frames.marker(SOURCE, MARKER)};
        Map<Class<?>, Integer> kinds = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] frame = valid[i % 2].clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                frame[random.nextInt(AFTER_COLLECTOR_TLV + 2)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(8) == 0) {
                frame = Arrays.copyOf(frame, random.nextInt(frame.length + 64));
            }
            DecodeResult result = decodeInPlace(frame);
            kinds.merge(result.getClass(), 1, Integer::sum);
            if (result instanceof DecodeResult.Lacp lacp) {
                assertEquals(new DecodeResult.Lacp(lacp.source(), version1Part(lacp.pdu())),
                        Frames.decode(Frames.lacpdu(lacp.source(), lacp.pdu())));
            } else if (result instanceof DecodeResult.Marker marker) {
                assertEquals(marker, Frames.decode(Frames.marker(marker.source(), marker.pdu())));
            }
        }

        assertEquals(RESULT_KINDS, kinds.keySet(), kinds::toString);
    }

    @Test
    void randomLacpdusRoundTripThrough124Octets() {
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            MacAddress source = randomMac(random);
            Lacpdu pdu = new Lacpdu(random.nextInt(256), randomPortInfo(random), randomPortInfo(random),
                    random.nextInt(0x10000));
            byte[] frame = Frames.lacpdu(source, pdu);

            assertEquals(SlowProtocolCodec.FRAME_LENGTH, frame.length);
            assertEquals(new DecodeResult.Lacp(source, pdu), Frames.decode(frame));
        }
    }

    @Test
    void randomMarkerPdusRoundTripThrough124Octets() {
        Random random = new Random(2);
        for (int i = 0; i < 10_000; i++) {
            MacAddress source = randomMac(random);
            MarkerPdu pdu = new MarkerPdu(random.nextBoolean(), random.nextInt(0x10000), randomMac(random), random.nextInt());
            byte[] frame = Frames.marker(source, pdu);

            assertEquals(SlowProtocolCodec.FRAME_LENGTH, frame.length);
            assertEquals(new DecodeResult.Marker(source, pdu), Frames.decode(frame));
        }
    }

    /** Decodes the frame from the middle of a larger buffer, checking that the buffer's indexes are left alone. */
    private static DecodeResult decodeInPlace(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[3], frame, new byte[5]);
        buf.readerIndex(3).writerIndex(3 + frame.length);
        DecodeResult result = SlowProtocolCodec.decode(buf);

        assertEquals(3, buf.readerIndex());
        assertEquals(3 + frame.length, buf.writerIndex());
        assertTrue(RESULT_KINDS.contains(result.getClass()), () -> String.valueOf(result));
        return result;
    }

    private static void assertReasonNames(String expected, DecodeResult result, String context) {
        assertInstanceOf(DecodeResult.Illegal.class, result, context);
        String reason = ((DecodeResult.Illegal) result).reason();
        assertTrue(reason.contains(expected), () -> context + ": reason '" + reason + "' does not name " + expected);
    }

    private static PortInfo randomPortInfo(Random random) {
        return new PortInfo(random.nextInt(0x10000), randomMac(random), random.nextInt(0x10000),
                random.nextInt(0x10000), random.nextInt(0x10000), new LacpState(random.nextInt(256)));
    }

    private static MacAddress randomMac(Random random) {
        return new MacAddress(random.nextLong() & 0xFFFF_FFFF_FFFFL);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
