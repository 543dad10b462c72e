package io.lacpd.team.balance;

import io.lacpd.team.member.MemberMap;

import java.util.Arrays;

/**
 * {@code dynamic}'s periodic rebalancing by load: from the bytes each bucket carried, moves the buckets of the
 * most loaded member (load relative to its weight) to the least loaded, one at a time, each only when it is a
 * real improvement. The flows of a moved bucket follow at their next flowlet boundary (the data path's flowlet
 * table), so a move never reorders a flow.
 *
 * <ul>
 *   <li>Each round adds the bytes since the last round to a per-bucket load that is halved first, as Open vSwitch
 *       does: a bucket that falls silent fades within a few rounds, a steady one converges on twice its bytes per
 *       round.</li>
 *   <li>Hysteresis: a move is made only when it lowers the busier of the two members' relative loads by at least
 *       {@link #IMPROVEMENT} of the most loaded member's, so two members never trade a flow back and forth.</li>
 *   <li>At most {@link #MOVES_PER_ROUND} moves a round: a large imbalance settles over a few rounds, and each round
 *       sees the effect of the last.</li>
 *   <li>Rounds closer together than the interval are refused (the table comes back unchanged), so a caller that
 *       fires early does not halve the loads early.</li>
 * </ul>
 *
 * <p>Pure: {@code now} and the byte counts are given, the next table returned; one instance per team, called from
 * one thread.
 */
public final class Rebalancer {

    /** The share of the most loaded member's relative load a move must save. */
    public static final double IMPROVEMENT = 0.10;
    /** Bucket moves per round at most. */
    public static final int MOVES_PER_ROUND = 8;

    private final long intervalNanos;
    private final double[] load = new double[MemberMap.BUCKETS];
    private final long[] lastBytes = new long[MemberMap.BUCKETS];
    private boolean started;
    private long lastRound;
    private long moves;

    /** @param intervalNanos the shortest time between two rounds */
    public Rebalancer(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("intervalNanos: got " + intervalNanos + " (expected: > 0)");
        }
        this.intervalNanos = intervalNanos;
    }

    /**
     * One round: the next table, or {@code buckets} itself when nothing moves (or it is too early).
     *
     * @param now          monotonic nanoseconds
     * @param buckets      the table in force; not modified
     * @param bytes        by bucket, the bytes sent since the start (counters that only grow); not modified
     * @param transmitting the slots that may transmit: bit {@code s} for slot {@code s}
     * @param weights      by slot, the weights the table was spread by (link speeds); null or a 0 among the
     *                     transmitting slots for even weights
     */
    public byte[] next(long now, byte[] buckets, long[] bytes, int transmitting, int[] weights) {
        if (started && now - lastRound < intervalNanos) {
            return buckets;
        }
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            long delta = started ? bytes[b] - lastBytes[b] : 0;
            load[b] = load[b] / 2 + Math.max(0, delta);
            lastBytes[b] = bytes[b];
        }
        started = true;
        lastRound = now;
        double[] weight = weights(transmitting, weights);
        double[] memberLoad = new double[MemberMap.MAX_MEMBERS];
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            if (buckets[b] != MemberMap.NONE) {
                memberLoad[buckets[b]] += load[b];
            }
        }
        byte[] table = null;
        for (int m = 0; m < MOVES_PER_ROUND; m++) {
            byte[] current = table == null ? buckets : table;
            int from = -1;
            int to = -1;
            for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
                if (weight[s] > 0) {
                    double rel = memberLoad[s] / weight[s];
                    if (from < 0 || rel > memberLoad[from] / weight[from]) {
                        from = s;
                    }
                    if (to < 0 || rel < memberLoad[to] / weight[to]) {
                        to = s;
                    }
                }
            }
            if (from < 0 || from == to) {
                break;
            }
            double worst = memberLoad[from] / weight[from];
            int best = -1;
            double bestPeak = worst * (1 - IMPROVEMENT);
            for (int b = 0; b < MemberMap.BUCKETS; b++) {
                if (current[b] == from && load[b] > 0) {
                    double peak = Math.max((memberLoad[from] - load[b]) / weight[from],
                            (memberLoad[to] + load[b]) / weight[to]);
                    if (peak <= bestPeak) {
                        bestPeak = peak;
                        best = b;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            if (table == null) {
                table = buckets.clone();
            }
            table[best] = (byte) to;
            memberLoad[from] -= load[best];
            memberLoad[to] += load[best];
            moves++;
        }
        return table == null ? buckets : table;
    }

    private static double[] weights(int transmitting, int[] weights) {
        double[] w = new double[MemberMap.MAX_MEMBERS];
        boolean known = weights != null;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if ((transmitting & (1 << s)) != 0) {
                w[s] = weights == null ? 1 : weights[s];
                known &= w[s] > 0;
            }
        }
        if (!known) {
            for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
                w[s] = (transmitting & (1 << s)) != 0 ? 1 : 0;
            }
        }
        return w;
    }

    /** Bucket moves made so far. */
    public long moves() {
        return moves;
    }

    /** The decayed load of each bucket as of the last round, in bytes. */
    public double[] loads() {
        return Arrays.copyOf(load, load.length);
    }
}
