package io.lacpd.transport;

import com.sun.jna.LastErrorException;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a multicast address in an interface's receive filter while open, as the kernel's bonding driver
 * does for Slow_Protocols_Multicast on its 802.3ad ports. A NIC drops group-addressed frames it was not told
 * about before any socket sees them, so capturing without promiscuous mode needs this.
 *
 * <p>libpcap offers no way to it, so this is PACKET_ADD_MEMBERSHIP on a packet socket of its own, opened with
 * protocol 0 so that it never receives a frame. The kernel counts memberships per address and drops this one
 * when the socket is closed, also when the process dies, so nothing is left behind on the interface.
 */
final class MulticastMembership implements AutoCloseable {

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MulticastMembership(int fd) {
        this.fd = fd;
    }

    /**
     * Adds {@code group} to the receive filter of the interface with index {@code ifindex}.
     *
     * @throws IOException naming the interface when the kernel refuses
     */
    static MulticastMembership join(String interfaceName, int ifindex, MacAddress group) throws IOException {
        int fd;
        try {
            fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a packet socket for " + interfaceName + ": " + e.getMessage());
        }
        try {
            Libc.addMembership(fd, ifindex, Libc.PACKET_MR_MULTICAST, group.bits());
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new IOException("cannot add " + group + " to the multicast filter of " + interfaceName + ": "
                    + e.getMessage());
        }
        return new MulticastMembership(fd);
    }

    /** Leaves the group: closing the socket drops its membership. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.closeQuietly(fd);
        }
    }
}
