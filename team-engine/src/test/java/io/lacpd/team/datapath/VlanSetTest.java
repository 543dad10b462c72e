package io.lacpd.team.datapath;

import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static io.lacpd.team.datapath.TestFrame.vnetHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VlanSet: which team interface a received frame goes to and which tag a sent one gets, and the set's changes;
 * with VlanTag, the frames a VLAN interface sends and receives, byte for byte.
 */
class VlanSetTest {

    private static final int H = VnetHeader.LENGTH;
    private static final int Q = FrameView.ETHERTYPE_VLAN;

    private static TestFrame tcp(int srcPort) {
        return TestFrame.empty().u16(FrameView.ETHERTYPE_IPV4).ipv4(FrameView.PROTO_TCP, 0x0a00_0001L, 0x0a00_0002L, 0)
                .tcp(srcPort, 5201).zeros(100);
    }

    private static TestFrame untagged(int srcPort) {
        return ethernet(DST_MAC, SRC_MAC).then(tcp(srcPort));
    }

    private static TestFrame tagged(int tci, int srcPort) {
        return ethernet(DST_MAC, SRC_MAC).tag(Q, tci).then(tcp(srcPort));
    }

    @Test
    void aClaimedQTagGoesToItsInterfaceAndEveryOtherFrameToTheTeamInterface() {
        VlanSet set = VlanSet.EMPTY.with(100, 1).with(200, 2);
        assertEquals(1, set.receiveInterface(Q, 100));
        assertEquals(2, set.receiveInterface(Q, 200));
        assertEquals(1, set.receiveInterface(Q, 0xe064), "priority 7 and DEI do not change the VLAN");
        assertEquals(VlanSet.MAIN, set.receiveInterface(Q, 300), "unclaimed: to the team interface, tagged");
        assertEquals(VlanSet.MAIN, set.receiveInterface(Q, 0), "priority-tagged: no VLAN");
        assertEquals(VlanSet.MAIN, set.receiveInterface(FrameView.ETHERTYPE_QINQ, 100), "a provider tag is not ours");
        assertEquals(VlanSet.MAIN, set.receiveInterface(0, -1), "untagged");
        assertEquals(VlanSet.MAIN, VlanSet.EMPTY.receiveInterface(Q, 100));
    }

    @Test
    void aVlanInterfaceSendsItsVidWithPriorityZeroAndTheTeamInterfaceNoTag() {
        VlanSet set = VlanSet.EMPTY.with(4094, 3);
        assertEquals(4094, set.transmitTci(3));
        assertEquals(-1, set.transmitTci(VlanSet.MAIN));
        assertEquals(-1, set.transmitTci(1), "a free index");
    }

    @Test
    void changesMakeNewSetsAndLeaveTheOldOneAsItWas() {
        VlanSet one = VlanSet.EMPTY.with(100, 1);
        VlanSet two = one.with(5, 2);
        assertArrayEquals(new int[] {5, 100}, two.vids());
        assertEquals(3, two.freeIndex());
        VlanSet back = two.without(100);
        assertArrayEquals(new int[] {5}, back.vids());
        assertEquals(1, back.freeIndex(), "100's index is free again");
        assertEquals(VlanSet.MAIN, back.interfaceOf(100));
        assertArrayEquals(new int[] {100}, one.vids(), "immutable");
        assertSame(back, back.without(100), "removing what is absent changes nothing");
        assertEquals(0, VlanSet.EMPTY.size());
    }

    @Test
    void outOfRangeOrTakenVidsAndIndexesAreRefused() {
        VlanSet set = VlanSet.EMPTY.with(100, 1);
        assertThrows(IllegalArgumentException.class, () -> set.with(100, 2));
        assertThrows(IllegalArgumentException.class, () -> set.with(200, 1));
        assertThrows(IllegalArgumentException.class, () -> set.with(0, 2));
        assertThrows(IllegalArgumentException.class, () -> set.with(4095, 2));
        assertThrows(IllegalArgumentException.class, () -> set.with(200, VlanSet.MAIN));
        assertThrows(IllegalArgumentException.class, () -> set.with(200, VlanSet.MAX_VLANS + 1));
        VlanSet full = VlanSet.EMPTY;
        for (int i = 1; i <= VlanSet.MAX_VLANS; i++) {
            full = full.with(i, i);
        }
        assertEquals(-1, full.freeIndex());
    }

    /**
     * A super-frame from a VLAN interface, read after 4 octets of headroom as the transmit thread reads it: the tag
     * goes in after the MACs, csum_start and hdr_len grow by 4, and hdr_len is then right for the tagged frame.
     */
    @Test
    void aSuperFrameFromAVlanInterfaceLeavesTaggedWithItsOffsetsMoved() {
        VlanSet set = VlanSet.EMPTY.with(100, 1);
        ByteBuffer b = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4, 0, 1448, 34, 16))
                .then(untagged(40000)).direct(VlanTag.LENGTH, 0);
        int length = untagged(40000).length();
        assertEquals(0, VlanTag.insert(b, VlanTag.LENGTH, H, length, Q, set.transmitTci(1)));
        assertEquals(58, VnetHeader.fixHdrLen(b, 0, length + VlanTag.LENGTH));
        byte[] expected = TestFrame.empty().then(vnetHeader(1, VnetHeader.GSO_TCPV4, 58, 1448, 38, 16))
                .then(tagged(100, 40000)).bytes();
        byte[] got = new byte[expected.length];
        b.get(0, got);
        assertArrayEquals(expected, got);
    }

    /** The tag does not change which member a flow leaves on: the distributor hashes through it. */
    @Test
    void aTaggedFlowLeavesOnTheMemberItsUntaggedTwinWould() {
        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        MemberMap map = TestMaps.roundRobin(4);
        int moved = 0;
        for (int port = 40000; port < 40064; port++) {
            TestFrame plain = untagged(port);
            TestFrame withTag = tagged(100, port);
            int a = d.transmitSlot(map, plain.heap(), 0, plain.length());
            assertEquals(a, d.transmitSlot(map, withTag.heap(), 0, withTag.length()), "port " + port);
            moved += a;
        }
        assertTrue(moved > 0, "the flows spread over more than one member");
    }
}
