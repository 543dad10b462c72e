package io.lacpd.team.balance;

import io.lacpd.team.member.MemberMap;

import java.util.Arrays;

/**
 * Assigns the {@value MemberMap#BUCKETS} hash buckets to the members that may transmit, sticky: a bucket
 * changes owner only when it must, so that a member coming or going moves as few flows as possible (teamd and
 * Open vSwitch keep buckets for this reason; {@code hash % n} would move nearly every flow).
 *
 * <ul>
 *   <li>A member that leaves gives up only its own buckets, spread over the rest, least loaded first.</li>
 *   <li>A member that joins takes buckets from the others, most loaded first; no other bucket moves.</li>
 *   <li>Every member ends within one bucket of its share, and the result depends on nothing but the
 *       previous table, the set of members and their weights.</li>
 * </ul>
 *
 * <p>A member's share is even, or with weights (the link speeds) in proportion to its weight: a 10 Gbit/s member
 * beside a 1 Gbit/s one takes 233 of the 256 buckets, not 128, where Windows NIC Teaming spreads evenly.
 */
public final class BucketTable {

    private BucketTable() {
    }

    /**
     * The next table.
     *
     * @param previous     {@value MemberMap#BUCKETS} owners (slots, or {@link MemberMap#NONE}); not modified
     * @param transmitting the slots that may transmit now: bit {@code s} set for slot {@code s}
     * @return a new table in which only those slots own buckets; all {@link MemberMap#NONE} when there are none
     */
    public static byte[] next(byte[] previous, int transmitting) {
        return next(previous, transmitting, null);
    }

    /**
     * The next table, each member's share of the buckets in proportion to its weight.
     *
     * @param previous     {@value MemberMap#BUCKETS} owners (slots, or {@link MemberMap#NONE}); not modified
     * @param transmitting the slots that may transmit now: bit {@code s} set for slot {@code s}
     * @param weights      by slot, each transmitting slot's weight (its link speed in Mbit/s); null, or any
     *                     transmitting slot's weight 0 (unknown), spreads evenly
     * @return a new table in which only those slots own buckets; all {@link MemberMap#NONE} when there are none
     */
    public static byte[] next(byte[] previous, int transmitting, int[] weights) {
        if (previous.length != MemberMap.BUCKETS) {
            throw new IllegalArgumentException("buckets: got " + previous.length + " (expected: " + MemberMap.BUCKETS + ")");
        }
        byte[] table = previous.clone();
        int n = Integer.bitCount(transmitting);
        if (n == 0) {
            Arrays.fill(table, (byte) MemberMap.NONE);
            return table;
        }
        int[] load = new int[MemberMap.MAX_MEMBERS];
        for (int b = 0; b < table.length; b++) {
            int owner = table[b];
            if (owner == MemberMap.NONE || (transmitting & (1 << owner)) == 0) {
                table[b] = (byte) MemberMap.NONE; // its owner left: free
            } else {
                load[owner]++;
            }
        }
        int[] quota = quotas(load, transmitting, n, weights);
        // Those above their share give up their highest buckets.
        for (int b = table.length - 1; b >= 0; b--) {
            int owner = table[b];
            if (owner != MemberMap.NONE && load[owner] > quota[owner]) {
                table[b] = (byte) MemberMap.NONE;
                load[owner]--;
            }
        }
        // Free buckets, lowest first, each to the least loaded member below its share (ties: the lowest slot).
        for (int b = 0; b < table.length; b++) {
            if (table[b] == MemberMap.NONE) {
                int to = leastLoaded(load, quota, transmitting);
                table[b] = (byte) to;
                load[to]++;
            }
        }
        return table;
    }

    /**
     * Each member's share: {@code BUCKETS * weight / total weight} rounded down, and one more for the members with
     * the largest remainders (ties: those that hold the most now, then the lowest slot), so that a balanced table
     * keeps every bucket it can. Even weights give {@code BUCKETS / n}, one more for the {@code BUCKETS % n}
     * members that hold the most.
     */
    private static int[] quotas(int[] load, int transmitting, int n, int[] weights) {
        long[] w = new long[MemberMap.MAX_MEMBERS];
        long total = 0;
        boolean weighted = weights != null;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if ((transmitting & (1 << s)) != 0) {
                w[s] = weights == null ? 1 : weights[s];
                weighted &= w[s] > 0;
                total += w[s];
            }
        }
        if (!weighted) {
            total = n;
            for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
                w[s] = (transmitting & (1 << s)) != 0 ? 1 : 0;
            }
        }
        int[] quota = new int[MemberMap.MAX_MEMBERS];
        long[] remainder = new long[MemberMap.MAX_MEMBERS];
        int given = 0;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if (w[s] > 0) {
                quota[s] = (int) (MemberMap.BUCKETS * w[s] / total);
                remainder[s] = MemberMap.BUCKETS * w[s] % total;
                given += quota[s];
            }
        }
        boolean[] extra = new boolean[MemberMap.MAX_MEMBERS];
        for (int i = given; i < MemberMap.BUCKETS; i++) {
            int best = -1;
            for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
                if (w[s] > 0 && !extra[s] && (best < 0 || remainder[s] > remainder[best]
                        || remainder[s] == remainder[best] && load[s] > load[best])) {
                    best = s;
                }
            }
            extra[best] = true;
            quota[best]++;
        }
        return quota;
    }

    private static int leastLoaded(int[] load, int[] quota, int transmitting) {
        int best = -1;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if ((transmitting & (1 << s)) != 0 && load[s] < quota[s] && (best < 0 || load[s] < load[best])) {
                best = s;
            }
        }
        return best;
    }

    /** The bit set of these slots, for {@link #next}. */
    public static int slots(int... slots) {
        int mask = 0;
        for (int s : slots) {
            if (s < 0 || s >= MemberMap.MAX_MEMBERS) {
                throw new IllegalArgumentException("slot " + s + " out of range (expected: 0.."
                        + (MemberMap.MAX_MEMBERS - 1) + ")");
            }
            mask |= 1 << s;
        }
        return mask;
    }
}
