package io.lacpd.team.datapath;

import io.lacpd.team.datapath.FrameView.Layer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A frame is parsed in place as far as it is whole; nothing in its bytes makes the parse throw. */
class FrameViewTest {

    private static final long IP_A = 0x0a00_0001L; // 10.0.0.1
    private static final long IP_B = 0x0a00_0002L; // 10.0.0.2

    private final FrameView view = new FrameView();

    private Layer parse(TestFrame f) {
        return view.parse(f.heap(), 0, f.length());
    }

    @Test
    void untaggedTcpOverIpv4GivesMacsAddressesAndPorts() {
        TestFrame f = TestFrame.tcp4(IP_A, IP_B, 40000, 5201);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(DST_MAC, view.dstMac());
        assertEquals(SRC_MAC, view.srcMac());
        assertEquals(0, view.tags());
        assertEquals(FrameView.ETHERTYPE_IPV4, view.etherType());
        assertEquals(14, view.l3Offset());
        assertEquals(4, view.ipVersion());
        assertEquals(FrameView.PROTO_TCP, view.protocol());
        assertEquals(IP_A, view.srcAddrLo());
        assertEquals(IP_B, view.dstAddrLo());
        assertEquals(0, view.srcAddrHi());
        assertEquals(34, view.l4Offset());
        assertEquals(40000, view.srcPort());
        assertEquals(5201, view.dstPort());
        assertFalse(view.fragment());
    }

    @Test
    void addressesWithTheHighBitSetAreReadUnsigned() {
        assertEquals(Layer.TRANSPORT, parse(TestFrame.tcp4(0xc0a8_0001L, 0xffff_fffeL, 65535, 1)));
        assertEquals(0xc0a8_0001L, view.srcAddrLo());
        assertEquals(0xffff_fffeL, view.dstAddrLo());
        assertEquals(65535, view.srcPort());
    }

    @Test
    void theOuterEtherTypeIsReadWithoutAParse() {
        TestFrame lacpdu = ethernet(0x0180_c200_0002L, SRC_MAC).u16(0x8809).u8(1).zeros(109);
        ByteBuffer b = TestFrame.empty().zeros(10).then(lacpdu).direct(4, 0);
        assertEquals(0x8809, FrameView.outerEtherType(b, 14, lacpdu.length()));
        TestFrame tagged = ethernet(DST_MAC, SRC_MAC).tag(0x88a8, 1).u16(0x0800);
        assertEquals(0x88a8, FrameView.outerEtherType(tagged.heap(), 0, tagged.length()), "a tag's TPID");
        assertEquals(-1, FrameView.outerEtherType(lacpdu.heap(), 0, 13), "shorter than an Ethernet header");
        assertEquals(-1, FrameView.outerEtherType(lacpdu.heap(), 1, lacpdu.length()), "not in the buffer");
    }

    @Test
    void an8021qTagIsWalkedAndItsTciKept() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).tag(0x8100, 0x2064).u16(0x0800)
                .ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0).udp(5353, 53);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(1, view.tags());
        assertEquals(0x2064, view.outerTci());
        assertEquals(18, view.l3Offset());
        assertEquals(FrameView.PROTO_UDP, view.protocol());
        assertEquals(5353, view.srcPort());
        assertEquals(53, view.dstPort());
    }

    @Test
    void qinqWalksTheServiceTagThenTheCustomerTag() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).tag(0x88a8, 300).tag(0x8100, 100).u16(0x0800)
                .ipv4(FrameView.PROTO_TCP, IP_A, IP_B, 0).tcp(1, 2);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(2, view.tags());
        assertEquals(300, view.outerTci());
        assertEquals(100, view.innerTci());
        assertEquals(22, view.l3Offset());
        assertEquals(2, view.dstPort());
    }

    @Test
    void aThirdTagIsNotWalkedAndTheFrameStaysAtMacs() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).tag(0x88a8, 1).tag(0x8100, 2).tag(0x8100, 3).u16(0x0800)
                .ipv4(FrameView.PROTO_TCP, IP_A, IP_B, 0).tcp(1, 2);
        assertEquals(Layer.MAC, parse(f));
        assertEquals(2, view.tags());
        assertEquals(0x8100, view.etherType());
    }

    @Test
    void aFrameEndingInsideItsTagIsMacsOnly() {
        assertEquals(Layer.MAC, parse(ethernet(DST_MAC, SRC_MAC).tag(0x8100, 5)));
        assertEquals(0, view.tags());
        assertEquals(DST_MAC, view.dstMac());
    }

    @Test
    void nonIpIsMacsAndItsEtherType() {
        TestFrame arp = ethernet(0xffff_ffff_ffffL, SRC_MAC).u16(0x0806).zeros(28);
        assertEquals(Layer.MAC, parse(arp));
        assertEquals(0x0806, view.etherType());
        assertEquals(0xffff_ffff_ffffL, view.dstMac());
        assertEquals(-1, view.protocol());
    }

    @Test
    void shorterThanAnEthernetHeaderIsNothing() {
        assertEquals(Layer.NONE, parse(ethernet(DST_MAC, SRC_MAC).u8(0x08)));
        assertEquals(0, view.dstMac());
    }

    @Test
    void ipv4OptionsAreSkippedByTheHeaderLength() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x0800)
                .u8(0x46).u8(0).u16(0).u16(0).u16(0).u8(64).u8(FrameView.PROTO_TCP).u16(0).u32(IP_A).u32(IP_B)
                .u32(0x0101_0101L) // four octets of options (NOP NOP NOP NOP)
                .tcp(1234, 80);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(38, view.l4Offset());
        assertEquals(1234, view.srcPort());
    }

    @Test
    void anIpv4HeaderLengthBelowFiveOrPastTheFrameIsMalformedAndFallsBackToMacs() {
        TestFrame ihl4 = ethernet(DST_MAC, SRC_MAC).u16(0x0800)
                .u8(0x44).u8(0).u16(0).u16(0).u16(0).u8(64).u8(6).u16(0).u32(IP_A).u32(IP_B).tcp(1, 2);
        assertEquals(Layer.MAC, parse(ihl4));
        TestFrame ihl15 = ethernet(DST_MAC, SRC_MAC).u16(0x0800)
                .u8(0x4f).u8(0).u16(0).u16(0).u16(0).u8(64).u8(6).u16(0).u32(IP_A).u32(IP_B).tcp(1, 2);
        assertEquals(Layer.MAC, parse(ihl15));
        TestFrame version6 = ethernet(DST_MAC, SRC_MAC).u16(0x0800)
                .u8(0x65).u8(0).u16(0).u16(0).u16(0).u8(64).u8(6).u16(0).u32(IP_A).u32(IP_B).tcp(1, 2);
        assertEquals(Layer.MAC, parse(version6));
        assertEquals(0, view.ipVersion());
    }

    @Test
    void aTruncatedIpv4HeaderFallsBackToMacs() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x0800).u8(0x45).zeros(10);
        assertEquals(Layer.MAC, parse(f));
    }

    @Test
    void aTransportHeaderCutBeforeThePortsLeavesTheAddresses() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_TCP, IP_A, IP_B, 0).u16(1234).u8(0);
        assertEquals(Layer.IP, parse(f));
        assertEquals(IP_A, view.srcAddrLo());
        assertEquals(0, view.srcPort());
    }

    @Test
    void otherIpProtocolsHaveAddressesButNoPorts() {
        TestFrame icmp = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(1, IP_A, IP_B, 0).u8(8).u8(0).u16(0).u32(1);
        assertEquals(Layer.IP, parse(icmp));
        assertEquals(1, view.protocol());
        TestFrame esp = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(50, IP_A, IP_B, 0).u32(0x1000).u32(1);
        assertEquals(Layer.IP, parse(esp));
    }

    @Test
    void sctpPortsAreRead() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_SCTP, IP_A, IP_B, 0)
                .u16(3868).u16(3869).u32(0).u32(0);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(3868, view.srcPort());
        assertEquals(3869, view.dstPort());
    }

    @Test
    void everyIpv4FragmentFirstIncludedIsAddressesOnly() {
        TestFrame first = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x2000)
                .udp(4000, 4001).zeros(16); // More Fragments, offset 0: the ports are there but not used
        assertEquals(Layer.IP, parse(first));
        assertTrue(view.fragment());
        assertEquals(0, view.srcPort());
        TestFrame later = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x0003)
                .zeros(24); // offset 3 * 8, last fragment: its first octets are payload, not ports
        assertEquals(Layer.IP, parse(later));
        assertTrue(view.fragment());
        TestFrame dontFragment = ethernet(DST_MAC, SRC_MAC).u16(0x0800)
                .ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x4000).udp(4000, 4001);
        assertEquals(Layer.TRANSPORT, parse(dontFragment));
        assertFalse(view.fragment());
    }

    @Test
    void ipv6TcpGivesTheFullAddressesAndPorts() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x86dd)
                .ipv6(FrameView.PROTO_TCP, 0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2).tcp(50000, 443);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(6, view.ipVersion());
        assertEquals(0x2001_0db8_0000_0000L, view.srcAddrHi());
        assertEquals(1, view.srcAddrLo());
        assertEquals(0x2001_0db8_0000_0000L, view.dstAddrHi());
        assertEquals(2, view.dstAddrLo());
        assertEquals(54, view.l4Offset());
        assertEquals(50000, view.srcPort());
        assertEquals(443, view.dstPort());
    }

    @Test
    void ipv6HopByHopRoutingAndDestinationOptionsAreSkipped() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(0, 1, 2, 3, 4)
                .extension(43, 0)  // hop-by-hop, 8 octets
                .extension(60, 2)  // routing, 24 octets
                .extension(17, 1)  // destination options, 16 octets
                .udp(7000, 7001);
        assertEquals(Layer.TRANSPORT, parse(f));
        assertEquals(FrameView.PROTO_UDP, view.protocol());
        assertEquals(14 + 40 + 8 + 24 + 16, view.l4Offset());
        assertEquals(7000, view.srcPort());
    }

    @Test
    void anIpv6FragmentIsAddressesOnlyButAnAtomicFragmentKeepsItsPorts() {
        TestFrame first = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(44, 1, 2, 3, 4)
                .fragment6(FrameView.PROTO_UDP, 0, true).udp(7000, 7001);
        assertEquals(Layer.IP, parse(first));
        assertTrue(view.fragment());
        assertEquals(FrameView.PROTO_UDP, view.protocol());
        TestFrame later = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(44, 1, 2, 3, 4)
                .fragment6(FrameView.PROTO_UDP, 185, false).zeros(8);
        assertEquals(Layer.IP, parse(later));
        assertTrue(view.fragment());
        TestFrame atomic = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(44, 1, 2, 3, 4)
                .fragment6(FrameView.PROTO_UDP, 0, false).udp(7000, 7001);
        assertEquals(Layer.TRANSPORT, parse(atomic));
        assertFalse(view.fragment());
    }

    @Test
    void anIpv6ExtensionHeaderPastTheFrameLeavesTheAddresses() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(60, 1, 2, 3, 4)
                .u8(6).u8(4).zeros(6); // claims 40 octets, has 8
        assertEquals(Layer.IP, parse(f));
        assertEquals(-1, view.protocol());
        assertEquals(2, view.srcAddrLo());
    }

    @Test
    void aChainOfMoreThanEightExtensionHeadersStopsAtTheAddresses() {
        TestFrame f = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(60, 1, 2, 3, 4);
        for (int i = 0; i < 9; i++) {
            f.extension(60, 0);
        }
        f.udp(1, 2);
        assertEquals(Layer.IP, parse(f));
    }

    @Test
    void aWrongIpv6VersionOrTruncatedHeaderFallsBackToMacs() {
        TestFrame v4InV6 = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).u8(0x45).zeros(39).tcp(1, 2);
        assertEquals(Layer.MAC, parse(v4InV6));
        TestFrame cut = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).u32(0x6000_0000L).zeros(20);
        assertEquals(Layer.MAC, parse(cut));
    }

    @Test
    void everyPrefixOfAValidFrameParsesWithoutThrowingAndNeverPastItsLength() {
        TestFrame[] frames = {
            TestFrame.tcp4(IP_A, IP_B, 1, 2),
            ethernet(DST_MAC, SRC_MAC).tag(0x88a8, 1).tag(0x8100, 2).u16(0x86dd).ipv6(0, 1, 2, 3, 4)
                    .extension(44, 1).fragment6(6, 0, false).tcp(1, 2),
        };
        for (TestFrame f : frames) {
            byte[] b = f.bytes();
            Layer previous = Layer.NONE;
            for (int len = 0; len <= b.length; len++) {
                // The buffer ends where the frame does: a read past the length would throw.
                ByteBuffer exact = ByteBuffer.allocateDirect(len).put(0, b, 0, len);
                Layer l = view.parse(exact, 0, len);
                assertTrue(l.compareTo(previous) >= 0, "layer went down at length " + len);
                previous = l;
            }
            assertEquals(Layer.TRANSPORT, previous);
        }
    }

    @Test
    void aLengthPastTheBufferLimitOrANegativeOffsetIsNothing() {
        ByteBuffer b = TestFrame.tcp4(IP_A, IP_B, 1, 2).heap();
        assertEquals(Layer.NONE, view.parse(b, 0, b.limit() + 1));
        assertEquals(Layer.NONE, view.parse(b, -1, 20));
    }

    @Test
    void aFrameAtAnOffsetInALittleEndianDirectBufferReadsTheSame() {
        TestFrame f = TestFrame.tcp4(IP_A, IP_B, 40000, 5201);
        ByteBuffer b = f.direct(100, 7).order(ByteOrder.LITTLE_ENDIAN);
        b.position(3).limit(b.capacity());
        assertEquals(Layer.TRANSPORT, view.parse(b, 100, f.length()));
        assertEquals(IP_A, view.srcAddrLo());
        assertEquals(40000, view.srcPort());
        assertEquals(SRC_MAC, view.srcMac());
        assertEquals(3, b.position());
    }

    @Test
    void aParseForgetsThePreviousFrame() {
        parse(TestFrame.tcp4(IP_A, IP_B, 1, 2));
        assertEquals(Layer.MAC, parse(ethernet(DST_MAC, SRC_MAC).u16(0x0806).zeros(28)));
        assertEquals(0, view.srcAddrLo());
        assertEquals(0, view.srcPort());
        assertEquals(0, view.ipVersion());
    }
}
