package io.lacpd.team.status;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduTextTest {

    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");

    @Test
    void aLacpduWithBothEnds() {
        PortInfo actor = new PortInfo(32768, A, 1, 32768, 1, LacpState.of(StateBit.LACP_ACTIVITY, StateBit.LACP_TIMEOUT,
                StateBit.AGGREGATION));
        ByteBuf frame = Unpooled.buffer();
        SlowProtocolCodec.encodeLacpdu(frame, MacAddress.parse("02:00:00:0a:00:01"),
                new Lacpdu(1, actor, PortInfo.NONE, 0));
        int reader = frame.readerIndex();
        assertEquals("LACPDU v1 from 02:00:00:0a:00:01: actor system 32768,02:00:00:00:00:0a key 1 port 32768,1"
                + " state *****GSA; partner system 0,00:00:00:00:00:00 key 0 port 0,0 state ********",
                PduText.describe(frame));
        assertEquals(reader, frame.readerIndex(), "the buffer is left as it was, for the send");
    }

    @Test
    void aMarkerAndWhatIsNotLacp() {
        ByteBuf marker = Unpooled.buffer();
        SlowProtocolCodec.encodeMarker(marker, A, new MarkerPdu(false, 3, A, 7));
        assertEquals("Marker from 02:00:00:00:00:0a: requester port 3 system 02:00:00:00:00:0a transaction 7",
                PduText.describe(marker));
        byte[] truncated = new byte[20];
        truncated[12] = (byte) 0x88;
        truncated[13] = 0x09;
        truncated[14] = 1; // LACP, cut short
        assertTrue(PduText.describe(Unpooled.wrappedBuffer(truncated)).startsWith("illegal frame: "));
        assertTrue(PduText.describe(Unpooled.wrappedBuffer(new byte[20])).startsWith("not LACP: "));
    }
}
