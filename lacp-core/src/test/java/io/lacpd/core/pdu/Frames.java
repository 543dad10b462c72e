package io.lacpd.core.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Byte-array front end to {@link SlowProtocolCodec}, so tests can build and mangle frames as plain arrays. */
public final class Frames {

    private Frames() {
    }

    public static byte[] lacpdu(MacAddress source, Lacpdu pdu) {
        ByteBuf out = Unpooled.buffer();
        SlowProtocolCodec.encodeLacpdu(out, source, pdu);
        return ByteBufUtil.getBytes(out);
    }

    public static byte[] marker(MacAddress source, MarkerPdu pdu) {
        ByteBuf out = Unpooled.buffer();
        SlowProtocolCodec.encodeMarker(out, source, pdu);
        return ByteBufUtil.getBytes(out);
    }

    public static DecodeResult decode(byte[] frame) {
        return SlowProtocolCodec.decode(Unpooled.wrappedBuffer(frame));
    }
}
