package io.lacpd.team.datapath;

import io.lacpd.team.member.MemberMap;

/**
 * {@code hyperv-port}'s binding of virtual ports to members: each source MAC behind the team (a VM or a container
 * on a bridge over the team interface) is bound to one member, and its frames leave there with their own source
 * MAC. A new MAC goes to the member with the fewest ports for its share of the buckets (the buckets are spread by
 * link speed, so a faster member takes more ports); a MAC stays on its member until that member may no longer
 * transmit, and only then moves, to the least loaded member at that moment, so a member's failure moves only its
 * own ports. A member that joins takes new ports; bound ones stay where they are, so their inbound path (the
 * switch's forwarding table) does not change.
 *
 * <p>Bounded: fixed-size open addressing over primitive arrays keyed by the MAC, at most {@value #PROBES} entries
 * examined per frame. Eviction: a port not seen for {@link #ageingNanos()} is forgotten (Linux bridges age their
 * forwarding entries after 300 s); every lookup also ages one entry of a sweep round the table, so the per-member
 * counts forget ports that went away. Only when all {@value #PROBES} entries of a new MAC's window hold live ports
 * is the least recently seen of them evicted (counted: that port may be bound again elsewhere). No allocation, no
 * clock: {@code now} is given. One table per transmitting thread, not thread-safe.
 */
public final class VirtualPortTable {

    /** Entries examined per lookup. */
    public static final int PROBES = 8;
    /** The ageing time of a team that sets none: a Linux bridge's. */
    public static final long DEFAULT_AGEING_NANOS = 300_000_000_000L;

    private static final long EMPTY = 0;
    /** Above a MAC's 48 bits: no key is {@link #EMPTY}, not even the zero MAC's. */
    private static final long PRESENT = 1L << 48;

    private final long ageingNanos;
    private final int mask;
    private final long[] keys;
    private final long[] lastSeen;
    private final byte[] slots;
    private final int[] ports = new int[MemberMap.MAX_MEMBERS];
    private int sweep;
    private long moves;
    private long evictions;
    private long aged;

    /**
     * @param capacity    virtual ports tracked at most, a power of two, at least {@value #PROBES}
     * @param ageingNanos how long a port unseen stays bound
     */
    public VirtualPortTable(int capacity, long ageingNanos) {
        if (capacity < PROBES || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: got " + capacity + " (expected: a power of two >= "
                    + PROBES + ")");
        }
        if (ageingNanos <= 0) {
            throw new IllegalArgumentException("ageingNanos: got " + ageingNanos + " (expected: > 0)");
        }
        this.ageingNanos = ageingNanos;
        this.mask = capacity - 1;
        this.keys = new long[capacity];
        this.lastSeen = new long[capacity];
        this.slots = new byte[capacity];
    }

    /**
     * The slot a frame from this source MAC leaves on, and records that the port was seen at {@code now}.
     *
     * @param sourceMac the frame's source MAC, 48 bits
     * @param map       the member map in force
     * @return the port's member, or {@link MemberMap#NONE} when no member may transmit
     */
    public int slot(long sourceMac, MemberMap map, long now) {
        if (map.transmitting() == 0) {
            return MemberMap.NONE;
        }
        age(now);
        long key = sourceMac & 0xFFFF_FFFF_FFFFL | PRESENT;
        int start = spread(key);
        int free = -1;
        int oldest = -1;
        for (int i = 0; i < PROBES; i++) {
            int idx = (start + i) & mask;
            long k = keys[idx];
            if (k == key) {
                lastSeen[idx] = now;
                int bound = slots[idx];
                if (map.mayTransmit(bound)) {
                    return bound;
                }
                ports[bound]--;
                moves++;
                return bind(idx, map);
            }
            if (k == EMPTY) {
                if (free < 0) {
                    free = idx;
                }
            } else if (oldest < 0 || lastSeen[idx] - lastSeen[oldest] < 0) {
                oldest = idx;
            }
        }
        if (free < 0) {
            free = oldest;
            ports[slots[free]]--;
            if (now - lastSeen[free] >= ageingNanos) {
                aged++;
            } else {
                evictions++;
            }
        }
        keys[free] = key;
        lastSeen[free] = now;
        return bind(free, map);
    }

    /** Binds entry {@code idx} to the member with the fewest ports per bucket it owns (ties: the lowest slot). */
    private int bind(int idx, MemberMap map) {
        int best = MemberMap.NONE;
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            int share = map.bucketsOf(s);
            if (share > 0 && map.mayTransmit(s)
                    && (best == MemberMap.NONE || (long) ports[s] * map.bucketsOf(best) < (long) ports[best] * share)) {
                best = s;
            }
        }
        if (best == MemberMap.NONE) { // transmitting members own buckets; a map without is none of ours
            best = firstTransmitting(map);
        }
        slots[idx] = (byte) best;
        ports[best]++;
        return best;
    }

    private static int firstTransmitting(MemberMap map) {
        for (int s = 0; s < MemberMap.MAX_MEMBERS; s++) {
            if (map.mayTransmit(s)) {
                return s;
            }
        }
        return MemberMap.NONE;
    }

    /**
     * Ages one entry of the sweep. Lookups examine the whole window, not up to the first empty entry, so an entry
     * emptied in the middle of a window hides no other port.
     */
    private void age(long now) {
        int idx = sweep;
        sweep = (sweep + 1) & mask;
        if (keys[idx] != EMPTY && now - lastSeen[idx] >= ageingNanos) {
            keys[idx] = EMPTY;
            ports[slots[idx]]--;
            aged++;
        }
    }

    private static int spread(long key) {
        long h = key * 0x9e37_79b9_7f4a_7c15L;
        return (int) (h >>> 40);
    }

    /** How long a port unseen stays bound. */
    public long ageingNanos() {
        return ageingNanos;
    }

    /** Ports tracked at most. */
    public int capacity() {
        return keys.length;
    }

    /** The ports bound to this slot now (aged ones are counted until the sweep reaches them). */
    public int portsOf(int slot) {
        return ports[slot];
    }

    /** Ports moved because their member stopped transmitting. */
    public long moves() {
        return moves;
    }

    /** Live ports forgotten for lack of room in their probe window. */
    public long evictions() {
        return evictions;
    }

    /** Ports forgotten after the ageing time. */
    public long aged() {
        return aged;
    }
}
