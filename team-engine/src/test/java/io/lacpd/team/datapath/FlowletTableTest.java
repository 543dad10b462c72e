package io.lacpd.team.datapath;

import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A flow stays on its member while it keeps sending; it follows its bucket after a pause of the gap. */
class FlowletTableTest {

    private static final long GAP = 500_000; // 500 us
    private static final long FLOW = 0x1234_5678_9abc_def0L;

    private final MemberMap map = TestMaps.roundRobin(3);
    private final FlowletTable table = new FlowletTable(64, GAP);

    @Test
    void aNewFlowTakesItsBucketsOwner() {
        assertEquals(2, table.slot(FLOW, 2, map, 0));
        assertEquals(0, table.moves());
    }

    @Test
    void aFlowSendingWithoutAPauseStaysAlthoughItsBucketMoved() {
        table.slot(FLOW, 0, map, 0);
        for (long t = 1; t <= 100; t++) {
            assertEquals(0, table.slot(FLOW, 1, map, t * (GAP - 1)));
        }
        assertEquals(0, table.moves());
    }

    @Test
    void aPauseOfTheGapLetsTheFlowFollowItsBucket() {
        table.slot(FLOW, 0, map, 1000);
        assertEquals(0, table.slot(FLOW, 1, map, 1000 + GAP - 1));
        assertEquals(1, table.slot(FLOW, 1, map, 1000 + GAP - 1 + GAP));
        assertEquals(1, table.moves());
        // Having moved, it stays on the new member.
        assertEquals(1, table.slot(FLOW, 1, map, 1000 + 3 * GAP));
        assertEquals(1, table.moves());
    }

    @Test
    void aPauseWithoutABucketChangeIsNoMove() {
        table.slot(FLOW, 2, map, 0);
        assertEquals(2, table.slot(FLOW, 2, map, 10 * GAP));
        assertEquals(0, table.moves());
    }

    @Test
    void aFlowWhoseMemberStopsTransmittingMovesAtOnce() {
        table.slot(FLOW, 1, map, 0);
        byte[] buckets = map.buckets();
        for (int b = 0; b < buckets.length; b++) {
            if (buckets[b] == 1) {
                buckets[b] = 0;
            }
        }
        MemberMap without1 = new MemberMap(2, List.of(TestMaps.member(0, true), TestMaps.member(1, false),
                TestMaps.member(2, true)), buckets);
        assertEquals(0, table.slot(FLOW, 0, without1, 1));
        assertEquals(1, table.failovers());
        assertEquals(0, table.moves());
    }

    @Test
    void noOwnerMeansNoSlot() {
        assertEquals(MemberMap.NONE, table.slot(FLOW, MemberMap.NONE, map, 0));
    }

    @Test
    void flowsKeepTheirOwnMembers() {
        for (long f = 1; f <= 32; f++) {
            table.slot(f << 32, (int) (f % 3), map, 0);
        }
        for (long f = 1; f <= 32; f++) {
            assertEquals(f % 3, table.slot(f << 32, 0, map, 10));
        }
        assertEquals(0, table.evictions());
    }

    /** Flows in one probe window: an idle one's entry is reused freely, a live one is evicted only when full. */
    @Test
    void aFullWindowReusesIdleEntriesFirstAndEvictsTheLongestIdleLiveFlowLast() {
        // Keys with the same high half share a probe window.
        for (int i = 0; i < FlowletTable.PROBES; i++) {
            table.slot(7L << 32 | i, 0, map, i);
        }
        // All live: a ninth flow evicts the longest idle (the first), which then starts afresh on its bucket.
        table.slot(7L << 32 | 100, 1, map, FlowletTable.PROBES);
        assertEquals(1, table.evictions());
        assertEquals(2, table.slot(7L << 32, 2, map, FlowletTable.PROBES + 1));
        assertEquals(2, table.evictions());

        // After a gap every entry is idle: new flows reuse them with no eviction.
        long later = FlowletTable.PROBES + 1 + GAP;
        for (int i = 200; i < 200 + FlowletTable.PROBES; i++) {
            table.slot(7L << 32 | i, 1, map, later);
        }
        assertEquals(2, table.evictions());
    }

    @Test
    void timeMayWrapAroundLongMaxValue() {
        long t = Long.MAX_VALUE - 10;
        table.slot(FLOW, 0, map, t);
        assertEquals(0, table.slot(FLOW, 1, map, t + 20));       // wrapped, 20 ns later: still live
        assertEquals(1, table.slot(FLOW, 1, map, t + 20 + GAP)); // then a gap
    }

    @Test
    void aHashOfZeroIsAFlowLikeAnyOther() {
        table.slot(0, 2, map, 0);
        assertEquals(2, table.slot(0, 0, map, 1));
    }

    @Test
    void capacityMustBeAPowerOfTwoAndTheGapPositive() {
        assertThrows(IllegalArgumentException.class, () -> new FlowletTable(100, GAP));
        assertThrows(IllegalArgumentException.class, () -> new FlowletTable(4, GAP));
        assertThrows(IllegalArgumentException.class, () -> new FlowletTable(64, 0));
        assertEquals(64, table.capacity());
        assertEquals(GAP, table.gapNanos());
    }
}
