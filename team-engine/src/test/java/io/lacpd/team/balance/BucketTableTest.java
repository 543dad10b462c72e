package io.lacpd.team.balance;

import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketTableTest {

    private static final byte[] EMPTY = MemberMap.EMPTY.buckets();

    private static int[] loads(byte[] table) {
        int[] load = new int[MemberMap.MAX_MEMBERS];
        for (byte b : table) {
            if (b != MemberMap.NONE) {
                load[b]++;
            }
        }
        return load;
    }

    /** Only these slots own buckets, every bucket has an owner, and no two owners differ by more than one. */
    private static void assertBalanced(byte[] table, int slots) {
        int[] load = loads(table);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if ((slots & (1 << s)) != 0) {
                min = Math.min(min, load[s]);
                max = Math.max(max, load[s]);
            } else {
                assertEquals(0, load[s], "slot " + s + " is not transmitting but owns buckets");
            }
        }
        assertTrue(max - min <= 1, "loads " + Arrays.toString(load));
        for (byte b : table) {
            assertTrue(b != MemberMap.NONE && (slots & (1 << b)) != 0, "bucket owned by " + b);
        }
    }

    private static int moved(byte[] before, byte[] after) {
        int n = 0;
        for (int b = 0; b < before.length; b++) {
            if (before[b] != after[b]) {
                n++;
            }
        }
        return n;
    }

    /**
     * The fewest buckets any balanced table could move: those of members that left, plus what the remaining
     * members hold above the most a balanced table lets them keep.
     */
    private static int leastMoves(byte[] before, int slots) {
        int n = Integer.bitCount(slots);
        int[] load = loads(before);
        int freed = 0;
        int[] kept = new int[MemberMap.MAX_MEMBERS];
        for (int b = 0; b < before.length; b++) {
            if (before[b] == MemberMap.NONE || (slots & (1 << before[b])) == 0) {
                freed++;
            }
        }
        int base = MemberMap.BUCKETS / n;
        int extra = MemberMap.BUCKETS % n;
        // The members holding the most keep base + 1 each, while the extra buckets last.
        Integer[] order = new Integer[MemberMap.MAX_MEMBERS];
        for (int s = 0; s < order.length; s++) {
            order[s] = s;
        }
        Arrays.sort(order, (x, y) -> load[y] - load[x]);
        int excess = 0;
        for (int s : order) {
            if ((slots & (1 << s)) != 0) {
                int share = base + (extra-- > 0 ? 1 : 0);
                kept[s] = Math.min(load[s], share);
                excess += load[s] - kept[s];
            }
        }
        return freed + excess;
    }

    @Test
    void noMemberMeansNoOwner() {
        assertArrayEquals(EMPTY, BucketTable.next(BucketTable.next(EMPTY, BucketTable.slots(0, 1)), 0));
    }

    @Test
    void aFirstTableInterleavesTheMembers() {
        byte[] t = BucketTable.next(EMPTY, BucketTable.slots(0, 3, 7));
        assertEquals(0, t[0]);
        assertEquals(3, t[1]);
        assertEquals(7, t[2]);
        assertEquals(0, t[3]);
        assertBalanced(t, BucketTable.slots(0, 3, 7));
    }

    @Test
    void everyTeamSizeFromOneTo32IsBalanced() {
        for (int n = 1; n <= MemberMap.MAX_MEMBERS; n++) {
            int slots = n == 32 ? -1 : (1 << n) - 1;
            assertBalanced(BucketTable.next(EMPTY, slots), slots);
        }
    }

    @Test
    void aMemberThatLeavesMovesOnlyItsOwnBucketsSpreadEvenly() {
        int four = BucketTable.slots(0, 1, 2, 3);
        byte[] before = BucketTable.next(EMPTY, four);
        byte[] after = BucketTable.next(before, BucketTable.slots(0, 1, 3));
        int[] gained = new int[MemberMap.MAX_MEMBERS];
        for (int b = 0; b < before.length; b++) {
            if (before[b] != 2) {
                assertEquals(before[b], after[b], "bucket " + b + " moved, but its owner stayed");
            } else {
                gained[after[b]]++;
            }
        }
        assertEquals(64, gained[0] + gained[1] + gained[3]);
        assertTrue(Math.abs(gained[0] - gained[1]) <= 1 && Math.abs(gained[1] - gained[3]) <= 1, Arrays.toString(gained));
        assertBalanced(after, BucketTable.slots(0, 1, 3));
    }

    @Test
    void aMemberThatJoinsTakesOnlyWhatItNeedsFromTheMostLoaded() {
        byte[] three = BucketTable.next(EMPTY, BucketTable.slots(0, 1, 2)); // 86, 85, 85
        byte[] four = BucketTable.next(three, BucketTable.slots(0, 1, 2, 5));
        assertEquals(64, moved(three, four));
        for (int b = 0; b < three.length; b++) {
            assertTrue(four[b] == three[b] || four[b] == 5, "bucket " + b + " moved between members that stayed");
        }
        int[] load = loads(four);
        assertEquals(64, load[5]);
        assertBalanced(four, BucketTable.slots(0, 1, 2, 5));
    }

    @Test
    void aTableIsKeptWhenTheMembersStayAndTheSameInputGivesTheSameTable() {
        byte[] t = BucketTable.next(EMPTY, BucketTable.slots(1, 2, 9));
        assertArrayEquals(t, BucketTable.next(t, BucketTable.slots(1, 2, 9)));
        byte[] u = BucketTable.next(t, BucketTable.slots(2, 9, 30));
        assertArrayEquals(u, BucketTable.next(t.clone(), BucketTable.slots(2, 9, 30)));
    }

    @Test
    void leaveAndComeBackRestoresBalanceWithTheLeastMoves() {
        int all = BucketTable.slots(0, 1);
        byte[] t = BucketTable.next(EMPTY, all);
        byte[] alone = BucketTable.next(t, BucketTable.slots(0));
        assertEquals(128, moved(t, alone));
        byte[] back = BucketTable.next(alone, all);
        assertEquals(128, moved(alone, back));
        assertBalanced(back, all);
    }

    @Test
    void randomJoinAndLeaveSequencesStayBalancedAndMoveNoMoreThanTheyMust() {
        Random rnd = new Random(0xB0C);
        for (int run = 0; run < 200; run++) {
            byte[] table = EMPTY;
            int slots = 0;
            for (int step = 0; step < 60; step++) {
                int next;
                switch (rnd.nextInt(4)) {
                    case 0 -> next = slots ^ (1 << rnd.nextInt(MemberMap.MAX_MEMBERS)); // one joins or leaves
                    case 1 -> next = slots & ~(1 << rnd.nextInt(MemberMap.MAX_MEMBERS));
                    case 2 -> next = slots | (1 << rnd.nextInt(MemberMap.MAX_MEMBERS));
                    default -> next = rnd.nextInt(); // many at once
                }
                byte[] after = BucketTable.next(table, next);
                if (next == 0) {
                    assertArrayEquals(EMPTY, after);
                } else {
                    assertBalanced(after, next);
                    assertEquals(leastMoves(table, next), moved(table, after), "run " + run + " step " + step);
                    for (int b = 0; b < table.length; b++) {
                        int owner = table[b];
                        boolean stays = owner != MemberMap.NONE && (next & (1 << owner)) != 0;
                        if (stays && after[b] != owner) {
                            // A bucket leaves a member that stays only when that member had more than its share.
                            assertTrue(loads(table)[owner] > loads(after)[owner], "bucket " + b + " left " + owner);
                        }
                    }
                }
                assertArrayEquals(after, BucketTable.next(table, next), "deterministic");
                table = after;
                slots = next;
            }
        }
    }
}
