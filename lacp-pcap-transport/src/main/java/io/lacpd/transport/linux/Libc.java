package io.lacpd.transport.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls lacpd's Linux edges share (netlink, packet sockets, and what the team data path needs), bound by
 * JNA direct mapping (no native code of our own). Each call throws {@link LastErrorException} carrying errno when libc returns -1.
 */
public final class Libc {

    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;

    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;

    public static final int MSG_DONTWAIT = 0x40;
    /** On netlink sockets: make recv return the datagram's real length even when it did not fit. */
    public static final int MSG_TRUNC = 0x20;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOBUFS = 105;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int option, byte[] value, int valueLength)
            throws LastErrorException;

    /** {@code size_t} and {@code ssize_t} are C longs on Linux, hence NativeLong. */
    public static native NativeLong recvfrom(int fd, Pointer buffer, NativeLong length, int flags, byte[] address,
                                      int[] addressLength) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /** Closes {@code fd}, ignoring an error: Linux frees the descriptor even when close reports one (close(2)). */
    public static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing left to do
        }
    }
}
