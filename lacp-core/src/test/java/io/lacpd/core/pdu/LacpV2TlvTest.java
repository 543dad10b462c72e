package io.lacpd.core.pdu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version 2 LACPDUs (802.1AX-2014 6.4.2.4): golden frames written octet by octet from the standard's layout, what we
 * decode of them, and tshark's walk of the same frames.
 *
 * <p>The layout (offsets after the EtherType): the version 1 body to the Collector Information TLV (0..57), then
 * Port Algorithm TLV 04 06 + Actor_Port_Algorithm (4: OUI 00-80-C2, algorithm); Port Conversation ID Digest TLV
 * 05 14 + Link_Number_ID (2) + Actor_Conversation_LinkList_Digest (16); Port Conversation Mask-1 TLV 06 83 +
 * Port_Conversation_Mask_State (1) + Port_Oper_Conversation_Mask_1 (128); Mask-2, -3, -4 TLVs 07/08/09 82 + 128
 * octets each; Port Conversation Service Mapping Digest TLV 0A 12 + Actor_Conversation_Service_Mapping_Digest (16);
 * Terminator 00 00; reserved octets.
 */
class LacpV2TlvTest {

    private static final HexFormat HEX = HexFormat.of();
    /** Wireshark's expert severity "error". */
    private static final int EXPERT_ERROR = 0x800000;
    private static final MacAddress SOURCE = MacAddress.parse("02:00:00:00:00:0b");

    /** Ethernet header, subtype, version 2, Actor, Partner and Collector Information TLVs, octet by octet. */
    private static final String V1_PART = ""
            + "0180c2000002" + "02000000000b" + "8809"                 // Slow_Protocols_Multicast, source, EtherType
            + "01" + "02"                                              // subtype LACP, Version_Number 2
            + "0114" + "0064" + "02000000000b" + "0007" + "000a" + "0005" + "3d" + "000000" // Actor: 100, key 7, port 10,5, state 0x3d
            + "0214" + "8000" + "02000000000a" + "0001" + "8000" + "0001" + "3f" + "000000" // Partner
            + "0310" + "0000" + "000000000000000000000000";            // Collector: CollectorMaxDelay 0, reserved

    private static final String PORT_ALGORITHM = "0406" + "0080c2" + "05";                 // ECMP flow hash
    private static final String CONVERSATION_ID_DIGEST = "0514" + "0003" + "000102030405060708090a0b0c0d0e0f";
    private static final String SERVICE_MAPPING_DIGEST = "0a12" + "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    private static final String TERMINATOR_AND_RESERVED = "0000" + "00".repeat(50);

    private static String mask1(int state, String octet) {
        return "0683" + String.format("%02x", state) + octet.repeat(128);
    }

    private static String mask(int n, String octet) {
        return String.format("%02x82", 0x05 + n) + octet.repeat(128);
    }

    /** Every version 2 TLV: mask 1 all set, mask 2 half (0x0f: 4 of 8), mask 3 none, mask 4 one bit an octet. */
    private static final String FULL = V1_PART + PORT_ALGORITHM + CONVERSATION_ID_DIGEST + mask1(0x05, "ff")
            + mask(2, "0f") + mask(3, "00") + mask(4, "80") + SERVICE_MAPPING_DIGEST + TERMINATOR_AND_RESERVED;

    @TempDir
    Path dir;

    private static byte[] frame(String hex) {
        return HEX.parseHex(hex);
    }

    private static Lacpdu lacpdu(String hex) {
        return assertInstanceOf(DecodeResult.Lacp.class, Frames.decode(frame(hex))).pdu();
    }

    private static void assertVersion1Intact(Lacpdu pdu) {
        assertEquals(2, pdu.version());
        assertEquals(new PortInfo(100, SOURCE, 7, 10, 5, new LacpState(0x3d)), pdu.actor());
        assertEquals(new PortInfo(32768, MacAddress.parse("02:00:00:00:00:0a"), 1, 32768, 1, new LacpState(0x3f)),
                pdu.partner());
        assertEquals(0, pdu.collectorMaxDelay());
    }

    @Test
    void everyVersion2TlvIsDecoded() {
        assertEquals(14 + 58 + 6 + 20 + 131 + 3 * 130 + 18 + 52, frame(FULL).length);
        Lacpdu pdu = lacpdu(FULL);
        assertVersion1Intact(pdu);
        LacpV2Info v2 = pdu.v2();
        assertEquals(List.of(), v2.problems());
        assertEquals(List.of(new LacpV2Info.Tlv(4, 6), new LacpV2Info.Tlv(5, 20), new LacpV2Info.Tlv(6, 131),
                new LacpV2Info.Tlv(7, 130), new LacpV2Info.Tlv(8, 130), new LacpV2Info.Tlv(9, 130),
                new LacpV2Info.Tlv(10, 18)), v2.tlvs());
        assertEquals(0x0080C2, v2.portAlgorithm().oui());
        assertEquals(5, v2.portAlgorithm().algorithm());
        assertEquals("ECMP flow hash", v2.portAlgorithm().name());
        assertEquals("00-80-C2:5", v2.portAlgorithm().toString());
        assertEquals(3, v2.conversationIdDigest().linkNumberId());
        assertEquals("000102030405060708090a0b0c0d0e0f", v2.conversationIdDigest().digest().toString());
        LacpV2Info.ConversationMask m = v2.conversationMask();
        assertEquals(0x05, m.state());
        for (int i = 1; i <= 4; i++) {
            assertTrue(m.present(i), "Mask-" + i);
        }
        assertEquals(1024, m.conversations(1));
        assertEquals(512, m.conversations(2));
        assertEquals(0, m.conversations(3));
        assertEquals(128, m.conversations(4));
        assertEquals(1024 + 512 + 128, m.conversations());
        assertEquals("f0e1d2c3b4a5968778695a4b3c2d1e0f", v2.serviceMappingDigest().toString());
    }

    @Test
    void aVersion1LacpduHasNoVersion2Information() {
        Lacpdu pdu = Frames.decode(Frames.lacpdu(SOURCE, new Lacpdu(1, PortInfo.NONE, PortInfo.NONE, 0))) instanceof
                DecodeResult.Lacp l ? l.pdu() : null;
        assertNotNull(pdu);
        assertEquals(LacpV2Info.NONE, pdu.v2());
    }

    @Test
    void tlvsSentAloneAreDecodedAlone() {
        LacpV2Info v2 = lacpdu(V1_PART + mask(3, "01") + PORT_ALGORITHM + TERMINATOR_AND_RESERVED).v2();
        assertEquals(List.of(), v2.problems());
        assertNull(v2.conversationIdDigest());
        assertNull(v2.serviceMappingDigest());
        assertEquals(-1, v2.conversationMask().state(), "no Mask-1, no mask state");
        assertTrue(v2.conversationMask().present(3) && !v2.conversationMask().present(1));
        assertEquals(128, v2.conversationMask().conversations());
    }

    @Test
    void anUnknownTypeIsSteppedOverByItsLength() {
        LacpV2Info v2 = lacpdu(V1_PART + "640400ff" + PORT_ALGORITHM + TERMINATOR_AND_RESERVED).v2();
        assertEquals(List.of(new LacpV2Info.Tlv(0x64, 4), new LacpV2Info.Tlv(4, 6)), v2.tlvs());
        assertEquals(List.of(), v2.problems());
        assertEquals(5, v2.portAlgorithm().algorithm());
    }

    @Test
    void aWrongLengthIsNamedAndTheRestStillRead() {
        Lacpdu pdu = lacpdu(V1_PART + "0405" + "0080c2" + CONVERSATION_ID_DIGEST + TERMINATOR_AND_RESERVED);
        assertVersion1Intact(pdu);
        assertEquals(List.of("Port Algorithm TLV length 5 (expected: 6)"), pdu.v2().problems());
        assertNull(pdu.v2().portAlgorithm());
        assertEquals(3, pdu.v2().conversationIdDigest().linkNumberId());
    }

    @Test
    void aSecondCopyOfATlvIsNamedAndTheFirstKept() {
        LacpV2Info v2 = lacpdu(V1_PART + PORT_ALGORITHM + "04060080c201" + TERMINATOR_AND_RESERVED).v2();
        assertEquals(List.of("Port Algorithm TLV given twice (expected: once)"), v2.problems());
        assertEquals(5, v2.portAlgorithm().algorithm());
    }

    @Test
    void aLengthThatCannotBeWalkedEndsTheWalkButNotThePdu() {
        Lacpdu shortLength = lacpdu(V1_PART + PORT_ALGORITHM + "0501" + TERMINATOR_AND_RESERVED);
        assertVersion1Intact(shortLength);
        assertEquals(List.of("TLV type 5 at offset 64 has length 1 (expected: 2..54)"), shortLength.v2().problems());
        assertEquals(5, shortLength.v2().portAlgorithm().algorithm(), "what came before is kept");
        Lacpdu overrun = lacpdu(V1_PART + "0683" + "05" + "ff".repeat(20));
        assertVersion1Intact(overrun);
        assertEquals(List.of("TLV type 6 at offset 58 has length 131 (expected: 2..23)"), overrun.v2().problems());
        assertNull(overrun.v2().conversationMask());
    }

    /** tshark walks the same TLVs, with the same types and lengths, and reads the same version 1 fields. */
    @Test
    void tsharkWalksTheTlvsAsWeDo() throws Exception {
        List<String> vectors = List.of(FULL, V1_PART + mask(3, "01") + PORT_ALGORITHM + TERMINATOR_AND_RESERVED,
                V1_PART + "640400ff" + PORT_ALGORITHM + TERMINATOR_AND_RESERVED,
                V1_PART + "0405" + "0080c2" + CONVERSATION_ID_DIGEST + TERMINATOR_AND_RESERVED);
        List<byte[]> frames = vectors.stream().map(LacpV2TlvTest::frame).toList();
        Path file = dir.resolve("v2.pcap");
        PcapFile.write(file, frames);
        List<String> lines = tshark(file, "-e", "lacp.version", "-e", "lacp.tlv_type", "-e", "lacp.tlv_length",
                "-e", "lacp.actor.sysid", "-e", "lacp.actor.key", "-e", "lacp.partner.port", "-e", "_ws.expert.message");
        assertEquals(frames.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < frames.size(); i++) {
            Lacpdu pdu = assertInstanceOf(DecodeResult.Lacp.class, Frames.decode(frames.get(i))).pdu();
            List<String> types = new ArrayList<>(List.of("1", "2", "3"));
            List<String> lengths = new ArrayList<>(List.of("20", "20", "16"));
            for (LacpV2Info.Tlv t : pdu.v2().tlvs()) {
                types.add(String.valueOf(t.type()));
                lengths.add(String.valueOf(t.length()));
            }
            types.add("0");
            lengths.add("0");
            String[] f = lines.get(i).split("\t", -1);
            assertEquals("2", decimal(f[0]), "frame " + (i + 1) + " version");
            assertEquals(String.join(",", types), decimals(f[1]), "frame " + (i + 1) + " TLV types");
            assertEquals(String.join(",", lengths), decimals(f[2]), "frame " + (i + 1) + " TLV lengths");
            assertEquals(pdu.actor().system().toString(), f[3]);
            assertEquals(String.valueOf(pdu.actor().key()), f[4]);
            assertEquals(String.valueOf(pdu.partner().port()), f[5]);
            assertEquals("", f[6], "frame " + (i + 1) + ": tshark has no complaint");
        }
    }

    /** Where our walk has to stop, tshark's stops at the same TLV, and it finds an error there too. */
    @Test
    void tsharkFindsFaultWhereWeDo() throws Exception {
        List<byte[]> frames = List.of(frame(V1_PART + PORT_ALGORITHM + "0501" + TERMINATOR_AND_RESERVED),
                frame(V1_PART + "0683" + "05" + "ff".repeat(20)));
        Path file = dir.resolve("bad.pcap");
        PcapFile.write(file, frames);
        List<String> lines = tshark(file, "-e", "lacp.tlv_type", "-e", "_ws.expert.severity", "-e", "_ws.expert.message");
        assertEquals(frames.size(), lines.size());
        for (int i = 0; i < frames.size(); i++) {
            LacpV2Info v2 = assertInstanceOf(DecodeResult.Lacp.class, Frames.decode(frames.get(i))).pdu().v2();
            assertEquals(1, v2.problems().size());
            String[] f = lines.get(i).split("\t", -1);
            String[] types = decimals(f[0]).split(",");
            LacpV2Info.Tlv last = v2.tlvs().get(v2.tlvs().size() - 1);
            assertEquals(String.valueOf(last.type()), types[types.length - 1], "tshark stops at the same TLV: " + lines.get(i));
            assertTrue(Integer.parseInt(f[1].split(",")[0]) >= EXPERT_ERROR, "tshark: " + lines.get(i));
        }
    }

    private static String decimal(String shown) {
        return shown.startsWith("0x") ? String.valueOf(Integer.parseInt(shown.substring(2), 16)) : shown;
    }

    private static String decimals(String shown) {
        List<String> out = new ArrayList<>();
        for (String s : shown.split(",")) {
            out.add(decimal(s));
        }
        return String.join(",", out);
    }

    private static List<String> tshark(Path capture, String... fields) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-T", "fields",
                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
        command.addAll(List.of(fields));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines;
        try (BufferedReader out = process.inputReader()) {
            lines = out.lines().toList();
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark did not finish");
        assertEquals(0, process.exitValue(), "tshark failed: " + command);
        return lines;
    }
}
