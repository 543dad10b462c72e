package io.lacpd.team.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A member's data socket: AF_PACKET SOCK_RAW bound to the member's ifindex with {@code PACKET_VNET_HDR}, so
 * each frame is a 10-byte virtio_net_hdr followed by the Ethernet frame, super-frames included. Our own sends
 * are not looped back (PACKET_IGNORE_OUTGOING). The VLAN tag the kernel strips on receive comes back through
 * PACKET_AUXDATA as {@link #vlanTci()}, or per frame of a {@link PacketBatch}. Receives do not block (the
 * caller polls {@link #fd}); sends do, which is the back-pressure towards the TAP. Nothing here allocates after {@link #open}.
 */
public final class PacketSocket implements AutoCloseable {

    /** {@link #vlanTci()} of a frame that arrived without a tag. */
    public static final int NO_VLAN = -1;

    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int BUFFER_BYTES = 4 << 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_CTRUNC = 0x8;
    private static final int TP_STATUS_VLAN_VALID = 0x10;
    private static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
    private static final int ETH_P_8021Q = 0x8100;
    // struct msghdr (56 octets) and struct iovec (16) on x86-64; a cmsghdr is 16 octets before its data
    private static final int MSGHDR_SIZE = 56;
    private static final int CONTROL_SIZE = 64;
    /** ioctl: the octets a socket's sends still hold in the kernel (linux/sockios.h, TIOCOUTQ). */
    private static final int SIOCOUTQ = 0x5411;

    private final String name;
    private final int fd;
    private final Memory message = new Memory(MSGHDR_SIZE + 16 + CONTROL_SIZE);
    private final ByteBuffer control;
    /** The buffer the iovec in {@link #message} points to now. */
    private Pointer iovBase;
    private int iovLength;
    private int vlanTci = NO_VLAN;
    private int vlanTpid;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Memory outq = new Memory(4);

    private PacketSocket(String name, int fd) {
        this.name = name;
        this.fd = fd;
        message.clear();
        Pointer iov = message.share(MSGHDR_SIZE);
        Pointer ctl = message.share(MSGHDR_SIZE + 16);
        message.setPointer(16, iov);
        message.setLong(24, 1);
        message.setPointer(32, ctl);
        control = message.getByteBuffer(MSGHDR_SIZE + 16, CONTROL_SIZE).order(ByteOrder.nativeOrder());
    }

    /**
     * Opens the data socket of the interface {@code name} in the calling thread's network namespace. Sends go
     * through the member's qdisc: PACKET_QDISC_BYPASS measured no faster on veth (noqueue) and would hide our
     * sends from tcpdump on the member.
     *
     * @throws IOException naming the interface when it does not exist or the kernel refuses an option
     */
    public static PacketSocket open(String name) throws IOException {
        int ifindex = Libc.if_nametoindex(name);
        if (ifindex == 0) {
            throw new IOException("no interface " + name);
        }
        // protocol 0 receives nothing until bind: no frame of another interface slips in first
        int fd = Libc.check("cannot open a packet socket for " + name,
                () -> Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0));
        try {
            // VNET_HDR first: the kernel refuses it once a ring or a binding is in place
            option(name, fd, Libc.SOL_PACKET, Libc.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            option(name, fd, Libc.SOL_PACKET, Libc.PACKET_AUXDATA, 1, "PACKET_AUXDATA");
            option(name, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            option(name, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, BUFFER_BYTES, "SO_RCVBUFFORCE");
            option(name, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, BUFFER_BYTES, "SO_SNDBUFFORCE");
            dropSlowProtocols(name, fd);
            ByteBuffer sll = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(ByteOrder.nativeOrder());
            sll.putShort(0, (short) Libc.AF_PACKET).putShort(2, (short) Libc.ETH_P_ALL_BE).putInt(4, ifindex);
            Libc.check("cannot bind a packet socket to " + name, () -> Libc.bind(fd, sll.array(), SOCKADDR_LL_SIZE));
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
        return new PacketSocket(name, fd);
    }

    /**
     * Classic BPF that the kernel runs before the frame is queued to this socket: Slow Protocols frames (LACPDUs,
     * Markers; EtherType 0x8809, the tag already taken off) are LACP's, which has its own capture, so a flood of
     * them never costs the receive thread a wake-up or a copy. {@code ldh [12]; jeq #0x8809, drop; ret #-1}.
     */
    private static void dropSlowProtocols(String name, int fd) throws IOException {
        Memory program = new Memory(4 * 8L);
        int[][] code = {{0x28, 0, 0, 12}, {0x15, 0, 1, 0x8809}, {0x06, 0, 0, 0}, {0x06, 0, 0, 0xFFFF_FFFF}};
        for (int i = 0; i < code.length; i++) {
            program.setShort(i * 8L, (short) code[i][0]);
            program.setByte(i * 8L + 2, (byte) code[i][1]);
            program.setByte(i * 8L + 3, (byte) code[i][2]);
            program.setInt(i * 8L + 4, code[i][3]);
        }
        // struct sock_fprog: unsigned short len, then (aligned) a pointer to the instructions
        ByteBuffer fprog = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) code.length).putLong(8, Pointer.nativeValue(program));
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog.array(), 16);
        } catch (LastErrorException e) {
            throw new IOException(name + ": SO_ATTACH_FILTER failed: " + e.getMessage());
        } finally {
            Reference.reachabilityFence(program); // the kernel copies the program during the call
        }
    }

    private static void option(String name, int fd, int level, int option, int value, String what)
            throws IOException {
        Libc.check(name + ": " + what + " failed", () -> Libc.setsockoptInt(fd, level, option, value));
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /** The descriptor, for poll(2). */
    public int fd() {
        return fd;
    }

    /**
     * Receives one frame without waiting, virtio_net_hdr first, and its VLAN tag into {@link #vlanTci()}.
     *
     * @param at       where to put it (a direct buffer's address, computed once)
     * @param capacity room at {@code at}
     * @return the octets received (header included), or -errno ({@code -EAGAIN} when none waits,
     *         {@code -EMSGSIZE} for a frame that did not fit)
     */
    public long receive(Pointer at, int capacity) {
        if (at != iovBase || capacity != iovLength) {
            // the kernel leaves the iovec as it is: a caller that receives into one buffer sets it once
            message.setPointer(MSGHDR_SIZE, at);
            message.setLong(MSGHDR_SIZE + 8, capacity);
            iovBase = at;
            iovLength = capacity;
        }
        message.setLong(40, CONTROL_SIZE);
        message.setInt(48, 0);
        long n = Libc.recvmsg(fd, message, Libc.MSG_DONTWAIT);
        if (n < 0) {
            return -Native.getLastError();
        }
        int flags = message.getInt(48);
        if ((flags & MSG_TRUNC) != 0) {
            return -Libc.EMSGSIZE;
        }
        long tag = tag(control, 0, message.getLong(40), flags);
        vlanTci = tag < 0 ? NO_VLAN : (int) tag & 0xffff;
        if (tag >= 0) {
            vlanTpid = (int) (tag >>> 16);
        }
        return n;
    }

    /**
     * The VLAN tag the kernel took off a received frame, from its PACKET_AUXDATA control message at {@code at}:
     * the TPID in bits 31..16 and the TCI in 15..0, or -1 when untagged (or the control message is missing).
     */
    private static long tag(ByteBuffer control, int at, long controlLength, int flags) {
        if (controlLength < 16 + 20 || (flags & MSG_CTRUNC) != 0
                || control.getInt(at + 8) != Libc.SOL_PACKET || control.getInt(at + 12) != Libc.PACKET_AUXDATA) {
            return -1;
        }
        int status = control.getInt(at + 16);
        if ((status & TP_STATUS_VLAN_VALID) == 0) {
            return -1;
        }
        int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? control.getShort(at + 16 + 18) & 0xffff : ETH_P_8021Q;
        return (long) tpid << 16 | control.getShort(at + 16 + 16) & 0xffff;
    }

    /**
     * Receives frames without waiting, with one recvmmsg(2): frame {@code i}, virtio_net_hdr first, into slot
     * {@code i}, its length and VLAN tag into {@link PacketBatch#length(int)}, {@link PacketBatch#vlanTci(int)} and
     * {@link PacketBatch#vlanTpid(int)}. It asks for {@link PacketBatch#receiveLimit()} frames: all slots, or one
     * while frames longer than {@link PacketBatch#LARGE_FRAME} flow. A frame longer than a slot is truncated and
     * reported as {@code -EMSGSIZE}, the frames after it are received as usual.
     *
     * @return the frames received, at least 1, or -errno ({@code -EAGAIN} when none waits); fewer than
     *         {@link PacketBatch#receiveLimit()} asked for says the socket was drained
     */
    public int receive(PacketBatch batch) {
        ByteBuffer v = batch.receiveVector;
        int limit = batch.receiveLimit();
        for (int i = 0; i < limit; i++) {
            v.putLong(i * PacketBatch.MMSGHDR_SIZE + 40, PacketBatch.CONTROL_SIZE); // the kernel sets what it used
        }
        int n = Libc.recvmmsg(fd, batch.receiveMessages(), limit, Libc.MSG_DONTWAIT, null);
        if (n < 0) {
            return -Native.getLastError();
        }
        int controls = batch.slots() * (PacketBatch.MMSGHDR_SIZE + PacketBatch.IOVEC_SIZE);
        boolean large = false;
        for (int i = 0; i < n; i++) {
            int header = i * PacketBatch.MMSGHDR_SIZE;
            int flags = v.getInt(header + 48);
            int length = v.getInt(header + 56);
            large |= length > PacketBatch.LARGE_FRAME;
            batch.lengths[i] = (flags & MSG_TRUNC) != 0 ? -Libc.EMSGSIZE : length;
            long tag = tag(v, controls + i * PacketBatch.CONTROL_SIZE, v.getLong(header + 40), flags);
            batch.tcis[i] = tag < 0 ? NO_VLAN : (int) tag & 0xffff;
            batch.tpids[i] = tag < 0 ? 0 : (int) (tag >>> 16);
        }
        batch.largeReceives = large ? batch.slots() : Math.max(0, batch.largeReceives - 1);
        return n;
    }

    /** The tag the kernel took off the last frame received, or {@link #NO_VLAN}. */
    public int vlanTci() {
        return vlanTci;
    }

    /** The last tagged frame's tag protocol (0x8100 or 0x88a8). */
    public int vlanTpid() {
        return vlanTpid;
    }

    /**
     * Sends one frame, virtio_net_hdr first ({@link VnetHeader#LENGTH} + the Ethernet frame), waiting for room
     * in the socket's send buffer.
     *
     * @return the octets sent, or -errno ({@code -ENOBUFS} when the member's queue dropped it)
     */
    public long send(Pointer at, int length) {
        long n = Libc.send(fd, at, length, 0);
        return n >= 0 ? n : -Native.getLastError();
    }

    /**
     * Sends messages {@code first} to {@code first + count - 1} as {@link PacketBatch#prepare} made them, in order,
     * with one sendmmsg(2), waiting for room in the socket's send buffer as {@link #send(Pointer, int)} does.
     *
     * @return the messages sent, at least 1, or -errno of message {@code first}; when fewer than {@code count}
     *         were sent, the next one failed and is reported by the next call from it
     */
    public int send(PacketBatch batch, int first, int count) {
        int n = Libc.sendmmsg(fd, batch.sendMessages(first), count, 0);
        return n >= 0 ? n : -Native.getLastError();
    }

    /**
     * What the kernel still holds of this socket's sends (SIOCOUTQ: the send buffer's allocation, in buffer sizes
     * at least the frames' length): frames in the member's qdisc or driver ring not yet sent, 0 when drained.
     * Once the NIC has sent a frame the driver frees it, and its octets leave this count. For the thread that
     * sends; 0 when the kernel refuses the call.
     */
    public long queuedBytes() {
        try {
            Libc.ioctl(fd, SIOCOUTQ, outq);
            return outq.getInt(0) & 0xFFFF_FFFFL;
        } catch (LastErrorException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.closeQuietly(fd);
        }
    }
}
