package io.lacpd.team.daemon;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.transport.FrameChannel;
import io.lacpd.transport.PcapFrameChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code Flood INTERFACE SECONDS KIND [PARTNER ACTOR]}: sends slow-protocol frames on an interface as
 * fast as libpcap takes them, as an attacker on the wire would, and prints how many went out. KIND is
 * {@code new-partner} (valid LACPDUs, a new partner system in each), {@code garbage} (random octets after
 * the Slow Protocols header) or {@code same-partner} (one LACPDU again and again, from the given actor to the
 * given partner, each as "priority,system,key,port-priority,port,state-octet"). {@code mutated COUNT} sends
 * COUNT frames (or fewer, when the time is up), each a LACPDU or a Marker PDU with a few random octets after the
 * MACs changed, cut short or made longer, and prints how many of each kind the codec finds them to be.
 */
public final class Flood {

    private static final int DISTINCT = 4096;

    private Flood() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[2];
        if (kind.equals("mutated")) {
            mutated(args[0], Long.parseLong(args[1]), Long.parseLong(args[3]));
            return;
        }
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

    /**
     * Sends {@code count} mutated frames, each new, and prints "sent N frames in T s; by kind L M R I U": how
     * many the codec decodes as LACPDUs, Markers, Marker Responses, illegal and unknown (a LACPDU whose version 2
     * TLVs are malformed is both a LACPDU and illegal, as the daemon counts it).
     */
    private static void mutated(String interfaceName, long seconds, long count) throws Exception {
        Random random = new Random(8023);
        ByteBuf lacpdu = Unpooled.buffer();
        MacAddress system = new MacAddress(0x02_1000_0000_00L);
        SlowProtocolCodec.encodeLacpdu(lacpdu, system, new Lacpdu(Lacpdu.VERSION_1,
                new PortInfo(32768, system, 7, 32768, 1, new LacpState(0x3D)), PortInfo.NONE, 0));
        ByteBuf marker = Unpooled.buffer();
        SlowProtocolCodec.encodeMarker(marker, system, new MarkerPdu(false, 1, system, 7));
        byte[][] bases = {ByteBufUtil.getBytes(lacpdu), ByteBufUtil.getBytes(marker)};
        long[] kinds = new long[5];
        long sent = 0;
        try (FrameChannel channel = PcapFrameChannel.open(interfaceName, frame -> { })) {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            ByteBuf out = Unpooled.buffer(SlowProtocolCodec.MAX_FRAME_LENGTH);
            while (sent < count && System.nanoTime() - end < 0) {
                byte[] frame = mutate(bases[random.nextInt(bases.length)], random);
                out.clear().writeBytes(frame);
                if (channel.send(out)) {
                    sent++;
                    count(SlowProtocolCodec.decode(Unpooled.wrappedBuffer(frame)), kinds);
                }
            }
            System.out.printf("sent %d frames in %.1f s; by kind %d %d %d %d %d%n", sent,
                    (System.nanoTime() - start) / 1e9, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);
        }
    }

    /**
     * A copy of {@code base} with its length changed one time in eight (15 octets up to a full frame, the new
     * tail random) and one to four octets from the EtherType on set at random: the MACs stay, so the frame still
     * goes to the Slow Protocols address and the daemon captures it.
     */
    private static byte[] mutate(byte[] base, Random random) {
        int length = random.nextInt(8) != 0 ? base.length
                : 15 + random.nextInt(SlowProtocolCodec.MAX_FRAME_LENGTH - 14);
        byte[] frame = Arrays.copyOf(base, length);
        for (int i = base.length; i < length; i++) {
            frame[i] = (byte) random.nextInt(256);
        }
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            frame[12 + random.nextInt(length - 12)] = (byte) random.nextInt(256);
        }
        return frame;
    }

    /** Counts a frame as the daemon does: 0 LACPDU, 1 Marker, 2 Marker Response, 3 illegal, 4 unknown. */
    private static void count(DecodeResult r, long[] kinds) {
        if (r instanceof DecodeResult.Lacp l) {
            kinds[0]++;
            if (!l.pdu().v2().problems().isEmpty()) {
                kinds[3]++;
            }
        } else if (r instanceof DecodeResult.Marker m) {
            kinds[m.pdu().response() ? 2 : 1]++;
        } else {
            kinds[r instanceof DecodeResult.Illegal ? 3 : 4]++;
        }
    }

    /** A PortInfo from "priority,system,key,port-priority,port,state-octet", e.g. "32768,02:00:00:00:00:0b,1,32768,1,61". */
    private static PortInfo portInfo(String fields) {
        String[] f = fields.split(",");
        return new PortInfo(Integer.parseInt(f[0]), MacAddress.parse(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Integer.parseInt(f[4]), new LacpState(Integer.parseInt(f[5])));
    }
}
