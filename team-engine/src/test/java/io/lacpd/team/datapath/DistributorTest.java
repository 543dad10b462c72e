package io.lacpd.team.datapath;

import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A frame leaves on the owner of the bucket its flow hash picks; a member leaving moves only its own buckets. */
class DistributorTest {

    private static final long IP_A = 0x0a00_0001L;
    private static final long IP_B = 0x0a00_0002L;

    private static int slot(Distributor d, MemberMap map, TestFrame f) {
        return d.transmitSlot(map, f.heap(), 0, f.length());
    }

    @Test
    void nothingLeavesWhenNoMemberTransmits() {
        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        assertEquals(MemberMap.NONE, slot(d, MemberMap.EMPTY, TestFrame.tcp4(IP_A, IP_B, 1, 2)));
        byte[] none = new byte[MemberMap.BUCKETS];
        java.util.Arrays.fill(none, (byte) MemberMap.NONE);
        MemberMap allStandby = new MemberMap(2, List.of(TestMaps.member(0, false), TestMaps.member(1, false)), none);
        assertEquals(MemberMap.NONE, slot(d, allStandby, TestFrame.tcp4(IP_A, IP_B, 1, 2)));
    }

    @Test
    void theSlotIsTheOwnerOfTheBucketInTheHashsLowEightBits() {
        MemberMap map = TestMaps.roundRobin(3);
        for (LoadBalancingAlgorithm a : LoadBalancingAlgorithm.values()) {
            Distributor d = new Distributor(a, 77, null);
            FlowHash hash = new FlowHash(77);
            FrameView v = new FrameView();
            for (int port = 0; port < 300; port++) {
                TestFrame f = TestFrame.tcp4(IP_A, IP_B, port, 80);
                v.parse(f.heap(), 0, f.length());
                int bucket = (int) hash.hash(a, v) & 0xff;
                assertEquals(bucket % 3, slot(d, map, f), a + " port " + port);
                assertEquals(hash.hash(a, v), d.lastHash());
            }
        }
    }

    @Test
    void aMalformedFrameStillGoesToAMember() {
        MemberMap map = TestMaps.roundRobin(2);
        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        TestFrame badIhl = ethernet(DST_MAC, SRC_MAC).u16(0x0800).u8(0x41).zeros(30);
        int s = slot(d, map, badIhl);
        assertTrue(s == 0 || s == 1);
        assertEquals(FrameView.Layer.MAC, d.frame().layer());
        assertTrue(slot(d, map, ethernet(DST_MAC, SRC_MAC)) >= 0);
    }

    @Test
    void theFrameIsNotModifiedNorItsBufferMoved() {
        TestFrame f = TestFrame.tcp4(IP_A, IP_B, 1, 2);
        ByteBuffer b = f.direct(8, 8);
        b.position(5);
        ByteBuffer before = ByteBuffer.allocate(b.capacity()).put(0, b, 0, b.capacity());
        new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS).transmitSlot(TestMaps.roundRobin(2), b, 8, f.length());
        assertEquals(5, b.position());
        assertEquals(0, b.duplicate().clear().compareTo(before.clear()));
    }

    @Test
    void hypervPortKeepsEverySourceMacOnOneMember() {
        MemberMap map = TestMaps.roundRobin(4);
        Distributor d = new Distributor(LoadBalancingAlgorithm.HYPERV_PORT);
        int vm = slot(d, map, TestFrame.tcp4(IP_A, IP_B, 1, 2));
        Random random = new Random(3);
        for (int i = 0; i < 100; i++) {
            TestFrame f = ethernet(random.nextLong() & 0xffff_ffff_ffffL, SRC_MAC).u16(0x0800)
                    .ipv4(FrameView.PROTO_UDP, random.nextInt(), random.nextInt(), 0).udp(random.nextInt(65536), 53);
            assertEquals(vm, slot(d, map, f));
        }
    }

    /**
     * Slot 1 of three stops transmitting; its buckets are dealt to the others, every other bucket keeps its owner.
     * Flows on slots 0 and 2 stay where they were, and only the flows of slot 1 move.
     */
    @Test
    void aMemberLeavingMovesOnlyTheFramesOfTheBucketsItOwned() {
        MemberMap before = TestMaps.roundRobin(3);
        byte[] buckets = before.buckets();
        int next = 0;
        for (int b = 0; b < buckets.length; b++) {
            if (buckets[b] == 1) {
                buckets[b] = (byte) (next++ % 2 == 0 ? 0 : 2);
            }
        }
        List<Member> members = new ArrayList<>(before.members());
        members.set(1, TestMaps.member(1, false));
        MemberMap after = new MemberMap(2, members, buckets);

        Distributor d = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        Random random = new Random(2);
        int moved = 0;
        int flows = 5000;
        for (int i = 0; i < flows; i++) {
            TestFrame f = TestFrame.tcp4(random.nextInt() & 0xffff_ffffL, IP_B, random.nextInt(65536), 443);
            int was = slot(d, before, f);
            int is = slot(d, after, f);
            if (was == 1) {
                assertNotEquals(1, is);
                moved++;
            } else {
                assertEquals(was, is);
            }
        }
        // About a third of the flows were on slot 1.
        assertTrue(moved > flows / 4 && moved < flows * 5 / 12, "moved " + moved);
    }

    @Test
    void aFlowletTableIsOnlyForDynamic() {
        FlowletTable table = new FlowletTable(1024, 500_000);
        assertThrows(IllegalArgumentException.class,
                () -> new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS, FlowHash.DEFAULT_SEED, table));
        assertEquals(table, new Distributor(LoadBalancingAlgorithm.DYNAMIC, FlowHash.DEFAULT_SEED, table).flowlets());
    }

    /** Under dynamic, a rebalanced bucket takes its flow along only after the flow pauses for the gap. */
    @Test
    void dynamicMovesARebalancedFlowOnlyAtAFlowletBoundary() {
        long gap = 500_000;
        Distributor d = new Distributor(LoadBalancingAlgorithm.DYNAMIC, FlowHash.DEFAULT_SEED,
                new FlowletTable(1024, gap));
        MemberMap map = TestMaps.roundRobin(2);
        TestFrame f = TestFrame.tcp4(IP_A, IP_B, 40000, 5201);
        ByteBuffer b = f.direct(0, 0);
        long t = 1_000_000_000L;
        int first = d.transmitSlot(map, b, 0, f.length(), t);
        byte[] moved = map.buckets();
        moved[(int) d.lastHash() & 0xff] = (byte) (1 - first);
        MemberMap rebalanced = new MemberMap(2, map.members(), moved);

        // Back-to-back frames 100 us apart: the flow stays although its bucket moved.
        for (int i = 1; i <= 20; i++) {
            assertEquals(first, d.transmitSlot(rebalanced, b, 0, f.length(), t + i * 100_000L));
        }
        // A pause of the gap: the next frame follows the bucket.
        long last = t + 20 * 100_000L;
        assertEquals(1 - first, d.transmitSlot(rebalanced, b, 0, f.length(), last + gap));
        assertEquals(1, d.flowlets().moves());
    }

    @Test
    void transmitSlotAllocatesNothingPerFrame() {
        MemberMap map = TestMaps.roundRobin(4);
        TestFrame tcp4 = TestFrame.tcp4(IP_A, IP_B, 40000, 5201);
        TestFrame tagged6 = ethernet(DST_MAC, SRC_MAC).tag(0x8100, 100).u16(0x86dd).ipv6(0, 1, 2, 3, 4)
                .extension(FrameView.PROTO_TCP, 0).tcp(50000, 443);
        TestFrame arp = ethernet(0xffff_ffff_ffffL, SRC_MAC).u16(0x0806).zeros(28);
        ByteBuffer[] frames = {tcp4.direct(10, 0), tagged6.direct(10, 0), arp.direct(10, 0)};
        int[] lengths = {tcp4.length(), tagged6.length(), arp.length()};
        Distributor[] distributors = new Distributor[LoadBalancingAlgorithm.values().length];
        for (LoadBalancingAlgorithm a : LoadBalancingAlgorithm.values()) {
            distributors[a.ordinal()] = a == LoadBalancingAlgorithm.DYNAMIC
                    ? new Distributor(a, FlowHash.DEFAULT_SEED, new FlowletTable(4096, 500_000))
                    : a == LoadBalancingAlgorithm.HYPERV_PORT
                    ? new Distributor(a, FlowHash.DEFAULT_SEED, null, new VirtualPortTable(4096, 300_000_000_000L))
                    : new Distributor(a);
        }
        long allocated = Allocation.ofSecondRound(100_000, i -> distributors[i % distributors.length]
                .transmitSlot(map, frames[i % 3], 10, lengths[i % 3], i * 1000L));
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 100,000 frames");
    }
}
