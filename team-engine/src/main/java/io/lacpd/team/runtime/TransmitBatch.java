package io.lacpd.team.runtime;

import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.team.io.PacketBatch;
import io.lacpd.team.member.MemberMap;

import java.util.Arrays;

/**
 * The transmit thread's frames read from the team's TAPs whose member is decided but which are not yet sent: frame
 * {@code k} of the batch is in slot {@code k} of a {@link PacketBatch}, and the frames of each member are kept in
 * the order they were read, for one sendmmsg per member. The octets each member has pending here count as still
 * queued on it ({@link #pending}), so that the flowlet table does not move a flow while its last frame waits in the
 * batch. Bookkeeping only, no I/O; allocates nothing after construction.
 */
final class TransmitBatch {

    private static final int NONE = -1;

    private final PacketBatch frames;
    private int size;
    /** Octets of the frames held, virtio_net_hdr included. */
    private long octets;
    /** Per frame: where its packet starts from its slot's first octet, its octets (virtio_net_hdr included), the
     * next frame of its member. */
    private final int[] at;
    private final int[] lengths;
    private final int[] next;
    /** Per member slot: its first and last frame, or {@link #NONE}; its Ethernet octets pending. */
    private final int[] head = new int[MemberMap.MAX_MEMBERS];
    private final int[] tail = new int[MemberMap.MAX_MEMBERS];
    private final long[] pending = new long[MemberMap.MAX_MEMBERS];
    /** The members with frames, in the order of their first frame. */
    private final int[] members = new int[MemberMap.MAX_MEMBERS];
    private int memberCount;
    /** The octets of each message {@link #prepare} made, by message. */
    private final int[] messageLengths;

    TransmitBatch(PacketBatch frames) {
        this.frames = frames;
        int slots = frames.slots();
        at = new int[slots];
        lengths = new int[slots];
        next = new int[slots];
        messageLengths = new int[slots];
        Arrays.fill(head, NONE);
    }

    /** Where the frames are: the next one read goes into slot {@link #size()}. */
    PacketBatch frames() {
        return frames;
    }

    /** Frames held. */
    int size() {
        return size;
    }

    /**
     * Whether the batch must be sent before the next read: every slot holds a frame, or its frames hold
     * {@link PacketBatch#WARM_BYTES} (a super-frame leaves at once, from a slot still in cache).
     */
    boolean full() {
        return size == frames.slots() || octets >= PacketBatch.WARM_BYTES;
    }

    /**
     * Keeps the frame in slot {@link #size()} for {@code member}, after that member's earlier frames.
     *
     * @param at     where its packet starts from the slot's first octet
     * @param length its octets, virtio_net_hdr included
     */
    void add(int member, int at, int length) {
        int k = size++;
        this.at[k] = at;
        lengths[k] = length;
        next[k] = NONE;
        if (head[member] == NONE) {
            head[member] = k;
            members[memberCount++] = member;
        } else {
            next[tail[member]] = k;
        }
        tail[member] = k;
        pending[member] += length - VnetHeader.LENGTH;
        octets += length;
    }

    /** The Ethernet octets (as the distributor counts them) held here for {@code member}. */
    long pending(int member) {
        return pending[member];
    }

    /** Members with frames held. */
    int members() {
        return memberCount;
    }

    /** The {@code j}-th member with frames, in the order of their first frame. */
    int member(int j) {
        return members[j];
    }

    /** Makes messages 0.. of the {@link PacketBatch} the frames of {@code member}, in order; returns how many. */
    int prepare(int member) {
        int m = 0;
        for (int k = head[member]; k != NONE; k = next[k]) {
            frames.prepare(m, k, at[k], lengths[k]);
            messageLengths[m++] = lengths[k];
        }
        return m;
    }

    /** The octets (virtio_net_hdr included) of message {@code m} of the last {@link #prepare}. */
    int messageLength(int m) {
        return messageLengths[m];
    }

    /** Forgets every frame: the batch was sent. */
    void clear() {
        for (int j = 0; j < memberCount; j++) {
            head[members[j]] = NONE;
            pending[members[j]] = 0;
        }
        memberCount = 0;
        size = 0;
        octets = 0;
    }
}
