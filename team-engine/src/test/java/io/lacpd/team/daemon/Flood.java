package io.lacpd.team.daemon;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.transport.FrameChannel;
import io.lacpd.transport.PcapFrameChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code Flood INTERFACE SECONDS KIND [PARTNER ACTOR]}: sends slow-protocol frames on an interface as
 * fast as libpcap takes them, as an attacker on the wire would, and prints how many went out. KIND is
 * {@code new-partner} (valid LACPDUs, a new partner system in each), {@code garbage} (random octets after
 * the Slow Protocols header) or {@code same-partner} (one LACPDU again and again, from the given actor to the
 * given partner, each as "priority,system,key,port-priority,port,state-octet").
 */
public final class Flood {

    private static final int DISTINCT = 4096;

    private Flood() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[2];
        ByteBuf[] frames = new ByteBuf[DISTINCT];
        Random random = new Random(42);
        MacAddress source = new MacAddress(0x02_2000_0000_00L);
        for (int i = 0; i < DISTINCT; i++) {
            ByteBuf f = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);
            switch (kind) {
                case "new-partner" -> {
                    MacAddress system = new MacAddress(0x02_1000_0000_00L + i);
                    PortInfo actor = new PortInfo(32768, system, 7, 32768, 1 + i % 100, new LacpState(0x3D));
                    SlowProtocolCodec.encodeLacpdu(f, system, new Lacpdu(Lacpdu.VERSION_1, actor, PortInfo.NONE, 0));
                }
                case "garbage" -> {
                    MacAddress.SLOW_PROTOCOLS_MULTICAST.write(f);
                    source.write(f);
                    f.writeShort(SlowProtocolCodec.SLOW_PROTOCOLS_ETHERTYPE);
                    byte[] rest = new byte[random.nextInt(110) + 1];
                    random.nextBytes(rest);
                    rest[0] = (byte) (i % 3 == 0 ? 1 : rest[0]); // a third claim to be LACP
                    f.writeBytes(rest);
                }
                case "same-partner" -> SlowProtocolCodec.encodeLacpdu(f, source, new Lacpdu(Lacpdu.VERSION_1,
                        portInfo(args[4]), portInfo(args[3]), 0));
                default -> throw new IllegalArgumentException("kind " + kind);
            }
            frames[i] = f;
        }
        long sent = 0;
        try (FrameChannel channel = PcapFrameChannel.open(args[0], frame -> { })) {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
            while (System.nanoTime() - end < 0) {
                if (channel.send(frames[(int) (sent % DISTINCT)])) {
                    sent++;
                }
            }
            System.out.printf("sent %d frames in %.1f s%n", sent, (System.nanoTime() - start) / 1e9);
        }
    }

    /** A PortInfo from "priority,system,key,port-priority,port,state-octet", e.g. "32768,02:00:00:00:00:0b,1,32768,1,61". */
    private static PortInfo portInfo(String fields) {
        String[] f = fields.split(",");
        return new PortInfo(Integer.parseInt(f[0]), MacAddress.parse(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Integer.parseInt(f[4]), new LacpState(Integer.parseInt(f[5])));
    }
}
