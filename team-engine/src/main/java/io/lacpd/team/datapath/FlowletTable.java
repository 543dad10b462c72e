package io.lacpd.team.datapath;

import io.lacpd.team.member.MemberMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where each recent flow is being sent, so that {@code dynamic} moves a flow to its bucket's current owner only
 * at a flowlet boundary: after a pause of at least {@link #gapNanos()} and, when the send queues can be observed
 * ({@link #observeQueues}), once the old member's queue no longer holds the flow's last frame; then the move
 * cannot reorder the flow. A flow whose member may no longer transmit moves at once. Rebalancing changes bucket
 * owners in the member map; this table is what makes flows follow them gently.
 *
 * <p>The queue test: the table counts the octets it sent on each slot, and marks each flow with that count after
 * its last frame. The old member's queue is a FIFO; when it holds no more than was sent there after the mark, the
 * flow's frames are all out. The kernel's count is of buffer sizes, never below the frames' length, so the test
 * errs on the side of waiting. The table counts a frame when it chooses its slot, before the send: a frame the
 * kernel then refuses (its queue full) is counted without being queued, which the buffer overhead of the frames
 * really queued (hundreds of octets each) covers unless the refused frame is a large one.
 *
 * <p>Fixed-size open addressing over primitive arrays, keyed by the 64-bit flow hash: no allocation, no clock
 * ({@code now} is passed in, any monotonic nanoseconds, compared overflow-safely). A flow idle for the gap may
 * move anyway, so its entry is as good as free and is reused without a delete; only when all
 * {@value #PROBES} entries of a probe window belong to live flows is the longest-idle one evicted (counted: the
 * evicted flow may then move without a gap). One table per transmitting thread, not thread-safe; its counters
 * may be read from any thread.
 */
public final class FlowletTable {

    /** Entries examined per lookup: bounds the work per frame. */
    public static final int PROBES = 8;

    private static final long EMPTY = 0;
    private static final int MOVES = 0;
    private static final int HELD = 1;
    private static final int FAILOVERS = 2;
    private static final int EVICTIONS = 3;
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long gapNanos;
    private final int mask;
    private final long[] keys;
    private final long[] lastSeen;
    private final byte[] slots;
    private final long[] marks;
    private final long[] sent = new long[MemberMap.MAX_MEMBERS];
    private QueueDepth queues;
    /** The entry of the frame {@link #choose} decided last. */
    private int lastIndex;
    /** {@link #MOVES}, {@link #HELD}, {@link #FAILOVERS}, {@link #EVICTIONS}: one writer, read from any thread. */
    private final long[] counts = new long[4];

    /**
     * @param capacity flows tracked at most, a power of two, at least {@value #PROBES}
     * @param gapNanos the pause after which a flow may move, longer than the queue it leaves on its old member
     *                 (500 us on veth, 1 ms on NICs)
     */
    public FlowletTable(int capacity, long gapNanos) {
        if (capacity < PROBES || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: got " + capacity + " (expected: a power of two >= "
                    + PROBES + ")");
        }
        if (gapNanos <= 0) {
            throw new IllegalArgumentException("gapNanos: got " + gapNanos + " (expected: > 0)");
        }
        this.gapNanos = gapNanos;
        this.mask = capacity - 1;
        this.keys = new long[capacity];
        this.lastSeen = new long[capacity];
        this.slots = new byte[capacity];
        this.marks = new long[capacity];
    }

    /** From now on a flow moves only once {@code depth} says its last frame has left the old member's queue. */
    public void observeQueues(QueueDepth depth) {
        this.queues = depth;
    }

    /**
     * The slot a frame of this flow leaves on, and records that it was sent there at {@code now}.
     *
     * @param flowHash   the frame's flow hash (its low bits chose the bucket)
     * @param bucketSlot the owner of the frame's bucket in {@code map}, or {@link MemberMap#NONE}
     * @return the flow's current slot while it is live and that slot may transmit, else {@code bucketSlot}
     */
    public int slot(long flowHash, int bucketSlot, MemberMap map, long now) {
        return slot(flowHash, bucketSlot, map, now, 0);
    }

    /**
     * As {@link #slot(long, int, MemberMap, long)}, for a frame of {@code length} octets, counted on the slot
     * returned for the queue test.
     */
    public int slot(long flowHash, int bucketSlot, MemberMap map, long now, int length) {
        int chosen = choose(flowHash, bucketSlot, map, now);
        if (chosen != MemberMap.NONE) {
            sent[chosen] += length;
            marks[lastIndex] = sent[chosen];
        }
        return chosen;
    }

    private int choose(long flowHash, int bucketSlot, MemberMap map, long now) {
        if (bucketSlot == MemberMap.NONE) {
            return MemberMap.NONE;
        }
        long key = flowHash == EMPTY ? 1 : flowHash;
        // The low bits chose the bucket; the high ones spread the flows of one bucket over the table.
        int start = (int) (key >>> 32);
        int reuse = -1;
        int oldest = -1;
        long oldestIdle = Long.MIN_VALUE;
        for (int i = 0; i < PROBES; i++) {
            int idx = (start + i) & mask;
            long k = keys[idx];
            if (k == key) {
                lastIndex = idx;
                return follow(idx, bucketSlot, map, now);
            }
            if (k == EMPTY) {
                if (reuse < 0) {
                    reuse = idx;
                }
                break;
            }
            long idle = now - lastSeen[idx];
            if (idle >= gapNanos) {
                if (reuse < 0) {
                    reuse = idx;
                }
            } else if (idle >= oldestIdle) {
                oldestIdle = idle;
                oldest = idx;
            }
        }
        if (reuse < 0) {
            reuse = oldest;
            count(EVICTIONS);
        }
        keys[reuse] = key;
        lastSeen[reuse] = now;
        slots[reuse] = (byte) bucketSlot;
        lastIndex = reuse;
        return bucketSlot;
    }

    private int follow(int idx, int bucketSlot, MemberMap map, long now) {
        int current = slots[idx];
        int chosen = current;
        if (!map.mayTransmit(current)) {
            chosen = bucketSlot;
            count(FAILOVERS);
        } else if (now - lastSeen[idx] >= gapNanos && current != bucketSlot) {
            if (queues != null && queues.queuedBytes(current) > sent[current] - marks[idx]) {
                count(HELD); // the flow's last frame may still be queued: wait for its next pause
            } else {
                chosen = bucketSlot;
                count(MOVES);
            }
        }
        slots[idx] = (byte) chosen;
        lastSeen[idx] = now;
        return chosen;
    }

    /** A plain read and an opaque write: the writing thread's own count, seen whole by a reader elsewhere. */
    private void count(int i) {
        COUNTS.setOpaque(counts, i, counts[i] + 1);
    }

    private long read(int i) {
        return (long) COUNTS.getOpaque(counts, i);
    }

    /** The pause after which a flow may move. */
    public long gapNanos() {
        return gapNanos;
    }

    /** Flows tracked at most. */
    public int capacity() {
        return keys.length;
    }

    /** Flows moved to their bucket's owner at a flowlet boundary. */
    public long moves() {
        return read(MOVES);
    }

    /** Moves put off because the old member's queue might still hold the flow's last frame. */
    public long held() {
        return read(HELD);
    }

    /** Flows moved at once because their member stopped transmitting. */
    public long failovers() {
        return read(FAILOVERS);
    }

    /** Live flows forgotten for lack of room in their probe window. */
    public long evictions() {
        return read(EVICTIONS);
    }
}
