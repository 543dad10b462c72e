package io.lacpd.team.datapath;

import io.lacpd.team.member.MemberMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bytes offered to each of the {@value MemberMap#BUCKETS} buckets since the start: written by the transmitting
 * thread for every frame, read by the control side for {@code dynamic}'s rebalancing. Counters only grow; the
 * reader takes differences. One writer: a plain read and an opaque write, which a reader on another thread sees
 * whole (no torn long); no lock, no allocation.
 */
public final class BucketBytes {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] bytes = new long[MemberMap.BUCKETS];

    /** Counts {@code length} octets on {@code bucket}; the writing thread only. */
    public void add(int bucket, int length) {
        LONGS.setOpaque(bytes, bucket, bytes[bucket] + length);
    }

    /** Copies every bucket's count into {@code into} ({@value MemberMap#BUCKETS} long); any thread. */
    public void read(long[] into) {
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            into[b] = (long) LONGS.getOpaque(bytes, b);
        }
    }
}
