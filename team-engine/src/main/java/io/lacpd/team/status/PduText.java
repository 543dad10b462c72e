package io.lacpd.team.status;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.netty.buffer.ByteBuf;

/** Words a Slow Protocols frame for the debug log: what it says, as status words the same fields. */
public final class PduText {

    private PduText() {
    }

    /**
     * The frame between the buffer's indexes, decoded, e.g. {@code LACPDU v1 actor 32768,02:00:00:00:00:0a key 1
     * port 32768,1 state **DCSGSA; partner ...}; the buffer's indexes are left alone.
     */
    public static String describe(ByteBuf frame) {
        DecodeResult r = SlowProtocolCodec.decode(frame.duplicate());
        if (r instanceof DecodeResult.Lacp l) {
            return "LACPDU v" + l.pdu().version() + " from " + l.source() + ": actor " + info(l.pdu().actor())
                    + "; partner " + info(l.pdu().partner());
        }
        if (r instanceof DecodeResult.Marker m) {
            return (m.pdu().response() ? "Marker Response" : "Marker") + " from " + m.source() + ": requester port "
                    + m.pdu().requesterPort() + " system " + m.pdu().requesterSystem() + " transaction "
                    + m.pdu().transactionId();
        }
        if (r instanceof DecodeResult.Illegal i) {
            return "illegal frame: " + i.reason();
        }
        return "not LACP: " + ((DecodeResult.Unknown) r).reason();
    }

    private static String info(PortInfo i) {
        return "system " + i.systemPriority() + "," + i.system() + " key " + i.key() + " port " + i.portPriority() + ","
                + i.port() + " state " + i.state();
    }
}
