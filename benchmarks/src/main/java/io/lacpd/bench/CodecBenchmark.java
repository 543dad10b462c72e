package io.lacpd.bench;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of the Slow Protocols codec on whole Ethernet frames: decoding an LACPDU, encoding one into a reused
 * buffer, and the Marker Responder's work on the wire (decode a Marker, encode its Response). Target: each
 * well under 1 microsecond.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {

    private static final MacAddress PORT_MAC = new MacAddress(0x0200_0000_0001L);

    private Lacpdu lacpdu;
    private ByteBuf lacpduFrame;
    private ByteBuf markerFrame;
    private ByteBuf out;

    @Setup
    public void setUp() {
        // A steady-state LACPDU: both ends in sync, collecting and distributing, short timeout.
        LacpState inSync = LacpState.of(StateBit.LACP_ACTIVITY, StateBit.LACP_TIMEOUT, StateBit.AGGREGATION,
                StateBit.SYNCHRONIZATION, StateBit.COLLECTING, StateBit.DISTRIBUTING);
        PortInfo actor = new PortInfo(32768, new MacAddress(0x0200_0000_000AL), 1, 32768, 17, inSync);
        PortInfo partner = new PortInfo(32768, new MacAddress(0x0200_0000_000BL), 1, 32768, 17, inSync);
        lacpdu = new Lacpdu(Lacpdu.VERSION_1, actor, partner, 0);

        lacpduFrame = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);
        SlowProtocolCodec.encodeLacpdu(lacpduFrame, PORT_MAC, lacpdu);

        markerFrame = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);
        SlowProtocolCodec.encodeMarker(markerFrame, PORT_MAC,
                new MarkerPdu(false, 17, new MacAddress(0x0200_0000_000BL), 0x1234_5678));

        out = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);

        // Guard against benchmarking a failure path.
        if (!(SlowProtocolCodec.decode(lacpduFrame) instanceof DecodeResult.Lacp l) || !l.pdu().equals(lacpdu)) {
            throw new IllegalStateException("the LACPDU frame does not decode to the LACPDU");
        }
        if (!(SlowProtocolCodec.decode(markerFrame) instanceof DecodeResult.Marker)) {
            throw new IllegalStateException("the Marker frame does not decode to a Marker");
        }
    }

    /** Decodes one LACPDU frame (decoding never moves the buffer's indexes). */
    @Benchmark
    public DecodeResult decodeLacpdu() {
        return SlowProtocolCodec.decode(lacpduFrame);
    }

    /** Encodes one LACPDU frame into a buffer that is cleared and reused, as LacpSystem does. */
    @Benchmark
    public ByteBuf encodeLacpdu() {
        out.clear();
        SlowProtocolCodec.encodeLacpdu(out, PORT_MAC, lacpdu);
        return out;
    }

    /** Decodes a Marker frame and encodes its Marker Response into a reused buffer. */
    @Benchmark
    public ByteBuf markerDecodeEncode() {
        DecodeResult r = SlowProtocolCodec.decode(markerFrame);
        out.clear();
        if (r instanceof DecodeResult.Marker m) {
            SlowProtocolCodec.encodeMarker(out, PORT_MAC, m.pdu().toResponse());
        }
        return out;
    }
}
