package io.lacpd.team.datapath;

import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.MemberMap;

import java.nio.ByteBuffer;

/**
 * Chooses the member each outbound frame leaves on: the frame is parsed in place, its flow hash for the
 * configured algorithm picks one of the {@value MemberMap#BUCKETS} buckets, and the member map says which member
 * owns it, so a member leaving moves only the flows of its own buckets. With a {@link FlowletTable}
 * ({@code dynamic}) a flow follows a change of its bucket's owner only at a flowlet boundary, and the bytes of each
 * bucket are counted ({@link BucketBytes}) for the rebalancer. With a {@link VirtualPortTable} ({@code hyperv-port})
 * the source MAC is bound to a member by the table, not by the buckets.
 *
 * <p>Pure and allocation-free; one instance per transmitting thread (it keeps the {@link FrameView} of the last
 * frame and the thread's flowlet table).
 */
public final class Distributor {

    private final LoadBalancingAlgorithm algorithm;
    private final FlowHash hash;
    private final FlowletTable flowlets;
    private final BucketBytes bucketBytes;
    private final VirtualPortTable virtualPorts;
    private final FrameView frame = new FrameView();
    private long lastHash;

    /** @param algorithm how frames are spread over the members; the default seed, no flowlet table */
    public Distributor(LoadBalancingAlgorithm algorithm) {
        this(algorithm, FlowHash.DEFAULT_SEED, null);
    }

    /**
     * @param algorithm how frames are spread over the members
     * @param seed      the team's hash basis ({@link FlowHash#DEFAULT_SEED} unless configured)
     * @param flowlets  this thread's flowlet table, only with {@code dynamic}; null to follow the buckets at once
     */
    public Distributor(LoadBalancingAlgorithm algorithm, long seed, FlowletTable flowlets) {
        this(algorithm, seed, flowlets, null);
    }

    /**
     * @param algorithm    how frames are spread over the members
     * @param seed         the team's hash basis ({@link FlowHash#DEFAULT_SEED} unless configured)
     * @param flowlets     this thread's flowlet table, only with {@code dynamic}; null to follow the buckets at once
     * @param virtualPorts this thread's virtual port table, only with {@code hyperv-port}; null to hash the source
     *                     MAC over the buckets
     */
    public Distributor(LoadBalancingAlgorithm algorithm, long seed, FlowletTable flowlets,
                       VirtualPortTable virtualPorts) {
        if (flowlets != null && algorithm != LoadBalancingAlgorithm.DYNAMIC) {
            throw new IllegalArgumentException("a flowlet table with " + algorithm + " (expected: dynamic)");
        }
        if (virtualPorts != null && algorithm != LoadBalancingAlgorithm.HYPERV_PORT) {
            throw new IllegalArgumentException("a virtual port table with " + algorithm + " (expected: hyperv-port)");
        }
        this.algorithm = algorithm;
        this.hash = new FlowHash(seed);
        this.flowlets = flowlets;
        this.bucketBytes = flowlets == null ? null : new BucketBytes();
        this.virtualPorts = virtualPorts;
    }

    /** The algorithm this distributor applies. */
    public LoadBalancingAlgorithm algorithm() {
        return algorithm;
    }

    /** This thread's flowlet table, or null. */
    public FlowletTable flowlets() {
        return flowlets;
    }

    /** This thread's virtual port table, or null. */
    public VirtualPortTable virtualPorts() {
        return virtualPorts;
    }

    /** The bytes sent per bucket, with a flowlet table (for the rebalancer); else null. */
    public BucketBytes bucketBytes() {
        return bucketBytes;
    }

    /** Whether {@link #transmitSlot(MemberMap, ByteBuffer, int, int, long)} needs the time: with either table. */
    public boolean clocked() {
        return flowlets != null || virtualPorts != null;
    }

    /**
     * The slot this Ethernet frame leaves on, or {@link MemberMap#NONE} when no member may transmit; as
     * {@link #transmitSlot(MemberMap, ByteBuffer, int, int, long)} at a time that never advances, so with a
     * flowlet table flows stay where they started until their member stops transmitting.
     *
     * @param map    the member map in force
     * @param frame  holds the frame (no vnet header) from {@code offset}, {@code length} octets; not modified
     */
    public int transmitSlot(MemberMap map, ByteBuffer frame, int offset, int length) {
        return transmitSlot(map, frame, offset, length, 0L);
    }

    /**
     * The slot this Ethernet frame leaves on at {@code now}, or {@link MemberMap#NONE} when no member may
     * transmit. A malformed or truncated frame is not an error: it hashes by the best fields it has.
     *
     * @param map    the member map in force
     * @param frame  holds the frame (no vnet header) from {@code offset}, {@code length} octets; not modified
     * @param now    monotonic nanoseconds; used only with a flowlet or virtual port table
     */
    public int transmitSlot(MemberMap map, ByteBuffer frame, int offset, int length, long now) {
        if (map.transmitting() == 0) {
            return MemberMap.NONE;
        }
        this.frame.parse(frame, offset, length);
        long h = hash.hash(algorithm, this.frame);
        lastHash = h;
        if (virtualPorts != null && this.frame.layer() != FrameView.Layer.NONE) {
            return virtualPorts.slot(this.frame.srcMac(), map, now);
        }
        int bucket = (int) h & (MemberMap.BUCKETS - 1);
        int owner = map.bucketOwner(bucket);
        if (flowlets == null) {
            return owner;
        }
        bucketBytes.add(bucket, length);
        return flowlets.slot(h, owner, map, now, length);
    }

    /**
     * The last frame {@link #transmitSlot} parsed (overwritten by the next call): lets the caller see, without
     * parsing again, whether it is ARP, ICMP or tagged.
     */
    public FrameView frame() {
        return frame;
    }

    /** The flow hash of the last frame {@link #transmitSlot} parsed; its low 8 bits are the bucket. */
    public long lastHash() {
        return lastHash;
    }
}
