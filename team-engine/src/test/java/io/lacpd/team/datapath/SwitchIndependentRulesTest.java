package io.lacpd.team.datapath;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.lacpd.team.datapath.TestFrame.ethernet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The switch-independent MAC rules: what leaves on the primary, what is rewritten, what the host never sees. */
class SwitchIndependentRulesTest {

    /** Member 0's own MAC, as the team MAC is by default. */
    private static final long TEAM_MAC = 0x0200_0000_0100L;
    private static final long PEER = 0x0200_0000_0b00L;
    private static final long BROADCAST = 0xffff_ffff_ffffL;
    private static final long IP_A = 0xc000_0201L;
    private static final long IP_B = 0xc000_0202L;

    /** Two members, both transmitting, buckets round-robin, slot {@code primary} the primary. */
    private static MemberMap twoMembers(int primary) {
        return new MemberMap(1, List.of(TestMaps.member(0, true), TestMaps.member(1, true)),
                TestMaps.roundRobin(2).buckets(), primary);
    }

    private static final class Sent {
        int slot;
        long source;
    }

    private static Sent send(LoadBalancingAlgorithm a, MemberMap map, TestFrame f) {
        Distributor d = new Distributor(a);
        SwitchIndependentRules rules = new SwitchIndependentRules(a, new MacAddress(TEAM_MAC));
        ByteBuffer b = f.direct(10, 0);
        Sent s = new Sent();
        s.slot = rules.transmit(map, d.frame(), d.transmitSlot(map, b, 10, f.length()), b, 10);
        FrameView v = new FrameView();
        v.parse(b, 10, f.length());
        s.source = v.srcMac();
        return s;
    }

    private static TestFrame tcp(int port) {
        return ethernet(PEER, TEAM_MAC).u16(FrameView.ETHERTYPE_IPV4).ipv4(FrameView.PROTO_TCP, IP_A, IP_B, 0)
                .tcp(port, 80);
    }

    @Test
    void withAddressHashingAFrameOnAnotherMemberCarriesThatMembersOwnMacAndOnThePrimaryTheTeamMac() {
        MemberMap map = twoMembers(0);
        int[] perSlot = new int[2];
        for (LoadBalancingAlgorithm a : List.of(LoadBalancingAlgorithm.TRANSPORT_PORTS,
                LoadBalancingAlgorithm.IP_ADDRESSES, LoadBalancingAlgorithm.MAC_ADDRESSES)) {
            for (int port = 1000; port < 1100; port++) {
                Sent s = send(a, map, tcp(port));
                perSlot[s.slot]++;
                assertEquals(s.slot == 0 ? TEAM_MAC : map.member(1).mac().bits(), s.source, a + " port " + port);
            }
        }
        assertTrue(perSlot[0] > 0 && perSlot[1] > 0, "the flows use both members");
    }

    @Test
    void arpIcmpAndNeighbourDiscoveryLeaveOnThePrimaryWithTheTeamMac() {
        List<TestFrame> control = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            control.add(ethernet(BROADCAST, TEAM_MAC).u16(0x0806).u16(1).u16(0x0800).u8(6).u8(4).u16(1)
                    .mac(TEAM_MAC).u32(IP_A).mac(0).u32(IP_B + i));
            control.add(ethernet(PEER, TEAM_MAC).u16(FrameView.ETHERTYPE_IPV4).ipv4(1, IP_A, IP_B + i, 0)
                    .u8(8).u8(0).u16(0).u32(i));
            control.add(ethernet(0x3333_ff00_0002L, TEAM_MAC).tag(FrameView.ETHERTYPE_VLAN, 100)
                    .u16(FrameView.ETHERTYPE_IPV6).ipv6(58, 0xfe80L << 48, 1, 0xff02L << 48, 0x1_ff00_0000L + i)
                    .u8(135).u8(0).u16(0).u32(0));
        }
        for (int primary = 0; primary < 2; primary++) {
            for (TestFrame f : control) {
                Sent s = send(LoadBalancingAlgorithm.TRANSPORT_PORTS, twoMembers(primary), f);
                assertEquals(primary, s.slot);
                assertEquals(TEAM_MAC, s.source, "left as the host sent it");
            }
        }
    }

    @Test
    void hyperVPortDynamicAndTheOtherModesRewriteAndMoveNothing() {
        for (int port = 1000; port < 1050; port++) {
            for (LoadBalancingAlgorithm a : List.of(LoadBalancingAlgorithm.HYPERV_PORT, LoadBalancingAlgorithm.DYNAMIC)) {
                assertEquals(TEAM_MAC, send(a, twoMembers(0), tcp(port)).source, a.toString());
            }
            MemberMap noPrimary = TestMaps.roundRobin(2);
            Sent s = send(LoadBalancingAlgorithm.TRANSPORT_PORTS, noPrimary, tcp(port));
            assertEquals(TEAM_MAC, s.source, "static and lacp never rewrite");
            assertEquals(new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS)
                    .transmitSlot(noPrimary, tcp(port).heap(), 0, tcp(port).length()), s.slot);
        }
        assertEquals(MemberMap.NONE, send(LoadBalancingAlgorithm.TRANSPORT_PORTS, MemberMap.EMPTY, tcp(1)).slot);
    }

    private static int receive(MemberMap map, int slot, TestFrame f) {
        SwitchIndependentRules rules = new SwitchIndependentRules(LoadBalancingAlgorithm.TRANSPORT_PORTS,
                new MacAddress(TEAM_MAC));
        return rules.receive(map, slot, f.direct(4, 0), 4, f.length());
    }

    @Test
    void onlyThePrimaryTakesBroadcastsAndMulticastsAndOurOwnSourcesAreDroppedEverywhere() {
        MemberMap map = twoMembers(1);
        TestFrame broadcast = ethernet(BROADCAST, PEER).u16(0x0806).zeros(28);
        TestFrame multicast = ethernet(0x0100_5e00_0001L, PEER).u16(FrameView.ETHERTYPE_IPV4).zeros(20);
        TestFrame unicast = ethernet(TEAM_MAC, PEER).u16(FrameView.ETHERTYPE_IPV4).zeros(20);
        assertEquals(SwitchIndependentRules.ACCEPT, receive(map, 1, broadcast));
        assertEquals(SwitchIndependentRules.ACCEPT, receive(map, 1, multicast));
        assertEquals(SwitchIndependentRules.NOT_PRIMARY, receive(map, 0, broadcast));
        assertEquals(SwitchIndependentRules.NOT_PRIMARY, receive(map, 0, multicast));
        assertEquals(SwitchIndependentRules.ACCEPT, receive(map, 0, unicast), "unicast is taken on any member");
        for (long own : new long[] {TEAM_MAC, map.member(1).mac().bits()}) {
            for (int slot = 0; slot < 2; slot++) {
                assertEquals(SwitchIndependentRules.OWN_SOURCE, receive(map, slot, ethernet(BROADCAST, own).u16(0x0806)
                        .zeros(28)), "slot " + slot);
            }
        }
        MemberMap noPrimary = TestMaps.roundRobin(2);
        assertEquals(SwitchIndependentRules.ACCEPT, receive(noPrimary, 0, broadcast));
        assertEquals(SwitchIndependentRules.ACCEPT, receive(noPrimary, 0, ethernet(BROADCAST, TEAM_MAC).u16(0x0806)
                .zeros(28)), "the rules are switch-independent's alone");
    }

    @Test
    void neitherSideAllocatesPerFrame() {
        MemberMap map = twoMembers(0);
        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        SwitchIndependentRules rules = new SwitchIndependentRules(LoadBalancingAlgorithm.TRANSPORT_PORTS,
                new MacAddress(TEAM_MAC));
        TestFrame[] frames = {tcp(1), tcp(2), ethernet(BROADCAST, PEER).u16(0x0806).zeros(28)};
        ByteBuffer[] buffers = new ByteBuffer[frames.length];
        for (int i = 0; i < frames.length; i++) {
            buffers[i] = frames[i].direct(10, 0);
        }
        long allocated = Allocation.ofSecondRound(100_000, i -> {
            int k = i % frames.length;
            return rules.transmit(map, d.frame(), d.transmitSlot(map, buffers[k], 10, frames[k].length()), buffers[k], 10)
                    + rules.receive(map, i & 1, buffers[k], 10, frames[k].length());
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 100,000 frames");
    }
}
