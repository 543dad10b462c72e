package io.lacpd.team.balance;

import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Buckets spread by link speed: shares in proportion to the weights, moves as few as even spreading makes. */
class WeightedBucketsTest {

    private static final byte[] EMPTY = MemberMap.EMPTY.buckets();

    private static int[] weights(int... bySlot) {
        int[] w = new int[MemberMap.MAX_MEMBERS];
        System.arraycopy(bySlot, 0, w, 0, bySlot.length);
        return w;
    }

    private static int count(byte[] table, int slot) {
        int n = 0;
        for (byte b : table) {
            n += b == slot ? 1 : 0;
        }
        return n;
    }

    @Test
    void aTenGigabitMemberBesideAOneGigabitOneTakesTenEleventhsOfTheBuckets() {
        byte[] t = BucketTable.next(EMPTY, BucketTable.slots(0, 1), weights(10_000, 1_000));
        assertEquals(233, count(t, 0));
        assertEquals(23, count(t, 1));
    }

    @Test
    void threeSpeedsShareInProportionWithinOneBucket() {
        byte[] t = BucketTable.next(EMPTY, BucketTable.slots(0, 1, 2), weights(25_000, 10_000, 1_000));
        double total = 36_000;
        int[] speeds = {25_000, 10_000, 1_000};
        for (int s = 0; s < 3; s++) {
            double ideal = 256 * speeds[s] / total;
            assertEquals(ideal, count(t, s), 1.0, "slot " + s);
        }
        assertEquals(256, count(t, 0) + count(t, 1) + count(t, 2));
    }

    @Test
    void equalOrUnknownSpeedsSpreadEvenlyAsWithoutWeights() {
        int slots = BucketTable.slots(0, 1, 2);
        byte[] even = BucketTable.next(EMPTY, slots);
        assertArrayEquals(even, BucketTable.next(EMPTY, slots, weights(1000, 1000, 1000)));
        assertArrayEquals(even, BucketTable.next(EMPTY, slots, weights(10_000, 0, 1000)), "one unknown: even");
    }

    @Test
    void aSpeedChangeMovesOnlyTheBucketsTheNewSharesNeed() {
        int slots = BucketTable.slots(0, 1);
        byte[] even = BucketTable.next(EMPTY, slots, weights(1000, 1000));
        byte[] weighted = BucketTable.next(even, slots, weights(3000, 1000));
        assertEquals(192, count(weighted, 0));
        int moved = 0;
        for (int b = 0; b < 256; b++) {
            if (even[b] != weighted[b]) {
                moved++;
                assertEquals(0, weighted[b], "only towards the faster member");
            }
        }
        assertEquals(64, moved);
    }

    @Test
    void aWeightedMemberLeavingMovesOnlyItsOwnBuckets() {
        byte[] three = BucketTable.next(EMPTY, BucketTable.slots(0, 1, 2), weights(10_000, 10_000, 1_000));
        byte[] two = BucketTable.next(three, BucketTable.slots(0, 1), weights(10_000, 10_000, 1_000));
        for (int b = 0; b < 256; b++) {
            if (three[b] != 2) {
                assertEquals(three[b], two[b], "bucket " + b + " kept its owner");
            }
        }
        assertEquals(128, count(two, 0));
    }
}
