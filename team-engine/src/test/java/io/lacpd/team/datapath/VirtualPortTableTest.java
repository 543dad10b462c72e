package io.lacpd.team.datapath;

import io.lacpd.team.balance.BucketTable;
import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hyperv-port in virtual time: each source MAC on one member, spread by count, moved only by its member's failure. */
class VirtualPortTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long AGEING = 300 * SECOND;

    private final VirtualPortTable table = new VirtualPortTable(1024, AGEING);

    /** Slots 0..n-1; those in {@code transmitting} transmit, buckets spread over them by {@code weights}. */
    private static MemberMap map(int n, int transmitting, int[] weights, MemberMap previous) {
        List<Member> members = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            members.add(TestMaps.member(s, (transmitting & (1 << s)) != 0));
        }
        return new MemberMap(previous.version() + 1, members,
                BucketTable.next(previous.buckets(), transmitting, weights));
    }

    private static long mac(int i) {
        return 0x5254_0000_0000L + i;
    }

    private Map<Integer, Integer> send(MemberMap map, int macs, long now) {
        Map<Integer, Integer> where = new HashMap<>();
        for (int i = 0; i < macs; i++) {
            where.put(i, table.slot(mac(i), map, now));
        }
        return where;
    }

    private static int count(Map<Integer, Integer> where, int slot) {
        return (int) where.values().stream().filter(s -> s == slot).count();
    }

    @Test
    void portsAreSpreadByCountAndEachStaysOnItsMember() {
        MemberMap two = map(2, BucketTable.slots(0, 1), null, MemberMap.EMPTY);
        Map<Integer, Integer> first = send(two, 64, 0);
        assertEquals(32, count(first, 0));
        assertEquals(32, count(first, 1));
        for (int round = 1; round <= 10; round++) {
            assertEquals(first, send(two, 64, round * SECOND), "round " + round);
        }
        assertEquals(32, table.portsOf(0));
        assertEquals(0, table.moves());
    }

    @Test
    void threeVirtualPortsOnTwoMembersSplitTwoAndOneWhereAHashCouldPutAllThreeOnOne() {
        MemberMap two = map(2, BucketTable.slots(0, 1), null, MemberMap.EMPTY);
        Map<Integer, Integer> where = send(two, 3, 0);
        assertEquals(2, count(where, 0));
        assertEquals(1, count(where, 1));
    }

    @Test
    void aMembersFailureMovesOnlyItsPortsOverTheOthersAndItsReturnMovesNone() {
        int all = BucketTable.slots(0, 1, 2);
        MemberMap three = map(3, all, null, MemberMap.EMPTY);
        Map<Integer, Integer> before = send(three, 90, 0);
        MemberMap withoutOne = map(3, BucketTable.slots(0, 2), null, three);
        Map<Integer, Integer> after = send(withoutOne, 90, SECOND);
        for (int i = 0; i < 90; i++) {
            if (before.get(i) != 1) {
                assertEquals(before.get(i), after.get(i), "port " + i + " was not on the failed member");
            } else {
                assertNotEquals(1, after.get(i));
            }
        }
        assertEquals(30, table.moves());
        assertEquals(45, count(after, 0));
        assertEquals(45, count(after, 2));
        MemberMap back = map(3, all, null, withoutOne);
        assertEquals(after, send(back, 90, 2 * SECOND), "bound ports stay where they are");
        Map<Integer, Integer> more = send(back, 120, 3 * SECOND);
        assertEquals(30, count(more, 1), "new ports go to the member that came back until it holds its share");
    }

    @Test
    void aFasterMemberTakesMorePortsInProportionToItsBuckets() {
        int[] weights = new int[MemberMap.MAX_MEMBERS];
        weights[0] = 3000;
        weights[1] = 1000;
        MemberMap map = map(2, BucketTable.slots(0, 1), weights, MemberMap.EMPTY);
        Map<Integer, Integer> where = send(map, 100, 0);
        assertEquals(75, count(where, 0), 1.0);
    }

    @Test
    void aPortUnseenForTheAgeingTimeIsForgottenAndItsCountWithIt() {
        MemberMap two = map(2, BucketTable.slots(0, 1), null, MemberMap.EMPTY);
        send(two, 10, 0);
        assertEquals(5, table.portsOf(0));
        for (int i = 0; i < table.capacity(); i++) { // one other port keeps sending: the sweep goes round
            table.slot(mac(1000), two, AGEING + i);
        }
        assertEquals(10, table.aged());
        assertEquals(1, table.portsOf(0) + table.portsOf(1), "only the port still sending");
    }

    @Test
    void moreMacsThanTheTableHoldsEvictTheLeastRecentlySeenAndNothingGrows() {
        VirtualPortTable small = new VirtualPortTable(64, AGEING);
        MemberMap two = map(2, BucketTable.slots(0, 1), null, MemberMap.EMPTY);
        for (int i = 0; i < 10_000; i++) {
            int slot = small.slot(mac(i), two, i);
            assertTrue(slot == 0 || slot == 1);
        }
        assertTrue(small.evictions() > 9_000, "evicted " + small.evictions());
        assertTrue(small.portsOf(0) + small.portsOf(1) <= 64);
        assertTrue(Math.abs(small.portsOf(0) - small.portsOf(1)) <= 16, small.portsOf(0) + " " + small.portsOf(1));
    }

    @Test
    void noMemberTransmittingSendsNowhere() {
        assertEquals(MemberMap.NONE, table.slot(mac(1), MemberMap.EMPTY, 0));
    }

    @Test
    void theDistributorBindsEachSourceMacAndSendsItsFramesUnchanged() {
        MemberMap two = map(2, BucketTable.slots(0, 1), null, MemberMap.EMPTY);
        Distributor d = new Distributor(LoadBalancingAlgorithm.HYPERV_PORT, FlowHash.DEFAULT_SEED, null, table);
        assertTrue(d.clocked());
        int[] seen = new int[2];
        for (int vm = 0; vm < 4; vm++) {
            int first = -1;
            for (int port = 1; port < 50; port++) {
                TestFrame f = TestFrame.ethernet(TestFrame.DST_MAC, mac(vm)).u16(FrameView.ETHERTYPE_IPV4)
                        .ipv4(FrameView.PROTO_UDP, 0x0a000001L + vm, 0x0a000002L, 0).udp(port, 53);
                ByteBuffer buffer = f.heap();
                byte[] before = buffer.array().clone();
                int slot = d.transmitSlot(two, buffer, 0, f.length(), port);
                if (first < 0) {
                    first = slot;
                    seen[slot]++;
                }
                assertEquals(first, slot, "vm " + vm);
                assertArrayEquals(before, buffer.array(), "the source MAC is not rewritten");
            }
        }
        assertEquals(2, seen[0]);
        assertEquals(2, seen[1]);
    }
}
