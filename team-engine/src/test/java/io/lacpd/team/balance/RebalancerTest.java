package io.lacpd.team.balance;

import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The periodic rebalancing, in virtual time: loads from byte counters, hysteresis, decay. */
class RebalancerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int TWO = BucketTable.slots(0, 1);

    private static int owner0Load(byte[] table, long[] rate) {
        long n = 0;
        for (int b = 0; b < 256; b++) {
            n += table[b] == 0 ? rate[b] : 0;
        }
        return (int) n;
    }

    /** Runs rounds a second apart, each bucket sending {@code rate[b]} bytes a second; the table after them. */
    private static byte[] run(Rebalancer r, byte[] table, long[] rate, int rounds, int[] weights) {
        long[] bytes = new long[256];
        for (int i = 0; i <= rounds; i++) {
            table = r.next(i * SECOND, table, bytes, TWO, weights);
            for (int b = 0; b < 256; b++) {
                bytes[b] += rate[b];
            }
        }
        return table;
    }

    @Test
    void fourFlowsOnOneMemberEndTwoAndTwoWithinThreeRoundsAndStayThere() {
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO); // even buckets on slot 0
        long[] rate = new long[256];
        for (int b : new int[]{10, 20, 30, 40}) {
            rate[b] = 100_000_000;
        }
        Rebalancer r = new Rebalancer(SECOND);
        byte[] after = run(r, table, rate, 3, null);
        assertEquals(200_000_000, owner0Load(after, rate));
        assertEquals(2, r.moves());
        byte[] later = run(r, after, rate, 20, null);
        assertArrayEquals(after, later, "balanced: nothing moves any more");
        assertEquals(2, r.moves());
    }

    @Test
    void oneBigFlowIsNotTradedBackAndForth() {
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO);
        long[] rate = new long[256];
        rate[4] = 900_000_000; // slot 0
        rate[7] = 100_000_000; // slot 1
        Rebalancer r = new Rebalancer(SECOND);
        assertArrayEquals(table, run(r, table, rate, 10, null), "moving it would only make slot 1 the busier");
        assertEquals(0, r.moves());
    }

    @Test
    void aMoveSavingLessThanTenPercentIsNotMade() {
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO);
        long[] rate = new long[256];
        rate[0] = 500;
        rate[2] = 55; // slot 0: 555
        rate[1] = 500; // slot 1: 500; moving the 55 would leave 500 and 555: no better
        Rebalancer r = new Rebalancer(SECOND);
        assertArrayEquals(table, run(r, table, rate, 5, null));
    }

    @Test
    void loadsFollowWeights() {
        int[] weights = new int[MemberMap.MAX_MEMBERS];
        weights[0] = 3000;
        weights[1] = 1000;
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO, weights);
        long[] rate = new long[256];
        int onOne = 0;
        for (int b = 0; b < 256; b++) {
            if (table[b] == 1 && onOne < 4) {
                rate[b] = 1_000_000; // four flows on the slow member, none on the fast
                onOne++;
            }
        }
        byte[] after = run(new Rebalancer(SECOND), table, rate, 5, weights);
        assertEquals(3_000_000, owner0Load(after, rate), "three of the four on the member three times as fast");
    }

    @Test
    void aRoundBeforeTheIntervalChangesNothingAndAQuietBucketFades() {
        Rebalancer r = new Rebalancer(SECOND);
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO);
        long[] bytes = new long[256];
        assertSame(table, r.next(0, table, bytes, TWO, null));
        bytes[0] = 1000;
        assertSame(table, r.next(SECOND / 2, table, bytes, TWO, null), "too early");
        assertEquals(0, r.loads()[0]);
        r.next(SECOND, table, bytes, TWO, null);
        assertEquals(1000, r.loads()[0]);
        r.next(2 * SECOND, table, bytes, TWO, null);
        r.next(3 * SECOND, table, bytes, TWO, null);
        assertEquals(250, r.loads()[0], "halved each round");
    }

    @Test
    void aMoveReturnsANewTableAndLeavesTheOldOne() {
        byte[] table = BucketTable.next(MemberMap.EMPTY.buckets(), TWO);
        byte[] copy = table.clone();
        long[] bytes = new long[256];
        Rebalancer r = new Rebalancer(SECOND);
        r.next(0, table, bytes, TWO, null);
        bytes[0] = 1000;
        bytes[2] = 1000;
        byte[] next = r.next(SECOND, table, bytes, TWO, null);
        assertNotSame(table, next);
        assertArrayEquals(copy, table);
        assertEquals(1, (next[0] == 1 ? 1 : 0) + (next[2] == 1 ? 1 : 0), "one of the two buckets moved");
    }
}
