package io.lacpd.team.member;

import java.util.Arrays;
import java.util.List;

/**
 * What the data path reads for every frame: which members may transmit and receive, which member owns
 * each of the {@value #BUCKETS} hash buckets, and (switch-independent) the primary member. Immutable; the
 * control thread publishes a new one through one atomic reference and the data threads read it without locks.
 * Lookups allocate nothing.
 */
public final class MemberMap {

    /** Hash buckets: a member's departure moves only its own buckets. */
    public static final int BUCKETS = 256;
    /** Members per team at most, as in Windows NIC Teaming. */
    public static final int MAX_MEMBERS = 32;
    /** {@link #bucketOwner} of a bucket no member owns: the team cannot transmit. */
    public static final int NONE = -1;

    /** The map of a team with no member that may transmit or receive. */
    public static final MemberMap EMPTY = new MemberMap(0, List.of(), emptyBuckets());

    private final long version;
    private final List<Member> members;
    private final Member[] bySlot = new Member[MAX_MEMBERS];
    private final byte[] buckets;
    private final int transmitting;
    private final int primary;
    /** The members' own MACs as 48 bits, zero (unknown) ones left out: scanned per received frame. */
    private final long[] memberMacs;
    private final int[] bucketCounts = new int[MAX_MEMBERS];

    /**
     * @param version  increases with each map a team publishes
     * @param members  the team's members, each in its own slot
     * @param buckets  {@value #BUCKETS} entries: the slot owning each bucket, or {@link #NONE}; every owner must
     *                 be a member that may transmit
     */
    public MemberMap(long version, List<Member> members, byte[] buckets) {
        this(version, members, buckets, NONE);
    }

    /**
     * @param version  increases with each map a team publishes
     * @param members  the team's members, each in its own slot
     * @param buckets  {@value #BUCKETS} entries: the slot owning each bucket, or {@link #NONE}; every owner must
     *                 be a member that may transmit
     * @param primary  the slot of the primary member, which holds the team MAC (switch-independent), or
     *                 {@link #NONE}: no MAC rules apply; it must be a member that may transmit
     */
    public MemberMap(long version, List<Member> members, byte[] buckets, int primary) {
        if (buckets.length != BUCKETS) {
            throw new IllegalArgumentException("buckets: got " + buckets.length + " (expected: " + BUCKETS + ")");
        }
        this.version = version;
        this.members = List.copyOf(members);
        int tx = 0;
        for (Member m : this.members) {
            if (bySlot[m.slot()] != null) {
                throw new IllegalArgumentException("slot " + m.slot() + " given twice");
            }
            bySlot[m.slot()] = m;
            if (m.transmit()) {
                tx++;
            }
        }
        this.transmitting = tx;
        if (primary != NONE && (primary < 0 || primary >= MAX_MEMBERS || bySlot[primary] == null
                || !bySlot[primary].transmit())) {
            throw new IllegalArgumentException("primary " + primary + " is not a member that may transmit");
        }
        this.primary = primary;
        this.memberMacs = this.members.stream().mapToLong(m -> m.mac().bits()).filter(mac -> mac != 0).toArray();
        this.buckets = buckets.clone();
        for (byte b : this.buckets) {
            if (b != NONE && (bySlot[b] == null || !bySlot[b].transmit())) {
                throw new IllegalArgumentException("bucket owner " + b + " is not a member that may transmit");
            }
            if (b != NONE) {
                bucketCounts[b]++;
            }
        }
    }

    private static byte[] emptyBuckets() {
        byte[] b = new byte[BUCKETS];
        Arrays.fill(b, (byte) NONE);
        return b;
    }

    /** Increases with each map a team publishes. */
    public long version() {
        return version;
    }

    /** The members, in slot order of addition. */
    public List<Member> members() {
        return members;
    }

    /** The member in this slot, or null. */
    public Member member(int slot) {
        return bySlot[slot];
    }

    /** The slot that transmits the frames whose hash falls in this bucket (0..255), or {@link #NONE}. */
    public int bucketOwner(int bucket) {
        return buckets[bucket];
    }

    /** Whether frames received on this slot reach the host. */
    public boolean mayReceive(int slot) {
        Member m = bySlot[slot];
        return m != null && m.receive();
    }

    /** Whether frames may leave on this slot. */
    public boolean mayTransmit(int slot) {
        Member m = bySlot[slot];
        return m != null && m.transmit();
    }

    /**
     * The slot of the primary member: in switch-independent mode the member that holds the team MAC, takes the
     * broadcasts and multicasts, and sends ARP, neighbour discovery and ICMP; {@link #NONE} in the other modes or
     * while no member may transmit.
     */
    public int primary() {
        return primary;
    }

    /** Whether this MAC (48 bits) is the own MAC of one of the members. */
    public boolean isMemberMac(long mac) {
        for (long m : memberMacs) {
            if (m == mac) {
                return true;
            }
        }
        return false;
    }

    /** How many members may transmit: 0 means the team is down. */
    public int transmitting() {
        return transmitting;
    }

    /** How many buckets this slot owns. */
    public int bucketsOf(int slot) {
        return bucketCounts[slot];
    }

    /** A copy of the bucket table, for building the next map. */
    public byte[] buckets() {
        return buckets.clone();
    }
}
