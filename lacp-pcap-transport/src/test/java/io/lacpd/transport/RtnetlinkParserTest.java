package io.lacpd.transport;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.transport.RtnetlinkParser.Datagram;
import io.lacpd.transport.RtnetlinkParser.LinkMessage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.lacpd.transport.RtnetlinkParser.ARPHRD_ETHER;
import static io.lacpd.transport.RtnetlinkParser.IFF_LOWER_UP;
import static io.lacpd.transport.RtnetlinkParser.IFF_UP;
import static io.lacpd.transport.RtnetlinkParser.IFLA_ADDRESS;
import static io.lacpd.transport.RtnetlinkParser.IFLA_IFNAME;
import static io.lacpd.transport.RtnetlinkParser.IFLA_MTU;
import static io.lacpd.transport.RtnetlinkParser.IFLA_OPERSTATE;
import static io.lacpd.transport.RtnetlinkParser.IF_OPER_DORMANT;
import static io.lacpd.transport.RtnetlinkParser.IF_OPER_TESTING;
import static io.lacpd.transport.RtnetlinkParser.IF_OPER_UNKNOWN;
import static io.lacpd.transport.RtnetlinkParser.NLMSG_DONE;
import static io.lacpd.transport.RtnetlinkParser.NLMSG_ERROR;
import static io.lacpd.transport.RtnetlinkParser.NLMSG_NOOP;
import static io.lacpd.transport.RtnetlinkParser.NLMSG_OVERRUN;
import static io.lacpd.transport.RtnetlinkParser.RTM_DELLINK;
import static io.lacpd.transport.RtnetlinkParser.RTM_NEWLINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing rtnetlink datagrams built by hand, well-formed and not; no kernel needed. */
class RtnetlinkParserTest {

    private static final int AF_BRIDGE = 7;
    private static final int IFLA_STATS64 = 23;
    private static final int IFLA_LINKINFO = 18;
    private static final int NLA_F_NESTED = 0x8000;
    private static final byte[] MAC = {0x02, 0, 0, 0, 0x0a, 0x01};
    private static final int IF_OPER_UP = 6;

    /** Writes netlink messages the way the kernel lays them out, in host byte order. */
    private static final class Datagrams {
        private final ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.nativeOrder());
        private int start;

        Datagrams message(int type) {
            start = b.position();
            b.putInt(0).putShort((short) type).putShort((short) 0).putInt(1).putInt(0);
            return this;
        }

        Datagrams ifinfo(int family, int index, int flags) {
            b.put((byte) family).put((byte) 0).putShort((short) ARPHRD_ETHER).putInt(index).putInt(flags).putInt(0);
            return this;
        }

        Datagrams attribute(int type, byte[] payload) {
            b.putShort((short) (RtnetlinkParser.RTA_HDRLEN + payload.length)).putShort((short) type).put(payload);
            return pad();
        }

        Datagrams attribute(int type, int... octets) {
            byte[] payload = new byte[octets.length];
            for (int i = 0; i < octets.length; i++) {
                payload[i] = (byte) octets[i];
            }
            return attribute(type, payload);
        }

        Datagrams name(String name) {
            return attribute(IFLA_IFNAME, (name + "\0").getBytes(StandardCharsets.UTF_8));
        }

        Datagrams mtu(int mtu) {
            return attribute(IFLA_MTU, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(mtu).array());
        }

        Datagrams end() {
            b.putInt(start, b.position() - start);
            return pad();
        }

        Datagrams pad() {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
            return this;
        }

        Datagrams raw(int... bytes) {
            for (int x : bytes) {
                b.put((byte) x);
            }
            return this;
        }

        ByteBuffer bytes() {
            return ByteBuffer.wrap(b.array(), 0, b.position());
        }

        Datagram parse() {
            return RtnetlinkParser.parse(bytes());
        }
    }

    private static Datagrams newLink(int index, int flags) {
        return new Datagrams().message(RTM_NEWLINK).ifinfo(0, index, flags);
    }

    @Test
    void aNewLinkMessageGivesEveryFieldAndSkipsUnknownAttributes() {
        Datagram d = newLink(7, IFF_UP | IFF_LOWER_UP)
                .attribute(IFLA_STATS64, new byte[200])
                .name("eth7")
                .attribute(IFLA_LINKINFO | NLA_F_NESTED, 8, 0, 1, 0, 'v', 'e', 't', 'h')
                .mtu(9000)
                .attribute(IFLA_ADDRESS, MAC)
                .attribute(IFLA_OPERSTATE, IF_OPER_UP)
                .end().parse();
        assertEquals(new Datagram(List.of(new LinkMessage(false, 7, ARPHRD_ETHER, IFF_UP | IFF_LOWER_UP, "eth7",
                9000, MacAddress.parse("02:00:00:00:0a:01"), IF_OPER_UP)), false, 0), d);
        assertTrue(d.links().get(0).up());
    }

    @Test
    void severalMessagesInOneDatagramComeInOrder() {
        Datagram d = newLink(3, IFF_UP).name("a").end()
                .message(NLMSG_NOOP).end()
                .message(RTM_DELLINK).ifinfo(0, 4, 0).name("b").end()
                .message(NLMSG_DONE).raw(0, 0, 0, 0).end()
                .parse();
        assertEquals(List.of("a", "b"), d.links().stream().map(LinkMessage::name).toList());
        assertFalse(d.links().get(0).deleted());
        assertTrue(d.links().get(1).deleted());
        assertEquals(0, d.ignored());
    }

    @Test
    void carrierNeedsBothFlagsAndNoDormantOrTestingState() {
        assertFalse(new LinkMessage(false, 1, 1, IFF_UP, "x", 1500, MacAddress.ZERO, IF_OPER_UNKNOWN).up());
        assertFalse(new LinkMessage(false, 1, 1, IFF_LOWER_UP, "x", 1500, MacAddress.ZERO, IF_OPER_UNKNOWN).up());
        assertTrue(new LinkMessage(false, 1, 1, IFF_UP | IFF_LOWER_UP, "x", 1500, MacAddress.ZERO, IF_OPER_UNKNOWN).up());
        assertFalse(new LinkMessage(false, 1, 1, IFF_UP | IFF_LOWER_UP, "x", 1500, MacAddress.ZERO, IF_OPER_DORMANT).up());
        assertFalse(new LinkMessage(false, 1, 1, IFF_UP | IFF_LOWER_UP, "x", 1500, MacAddress.ZERO, IF_OPER_TESTING).up());
    }

    @Test
    void missingOrOddAttributesGiveDefaults() {
        LinkMessage m = newLink(5, 0).attribute(IFLA_ADDRESS, 10, 0, 0, 1).attribute(IFLA_IFNAME, 't', 'u', 'n')
                .end().parse().links().get(0);
        assertEquals(new LinkMessage(false, 5, ARPHRD_ETHER, 0, "tun", 0, MacAddress.ZERO, IF_OPER_UNKNOWN), m);
        assertEquals(null, newLink(5, 0).attribute(IFLA_IFNAME, 0).end().parse().links().get(0).name());
    }

    @Test
    void bridgePortMessagesAreNotAboutTheLinkAndAreLeftOut() {
        Datagram d = new Datagrams().message(RTM_DELLINK).ifinfo(AF_BRIDGE, 9, 0).name("port").end().parse();
        assertEquals(new Datagram(List.of(), false, 0), d);
    }

    @Test
    void errorsAndOverrunsAreFlagged() {
        assertEquals(new Datagram(List.of(), false, 1),
                new Datagrams().message(NLMSG_ERROR).raw(-105, -1, -1, -1).end().parse());
        assertEquals(new Datagram(List.of(), true, 0), new Datagrams().message(NLMSG_OVERRUN).end().parse());
    }

    @Test
    void malformedMessagesAreCountedAndSkipped() {
        // A message length beyond the datagram: nothing after it can be trusted.
        Datagrams tooLong = newLink(1, 0).name("a").end();
        tooLong.b.putInt(0, 4000);
        assertEquals(new Datagram(List.of(), false, 1), tooLong.parse());

        // A message length shorter than a header.
        Datagrams tooShort = newLink(1, 0).end();
        tooShort.b.putInt(0, 8);
        assertEquals(new Datagram(List.of(), false, 1), tooShort.parse());

        // An attribute running past its message, then a good message.
        Datagram d = newLink(1, 0).raw(200, 0, IFLA_IFNAME, 0).end().message(RTM_NEWLINK).ifinfo(0, 2, 0).end().parse();
        assertEquals(1, d.ignored());
        assertEquals(List.of(2), d.links().stream().map(LinkMessage::index).toList());

        // An attribute length under its own header; a short MTU; a header without an ifinfomsg.
        assertEquals(1, newLink(1, 0).raw(2, 0, IFLA_MTU, 0).end().parse().ignored());
        assertEquals(1, newLink(1, 0).attribute(IFLA_MTU, 1, 2).end().parse().ignored());
        assertEquals(1, new Datagrams().message(RTM_NEWLINK).raw(0, 0, 0, 0).end().parse().ignored());
        assertEquals(1, newLink(0, 0).end().parse().ignored());

        // Trailing bytes too few for a header.
        assertEquals(1, newLink(1, 0).end().raw(1, 2, 3, 4).parse().ignored());
    }

    @Test
    void anyTruncationOrCorruptionOfARealisticMessageNeverThrows() {
        ByteBuffer datagram = newLink(7, IFF_UP | IFF_LOWER_UP).attribute(IFLA_STATS64, new byte[64]).name("eth7")
                .mtu(1500).attribute(IFLA_ADDRESS, MAC).attribute(IFLA_OPERSTATE, IF_OPER_UP).end()
                .message(RTM_DELLINK).ifinfo(0, 8, 0).name("eth8").end().bytes();
        byte[] good = Arrays.copyOf(datagram.array(), datagram.remaining());
        for (int cut = 0; cut <= good.length; cut++) {
            RtnetlinkParser.parse(ByteBuffer.wrap(good, 0, cut));
        }
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = good.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Datagram d = RtnetlinkParser.parse(ByteBuffer.wrap(bytes));
            assertTrue(d.links().size() <= 2);
        }
    }
}
