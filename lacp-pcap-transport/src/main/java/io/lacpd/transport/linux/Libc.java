package io.lacpd.transport.linux;

import com.sun.jna.FunctionMapper;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The libc calls lacpd's Linux edges share (netlink, packet sockets, TAP devices, bpf), bound by JNA direct
 * mapping with fixed arity (no varargs, no native code of our own). Constants are the x86-64 and generic Linux
 * values, checked against the kernel headers.
 *
 * <p>Two conventions: setup calls declare {@link LastErrorException} and throw it with errno when libc returns
 * -1; the per-frame calls ({@link #read}, {@link #write}, {@link #send}, {@link #recvmsg}, {@link #recvmmsg},
 * {@link #sendmmsg}, {@link #poll}) do not, so that an empty queue (EAGAIN) costs no exception: they return -1
 * and leave errno in {@link Native#getLastError()}.
 */
public final class Libc {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;

    /** ETH_P_ALL in network byte order, as socket(2) and bind(2) on AF_PACKET take it. */
    public static final int ETH_P_ALL_BE = 0x0300;

    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    /** As SO_SNDBUF/SO_RCVBUF but past net.core.wmem_max/rmem_max (needs CAP_NET_ADMIN). */
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_ATTACH_FILTER = 26;

    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_AUXDATA = 8;
    public static final int PACKET_VNET_HDR = 15;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int PACKET_MR_MULTICAST = 0;
    public static final int PACKET_MR_PROMISC = 1;
    public static final int PACKET_MR_UNICAST = 3;
    /** struct packet_mreq: int mr_ifindex, unsigned short mr_type, mr_alen, unsigned char mr_address[8]. */
    public static final int PACKET_MREQ_SIZE = 16;

    public static final int MSG_DONTWAIT = 0x40;
    /** On netlink sockets: make recv return the datagram's real length even when it did not fit. */
    public static final int MSG_TRUNC = 0x20;

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;

    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    public static final short POLLIN = 1;
    /** struct pollfd: int fd, short events, short revents. */
    public static final int POLLFD_SIZE = 8;

    /** setns(2) nstype of a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    public static final long SYS_BPF = 321;

    public static final int SIOCGIFFLAGS = 0x8913;
    public static final int SIOCSIFFLAGS = 0x8914;
    public static final int SIOCGIFADDR = 0x8915;
    public static final int SIOCSIFMTU = 0x8922;
    public static final int SIOCSIFTXQLEN = 0x8943;
    public static final int SIOCSIFHWADDR = 0x8924;
    /** struct ifreq: name[16], then the union (flags short, mtu int, sockaddr). */
    public static final int IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;

    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;
    public static final int SIGHUP = 1;
    public static final int SIGTERM = 15;

    static {
        // ioctlValue is ioctl(2) with its argument by value; a name of its own keeps the three forms apart
        FunctionMapper names = (library, method) -> method.getName().equals("ioctlValue") ? "ioctl"
                : method.getName();
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME,
                Map.of(Library.OPTION_FUNCTION_MAPPER, names)));
    }

    private Libc() {
    }

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    /** signal(2); a null handler is SIG_DFL. Returns the previous handler. */
    public static native Pointer signal(int signum, Pointer handler);

    public static native int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int option, byte[] value, int valueLength)
            throws LastErrorException;

    /** {@code size_t} and {@code ssize_t} are C longs on Linux, hence NativeLong. */
    public static native NativeLong recvfrom(int fd, Pointer buffer, NativeLong length, int flags, byte[] address,
                                             int[] addressLength) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /** open(2) with its mode always given. */
    public static native int open(String path, int flags, int mode) throws LastErrorException;

    /** ioctl(2) whose argument points to native memory. */
    public static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    /** ioctl(2) whose argument points to a struct (e.g. an ifreq), copied in and back out. */
    public static native int ioctl(int fd, long request, byte[] argument) throws LastErrorException;

    /** ioctl(2) whose argument is the value itself (e.g. TUNSETOFFLOAD's flags). */
    public static native int ioctlValue(int fd, long request, long argument) throws LastErrorException;

    /** The interface's index in the calling thread's network namespace, 0 (errno set) when there is none. */
    public static native int if_nametoindex(String name);

    public static native int eventfd(int initialValue, int flags) throws LastErrorException;

    public static native int flock(int fd, int operation) throws LastErrorException;

    /** Moves the calling thread (only it) into the namespace {@code fd} names. */
    public static native int setns(int fd, int nstype) throws LastErrorException;

    /** syscall(2) with three arguments, as bpf(2) takes them: {@code syscall(SYS_BPF, cmd, attr, size)}. */
    public static native long syscall(long number, long cmd, Pointer attr, long size) throws LastErrorException;

    /** read(2); -1 with errno in {@link Native#getLastError()}. */
    public static native long read(int fd, Pointer buffer, long count);

    /** write(2); -1 with errno in {@link Native#getLastError()}. */
    public static native long write(int fd, Pointer buffer, long count);

    /** sendto(2) of a byte array (e.g. a datagram to a unix socket); -1 with errno in {@link Native#getLastError()}. */
    public static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength);

    /** send(2); -1 with errno in {@link Native#getLastError()}. */
    public static native long send(int fd, Pointer buffer, long length, int flags);

    /** recvmsg(2) into a prepared struct msghdr; -1 with errno in {@link Native#getLastError()}. */
    public static native long recvmsg(int fd, Pointer message, int flags);

    /**
     * recvmmsg(2) into {@code count} prepared struct mmsghdr, without a timeout ({@code timeout} null); the
     * messages received, or -1 with errno in {@link Native#getLastError()}.
     */
    public static native int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

    /**
     * sendmmsg(2) of {@code count} prepared struct mmsghdr; the messages sent, or -1 with errno in
     * {@link Native#getLastError()}.
     */
    public static native int sendmmsg(int fd, Pointer messages, int count, int flags);

    /** poll(2) over {@code count} struct pollfd; -1 with errno in {@link Native#getLastError()}. */
    public static native int poll(Pointer fds, long count, int timeoutMillis);

    /** sched_setaffinity(2): {@code pid} 0 is the calling thread; {@code mask} a cpu_set_t of {@code size} octets. */
    public static native int sched_setaffinity(int pid, long size, Pointer mask) throws LastErrorException;

    /** sched_getaffinity(2): the CPUs {@code pid} (0: the calling thread) may run on, into {@code mask}. */
    public static native int sched_getaffinity(int pid, long size, Pointer mask) throws LastErrorException;

    /** setsockopt(2) with an int value. */
    public static int setsockoptInt(int fd, int level, int option, int value) throws LastErrorException {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        return setsockopt(fd, level, option, v, v.length);
    }

    /** A setup call: one of the calls above that throw {@link LastErrorException}. */
    @FunctionalInterface
    public interface Call {
        int run() throws LastErrorException;
    }

    /**
     * Runs a setup call; libc's failure becomes an {@link IOException} reading {@code failure + ": " + why}.
     *
     * @return what the call returned (the descriptor, for one that opens)
     */
    public static int check(String failure, Call call) throws IOException {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw new IOException(failure + ": " + e.getMessage());
        }
    }

    /**
     * PACKET_ADD_MEMBERSHIP of one MAC on the interface {@code ifindex}: the kernel keeps it in the receive filter
     * (or, for {@link #PACKET_MR_PROMISC}, keeps the interface promiscuous) until {@code fd} is closed.
     *
     * @param type   {@link #PACKET_MR_MULTICAST}, {@link #PACKET_MR_UNICAST} or {@link #PACKET_MR_PROMISC}
     * @param mac48  the 48-bit address, its first octet in bits 47..40
     */
    public static void addMembership(int fd, int ifindex, int type, long mac48) throws LastErrorException {
        ByteBuffer mreq = ByteBuffer.allocate(PACKET_MREQ_SIZE).order(ByteOrder.nativeOrder());
        mreq.putInt(ifindex).putShort((short) type).putShort((short) 6);
        for (int shift = 40; shift >= 0; shift -= 8) {
            mreq.put((byte) (mac48 >>> shift));
        }
        setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq.array(), PACKET_MREQ_SIZE);
    }

    /** A struct ifreq naming {@code interfaceName}, the rest zero; the caller fills the union at offset 16. */
    public static ByteBuffer ifreq(String interfaceName) {
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ || name.length == 0) {
            throw new IllegalArgumentException("interface name \"" + interfaceName + "\": got " + name.length
                    + " characters (expected: 1.." + (IFNAMSIZ - 1) + ")");
        }
        return ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder()).put(name).clear();
    }

    /** Closes {@code fd}, ignoring an error: Linux frees the descriptor even when close reports one (close(2)). */
    public static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing left to do
        }
    }
}
