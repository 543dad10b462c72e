package io.lacpd.core.pdu;

import static io.lacpd.core.pdu.StateBit.AGGREGATION;
import static io.lacpd.core.pdu.StateBit.COLLECTING;
import static io.lacpd.core.pdu.StateBit.DEFAULTED;
import static io.lacpd.core.pdu.StateBit.DISTRIBUTING;
import static io.lacpd.core.pdu.StateBit.EXPIRED;
import static io.lacpd.core.pdu.StateBit.LACP_ACTIVITY;
import static io.lacpd.core.pdu.StateBit.LACP_TIMEOUT;
import static io.lacpd.core.pdu.StateBit.SYNCHRONIZATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Twenty LACPDUs captured from a Cisco switch and its peer, checked against tcpdump's independent decoding
 * of the same capture ({@code tcpdump -e -v}).
 */
class GoldenVectorTest {

    private static final String CAPTURE = "/vectors/tcpdump-LACP.pcap";
    private static final String TCPDUMP_OUTPUT = "/vectors/tcpdump-lacp-ev.out";

    private static final Map<String, StateBit> TCPDUMP_FLAG_NAMES = Map.of(
            "Activity", LACP_ACTIVITY, "Timeout", LACP_TIMEOUT, "Aggregation", AGGREGATION,
            "Synchronization", SYNCHRONIZATION, "Collecting", COLLECTING, "Distributing", DISTRIBUTING,
            "Default", DEFAULTED, "Expired", EXPIRED);

    private static final Pattern FRAME_LINE = Pattern.compile(
            "^ *(\\d+) +\\S+ \\S+ (\\S+) > \\S+, ethertype Slow Protocols \\(0x8809\\), length \\d+: LACPv(\\d+), length \\d+$",
            Pattern.MULTILINE);
    private static final Pattern MAX_DELAY = Pattern.compile("Collector Information TLV .*\\n\\s+Max Delay (\\d+)");

    /** What tcpdump printed for one frame. */
    record Printed(int number, MacAddress source, int version, PortInfo actor, PortInfo partner, int collectorMaxDelay) {
    }

    @Test
    void captureAndPrintoutDescribeTheSameTwentyFramesOf124Octets() {
        List<byte[]> frames = capturedFrames();
        assertEquals(20, frames.size());
        frames.forEach(frame -> assertEquals(SlowProtocolCodec.FRAME_LENGTH, frame.length));
        assertEquals(IntStream.rangeClosed(1, 20).boxed().toList(), printedFrames().stream().map(Printed::number).toList());
    }

    @Test
    void firstFrameIsTheSwitchReportingItsPartnerExpired() {
        DecodeResult.Lacp first = (DecodeResult.Lacp) Frames.decode(capturedFrames().get(0));

        assertEquals(MacAddress.parse("00:13:c4:12:0f:0d"), first.source());
        assertEquals(new Lacpdu(1,
                new PortInfo(32768, MacAddress.parse("00:13:c4:12:0f:00"), 13, 32768, 22,
                        LacpState.of(LACP_ACTIVITY, AGGREGATION, EXPIRED)),
                new PortInfo(32768, MacAddress.parse("00:0e:83:16:f5:00"), 13, 32768, 25,
                        LacpState.of(LACP_TIMEOUT, AGGREGATION, COLLECTING, DISTRIBUTING)),
                32768), first.pdu());
    }

    @Test
    void fourthFrameCarriesTheAllZeroPartnerOfADefaultedPort() {
        DecodeResult.Lacp fourth = (DecodeResult.Lacp) Frames.decode(capturedFrames().get(3));

        assertEquals(LacpState.of(LACP_ACTIVITY, AGGREGATION, SYNCHRONIZATION, DEFAULTED), fourth.pdu().actor().state());
        assertEquals(PortInfo.NONE, fourth.pdu().partner());
    }

    @ParameterizedTest(name = "frame {0}")
    @MethodSource("frames")
    void decodesToWhatTcpdumpPrinted(int number, byte[] frame, Printed printed) {
        DecodeResult expected = new DecodeResult.Lacp(printed.source(),
                new Lacpdu(printed.version(), printed.actor(), printed.partner(), printed.collectorMaxDelay()));

        assertEquals(expected, Frames.decode(frame));
    }

    @ParameterizedTest(name = "frame {0}")
    @MethodSource("frames")
    void reencodesToTheCapturedOctets(int number, byte[] frame) {
        DecodeResult.Lacp decoded = (DecodeResult.Lacp) Frames.decode(frame);

        assertArrayEquals(frame, Frames.lacpdu(decoded.source(), decoded.pdu()));
    }

    static Stream<Arguments> frames() {
        List<byte[]> captured = capturedFrames();
        List<Printed> printed = printedFrames();
        return IntStream.range(0, captured.size()).mapToObj(i -> Arguments.of(i + 1, captured.get(i), printed.get(i)));
    }

    private static List<byte[]> capturedFrames() {
        return PcapFile.read(resource(CAPTURE));
    }

    /** Splits tcpdump's output at each frame's first line and reads the TLV lines that follow it. */
    private static List<Printed> printedFrames() {
        String text = new String(resource(TCPDUMP_OUTPUT), StandardCharsets.US_ASCII);
        List<Printed> printed = new ArrayList<>();
        Matcher frameLine = FRAME_LINE.matcher(text);
        boolean found = frameLine.find();
        while (found) {
            int number = Integer.parseInt(frameLine.group(1));
            MacAddress source = MacAddress.parse(frameLine.group(2));
            int version = Integer.parseInt(frameLine.group(3));
            int start = frameLine.end();
            found = frameLine.find();
            String tlvs = text.substring(start, found ? frameLine.start() : text.length());
            printed.add(new Printed(number, source, version, portInfo(tlvs, "Actor"), portInfo(tlvs, "Partner"),
                    Integer.parseInt(find(MAX_DELAY, tlvs).group(1))));
        }
        return printed;
    }

    private static PortInfo portInfo(String tlvs, String side) {
        Matcher m = find(Pattern.compile(side + " Information TLV .*\\n"
                + "\\s+System (\\S+), System Priority (\\d+), Key (\\d+), Port (\\d+), Port Priority (\\d+)\\n"
                + "\\s+State Flags \\[([^]]*)]"), tlvs);
        return new PortInfo(Integer.parseInt(m.group(2)), MacAddress.parse(m.group(1)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(5)), Integer.parseInt(m.group(4)), state(m.group(6)));
    }

    /** tcpdump lists the set bits by name, or prints "none". */
    private static LacpState state(String flags) {
        if (flags.equals("none")) {
            return LacpState.NONE;
        }
        return LacpState.of(Stream.of(flags.split(", ")).map(name -> {
            StateBit bit = TCPDUMP_FLAG_NAMES.get(name);
            if (bit == null) {
                throw new IllegalStateException("unknown tcpdump state flag '" + name + "'");
            }
            return bit;
        }).toArray(StateBit[]::new));
    }

    private static Matcher find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + pattern + " in:\n" + text);
        }
        return m;
    }

    private static byte[] resource(String name) {
        try (InputStream in = GoldenVectorTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
