package io.lacpd.team.io;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Room for a batch of frames moved with one system call: {@link PacketSocket#receive(PacketBatch)} (recvmmsg)
 * and {@link PacketSocket#send(PacketBatch, int, int)} (sendmmsg). Each slot is a region of one buffer with
 * {@link #headroom()} free octets before the packet (for a VLAN tag put back or pushed in place) and room for
 * {@link #capacity()} octets of packet, virtio_net_hdr included; each received message has its own PACKET_AUXDATA
 * control buffer, so each frame's VLAN tag is known. Everything is allocated here, once: the struct mmsghdr and
 * iovec arrays, the control buffers and the frames' memory, which the kernel touches only as far as frames fill
 * it. One thread's, not thread-safe.
 */
public final class PacketBatch {

    /** Frames a batch holds by default: one system call per 32 frames. */
    public static final int SLOTS = 32;
    /** Room for a 64 KB super-frame, its Ethernet and VLAN headers and its virtio_net_hdr. */
    public static final int SUPER_FRAME = 65_536 + 64;
    /**
     * The octets a transmit batch's frames are kept within: a super-frame's cost is its copies, not its system
     * call, and a batch of them would spread those copies over slots no longer in cache (measured: about 13 % more
     * CPU per Gbit/s on the transmit thread of a single TCP stream, before this limit).
     */
    public static final int WARM_BYTES = 65_536;
    /**
     * A received frame longer than this (a super-frame, a jumbo frame) makes the next {@link #SLOTS} receives ask
     * for one frame each: while such frames flow a batch of them would outgrow {@link #WARM_BYTES}, and one frame
     * a call costs them nothing (their copies dominate; measured: 42 % more CPU per Gbit/s on the receive thread
     * of 8 TCP streams before this rule).
     */
    public static final int LARGE_FRAME = WARM_BYTES / SLOTS;

    // struct mmsghdr on x86-64: struct msghdr (56 octets: name 0, namelen 8, iov 16, iovlen 24, control 32,
    // controllen 40, flags 48), then unsigned msg_len at 56, padded to 64; a struct iovec is base and length
    static final int MMSGHDR_SIZE = 64;
    static final int IOVEC_SIZE = 16;
    static final int CONTROL_SIZE = 64;
    private static final int ALIGN = 64;

    private final int slots;
    private final int headroom;
    private final int capacity;
    private final int stride;
    private final Memory frames;
    private final ByteBuffer buffer;
    private final Pointer[] packets;
    private final Pointer[] starts;
    private final Memory receiveMessages;
    private final Memory sendMessages;
    private final Pointer[] sendFrom;
    /** The receive vector's headers, iovecs and control buffers; the send vector's headers and iovecs. */
    final ByteBuffer receiveVector;
    final ByteBuffer sendVector;
    /** Per slot, of the last receive: octets (virtio_net_hdr included) or -EMSGSIZE; the tag or -1; its TPID. */
    final int[] lengths;
    final int[] tcis;
    final int[] tpids;
    /** Receives left that ask for one frame: set by a frame longer than {@link #LARGE_FRAME}, counted down. */
    int largeReceives;

    /**
     * @param slots    frames per batch
     * @param headroom free octets before each slot's packet
     * @param capacity octets of packet (virtio_net_hdr and frame) a slot takes; a longer frame is truncated on
     *                 receive and reported as {@code -EMSGSIZE}
     */
    public PacketBatch(int slots, int headroom, int capacity) {
        if (slots < 1 || headroom < 0 || capacity < 1) {
            throw new IllegalArgumentException("slots " + slots + ", headroom " + headroom + ", capacity " + capacity
                    + " (expected: >= 1, >= 0, >= 1)");
        }
        this.slots = slots;
        this.headroom = headroom;
        this.capacity = capacity;
        this.stride = (headroom + capacity + ALIGN - 1) / ALIGN * ALIGN;
        frames = new Memory((long) slots * stride);
        buffer = frames.getByteBuffer(0, (long) slots * stride).order(ByteOrder.BIG_ENDIAN);
        packets = new Pointer[slots];
        starts = new Pointer[slots];
        for (int i = 0; i < slots; i++) {
            starts[i] = frames.share((long) i * stride);
            packets[i] = frames.share((long) i * stride + headroom);
        }
        int iovecs = slots * MMSGHDR_SIZE;
        int controls = iovecs + slots * IOVEC_SIZE;
        receiveMessages = new Memory(controls + (long) slots * CONTROL_SIZE);
        receiveMessages.clear();
        receiveVector = receiveMessages.getByteBuffer(0, receiveMessages.size()).order(ByteOrder.nativeOrder());
        sendMessages = new Memory(controls);
        sendMessages.clear();
        sendVector = sendMessages.getByteBuffer(0, sendMessages.size()).order(ByteOrder.nativeOrder());
        sendFrom = new Pointer[slots];
        long receiveBase = Pointer.nativeValue(receiveMessages);
        long sendBase = Pointer.nativeValue(sendMessages);
        for (int i = 0; i < slots; i++) {
            int header = i * MMSGHDR_SIZE;
            int iov = iovecs + i * IOVEC_SIZE;
            receiveVector.putLong(header + 16, receiveBase + iov).putLong(header + 24, 1);
            receiveVector.putLong(header + 32, receiveBase + controls + (long) i * CONTROL_SIZE);
            receiveVector.putLong(iov, Pointer.nativeValue(packets[i])).putLong(iov + 8, capacity);
            sendVector.putLong(header + 16, sendBase + iov).putLong(header + 24, 1);
            sendFrom[i] = sendMessages.share(header);
        }
        lengths = new int[slots];
        tcis = new int[slots];
        tpids = new int[slots];
    }

    /** A batch of {@value #SLOTS} slots for super-frames, with {@code headroom} octets before each. */
    public static PacketBatch forSuperFrames(int headroom) {
        return new PacketBatch(SLOTS, headroom, SUPER_FRAME);
    }

    /** Frames per batch. */
    public int slots() {
        return slots;
    }

    /** Free octets before each slot's packet. */
    public int headroom() {
        return headroom;
    }

    /** The frames the next {@link PacketSocket#receive(PacketBatch)} into this batch asks for. */
    public int receiveLimit() {
        return largeReceives > 0 ? 1 : slots;
    }

    /** Octets of packet a slot takes. */
    public int capacity() {
        return capacity;
    }

    /** The frames' memory: slot {@code i}'s packet starts at {@link #packetAt(int)}, its headroom before that. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Where slot {@code i}'s packet starts in {@link #buffer()}, after its headroom. */
    public int packetAt(int i) {
        return i * stride + headroom;
    }

    /** Slot {@code i}'s packet, as an address for read(2) or write(2). */
    public Pointer packet(int i) {
        return packets[i];
    }

    /** Slot {@code i}'s first octet (its headroom), as an address. */
    public Pointer start(int i) {
        return starts[i];
    }

    /** Of the last receive: slot {@code i}'s octets, virtio_net_hdr included, or {@code -EMSGSIZE} when truncated. */
    public int length(int i) {
        return lengths[i];
    }

    /** Of the last receive: the tag the kernel took off slot {@code i}'s frame, or {@link PacketSocket#NO_VLAN}. */
    public int vlanTci(int i) {
        return tcis[i];
    }

    /** Of the last receive: slot {@code i}'s tag protocol (0x8100 or 0x88a8), when it had a tag. */
    public int vlanTpid(int i) {
        return tpids[i];
    }

    /**
     * Makes message {@code message} of the next {@link PacketSocket#send(PacketBatch, int, int)} the {@code length}
     * octets at {@code at} of slot {@code slot}'s region ({@code at} counts from {@link #start(int)}).
     */
    public void prepare(int message, int slot, int at, int length) {
        int iov = slots * MMSGHDR_SIZE + message * IOVEC_SIZE;
        sendVector.putLong(iov, Pointer.nativeValue(starts[slot]) + at).putLong(iov + 8, length);
    }

    Pointer receiveMessages() {
        return receiveMessages;
    }

    /** The send vector from message {@code message} on. */
    Pointer sendMessages(int message) {
        return sendFrom[message];
    }
}
