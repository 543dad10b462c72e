package io.lacpd.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc socket calls the netlink monitor and the multicast membership need, bound by JNA direct mapping (no native code of
 * our own). Each call throws {@link LastErrorException} carrying errno when libc returns -1.
 */
final class Libc {

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;

    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;

    static final int MSG_DONTWAIT = 0x40;
    /** On netlink sockets: make recv return the datagram's real length even when it did not fit. */
    static final int MSG_TRUNC = 0x20;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOBUFS = 105;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    static native int setsockopt(int fd, int level, int option, byte[] value, int valueLength)
            throws LastErrorException;

    /** {@code size_t} and {@code ssize_t} are C longs on Linux, hence NativeLong. */
    static native NativeLong recvfrom(int fd, Pointer buffer, NativeLong length, int flags, byte[] address,
                                      int[] addressLength) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Closes {@code fd}, ignoring an error: Linux frees the descriptor even when close reports one (close(2)). */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing left to do
        }
    }
}
