package io.lacpd.core.pdu;

import static io.lacpd.core.pdu.StateBit.AGGREGATION;
import static io.lacpd.core.pdu.StateBit.COLLECTING;
import static io.lacpd.core.pdu.StateBit.DEFAULTED;
import static io.lacpd.core.pdu.StateBit.DISTRIBUTING;
import static io.lacpd.core.pdu.StateBit.EXPIRED;
import static io.lacpd.core.pdu.StateBit.LACP_ACTIVITY;
import static io.lacpd.core.pdu.StateBit.LACP_TIMEOUT;
import static io.lacpd.core.pdu.StateBit.SYNCHRONIZATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's dissectors as an independent reader of what we encode: every field tshark shows must be the value we
 * put in, and tshark must find nothing to complain about.
 */
class TsharkInteropTest {

    /** Wireshark's expert severities are chat 0x200000, note 0x400000, warn 0x600000 and error 0x800000. */
    private static final int EXPERT_WARN = 0x600000;

    private static final MacAddress SWITCH = MacAddress.parse("00:13:c4:12:0f:00");
    private static final MacAddress HOST = MacAddress.parse("02:00:00:00:00:0a");

    private static final List<Lacpdu> LACPDUS = List.of(
            new Lacpdu(1,
                    new PortInfo(32768, HOST, 1, 32768, 1, LacpState.of(LACP_ACTIVITY, LACP_TIMEOUT, AGGREGATION,
                            SYNCHRONIZATION, COLLECTING, DISTRIBUTING)),
                    new PortInfo(32768, SWITCH, 13, 32768, 22, LacpState.of(LACP_ACTIVITY, AGGREGATION,
                            SYNCHRONIZATION, COLLECTING, DISTRIBUTING)),
                    0),
            new Lacpdu(1, new PortInfo(0, HOST, 7, 0, 2, LacpState.of(LACP_ACTIVITY, AGGREGATION, DEFAULTED)),
                    PortInfo.NONE, 5),
            new Lacpdu(1, new PortInfo(65535, MacAddress.parse("ff:ff:ff:ff:ff:fe"), 65535, 65535, 65535,
                    new LacpState(0xFF)), new PortInfo(1, MacAddress.parse("00:00:00:00:00:01"), 1, 1, 1,
                    LacpState.of(EXPIRED, DEFAULTED, LACP_TIMEOUT)), 65535),
            new Lacpdu(1, new PortInfo(4096, MacAddress.parse("a4:5e:60:d1:2b:3c"), 0x1234, 128, 0x0102,
                    LacpState.NONE), new PortInfo(100, SWITCH, 0x8001, 255, 49, LacpState.of(SYNCHRONIZATION)), 100));
    private static final List<MarkerPdu> MARKERS = List.of(
            new MarkerPdu(false, 1, HOST, 0x12345678),
            new MarkerPdu(false, 65535, SWITCH, 0xFFFFFFFF).toResponse());

    private static final Map<StateBit, String> WIRESHARK_STATE_FLAGS = Map.of(
            LACP_ACTIVITY, "activity", LACP_TIMEOUT, "timeout", AGGREGATION, "aggregation",
            SYNCHRONIZATION, "synchronization", COLLECTING, "collecting", DISTRIBUTING, "distributing",
            DEFAULTED, "defaulted", EXPIRED, "expired");

    private static String tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTshark() {
        tshark = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(directory -> Path.of(directory, "tshark"))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElse(null);
        if (tshark == null) {
            fail("tshark is not on the PATH: install the Debian package tshark (apt-get install tshark)");
        }
    }

    @Test
    void tsharkReadsEveryFieldWeEncoded() throws Exception {
        List<Map<String, String>> expected = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        for (Lacpdu pdu : LACPDUS) {
            frames.add(Frames.lacpdu(HOST, pdu));
            expected.add(lacpduFields(HOST, pdu));
        }
        for (MarkerPdu pdu : MARKERS) {
            frames.add(Frames.marker(SWITCH, pdu));
            expected.add(markerFields(SWITCH, pdu));
        }
        List<String> fields = expected.stream().flatMap(frame -> frame.keySet().stream()).distinct().toList();

        List<String> lines = tshark(capture(frames), fieldArguments(",", fields));

        assertEquals(frames.size(), lines.size(), () -> String.join("\n", lines));
        for (int i = 0; i < frames.size(); i++) {
            String[] values = lines.get(i).split(",", -1);
            for (Map.Entry<String, String> field : expected.get(i).entrySet()) {
                String shown = values[fields.indexOf(field.getKey())];
                assertEquals(field.getValue(), normalize(shown), "frame " + (i + 1) + " " + field.getKey());
            }
        }
    }

    @Test
    void tsharkRaisesNoWarningOrErrorOnOurFrames() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        LACPDUS.forEach(pdu -> frames.add(Frames.lacpdu(HOST, pdu)));
        MARKERS.forEach(pdu -> frames.add(Frames.marker(SWITCH, pdu)));

        List<String> lines = tshark(capture(frames), expertArguments());

        assertEquals(frames.size(), lines.size());
        lines.forEach(line -> assertTrue(worstSeverity(line) < EXPERT_WARN, line));
    }

    /** Proves the check above can fail: an Actor Information TLV one octet short is an error to Wireshark too. */
    @Test
    void tsharkRaisesAnErrorOnAnActorTlvOfTheWrongLength() throws Exception {
        byte[] frame = Frames.lacpdu(HOST, LACPDUS.get(0));
        frame[17] = 19; // Actor Information TLV length, 20 when well formed
        assertInstanceOf(DecodeResult.Illegal.class, Frames.decode(frame));

        List<String> lines = tshark(capture(List.of(frame)), expertArguments());

        assertEquals(1, lines.size());
        assertTrue(worstSeverity(lines.get(0)) >= EXPERT_WARN, lines.get(0));
    }

    private static Map<String, String> lacpduFields(MacAddress source, Lacpdu pdu) {
        Map<String, String> fields = ethernetFields(source, SlowProtocolCodec.SUBTYPE_LACP);
        fields.put("lacp.version", String.valueOf(pdu.version()));
        portInfoFields(fields, "lacp.actor", pdu.actor());
        portInfoFields(fields, "lacp.partner", pdu.partner());
        fields.put("lacp.collector.max_delay", String.valueOf(pdu.collectorMaxDelay()));
        return fields;
    }

    private static void portInfoFields(Map<String, String> fields, String prefix, PortInfo info) {
        fields.put(prefix + ".sys_priority", String.valueOf(info.systemPriority()));
        fields.put(prefix + ".sysid", info.system().toString());
        fields.put(prefix + ".key", String.valueOf(info.key()));
        fields.put(prefix + ".port_priority", String.valueOf(info.portPriority()));
        fields.put(prefix + ".port", String.valueOf(info.port()));
        fields.put(prefix + ".state", String.valueOf(info.state().bits()));
        // Each bit by name as well, so that our StateBit masks are checked against Wireshark's meaning of them.
        for (StateBit bit : StateBit.values()) {
            fields.put(prefix + ".state." + WIRESHARK_STATE_FLAGS.get(bit), info.state().has(bit) ? "1" : "0");
        }
    }

    private static Map<String, String> markerFields(MacAddress source, MarkerPdu pdu) {
        Map<String, String> fields = ethernetFields(source, SlowProtocolCodec.SUBTYPE_MARKER);
        fields.put("marker.version", "1");
        fields.put("marker.tlvType", pdu.response() ? "2" : "1");
        fields.put("marker.tlvLen", "16");
        fields.put("marker.requesterPort", String.valueOf(pdu.requesterPort()));
        fields.put("marker.requesterSystem", pdu.requesterSystem().toString());
        fields.put("marker.requesterTransId", Integer.toUnsignedString(pdu.transactionId()));
        return fields;
    }

    private static Map<String, String> ethernetFields(MacAddress source, int subtype) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eth.dst", MacAddress.SLOW_PROTOCOLS_MULTICAST.toString());
        fields.put("eth.src", source.toString());
        fields.put("eth.type", String.valueOf(SlowProtocolCodec.SLOW_PROTOCOLS_ETHERTYPE));
        fields.put("slow.subtype", String.valueOf(subtype));
        return fields;
    }

    /** tshark shows some numbers in hex ("0x85"); compare them as decimal. */
    private static String normalize(String shown) {
        return shown.startsWith("0x") ? String.valueOf(Long.parseLong(shown.substring(2), 16)) : shown;
    }

    /** First occurrence only: a Marker PDU's Terminator TLV is also a marker.tlvType. */
    private static String[] fieldArguments(String separator, List<String> fields) {
        List<String> arguments = new ArrayList<>(List.of("-T", "fields", "-E", "separator=" + separator,
                "-E", "occurrence=f"));
        fields.forEach(field -> arguments.addAll(List.of("-e", field)));
        return arguments.toArray(String[]::new);
    }

    /** One line per frame: the severities of all its expert items, then their messages for the failure report. */
    private static String[] expertArguments() {
        return new String[] {"-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "_ws.expert.severity", "-e", "_ws.expert.message"};
    }

    private static int worstSeverity(String line) {
        String severities = line.split("\t", -1)[0];
        return severities.isEmpty() ? 0
                : Arrays.stream(severities.split(",")).mapToInt(Integer::parseInt).max().orElseThrow();
    }

    private Path capture(List<byte[]> frames) throws IOException {
        Path file = Files.createTempFile(dir, "frames", ".pcap");
        PcapFile.write(file, frames);
        return file;
    }

    /** Runs tshark without name resolution and returns its standard output, one line per frame. */
    private static List<String> tshark(Path capture, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tshark, "-n", "-r", capture.toString()));
        command.addAll(List.of(arguments));
        // stderr only carries noise such as the warning about running as root
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines;
        try (BufferedReader out = process.inputReader()) {
            lines = out.lines().toList();
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark did not finish: " + command);
        assertEquals(0, process.exitValue(), () -> "tshark failed: " + command);
        return lines;
    }
}
