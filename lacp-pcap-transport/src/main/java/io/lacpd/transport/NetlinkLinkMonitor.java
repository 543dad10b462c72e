package io.lacpd.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import io.lacpd.transport.linux.Libc;
import io.lacpd.transport.RtnetlinkParser.Datagram;
import io.lacpd.transport.RtnetlinkParser.LinkMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link LinkMonitor} driven by the kernel's link notifications: an rtnetlink socket joined to the
 * RTMGRP_LINK group, read by one thread blocked in recv, so a carrier change reaches the listener as soon
 * as the kernel announces it. Speed and duplex, which rtnetlink does not carry, come from sysfs.
 *
 * <p>When the kernel drops notifications because the socket's buffer overflowed (ENOBUFS), the monitor
 * discards what is still queued and reads every watched interface from sysfs again.
 *
 * <p>The kernel announces a carrier change at once only for "urgent" devices (stacked ones, bonding and team
 * ports); for a plain NIC it holds the announcement back by up to a second when the device changed state less than
 * a second before (linkwatch's rate limit), so a flapping member or a second link lost just after a first would be
 * taken out late. The carrier itself is current at once: every {@value #CARRIER_POLL_MILLIS} ms the monitor reads
 * the carrier of each member it last reported up, as bonding's miimon does, and reports a loss the announcement
 * has not brought yet.
 */
public final class NetlinkLinkMonitor extends ThreadedLinkMonitor {

    private static final int RTMGRP_LINK = 1;
    private static final int SOCKADDR_NL_LENGTH = 12;
    /** Enough for the link messages of devices with many VFs; a longer one is detected and resynchronised. */
    private static final int DATAGRAM_BYTES = 64 * 1024;
    /** How often the carrier of the members that are up is read from sysfs. */
    static final int CARRIER_POLL_MILLIS = 50;
    /** How long a recv the poll said was ready may still block: close's worst-case wait. */
    private static final long RECEIVE_TIMEOUT_MICROS = 200_000;
    private static final long CARRIER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(CARRIER_POLL_MILLIS);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int fd;
    private final Memory datagram;
    private final byte[] sender = new byte[SOCKADDR_NL_LENGTH];
    private final int[] senderLength = new int[1];
    private volatile long overruns;
    private long lastCarrierPoll;
    private final Sysfs.Carriers carriers = new Sysfs.Carriers();

    /**
     * Opens the rtnetlink socket and joins the link group.
     *
     * @throws IOException when the kernel refuses (no netlink, a seccomp filter) or libc cannot be loaded
     */
    public NetlinkLinkMonitor() throws IOException {
        this(0);
    }

    /** @param receiveBufferBytes SO_RCVBUF, or 0 for the kernel's default; tests make it tiny to overrun it */
    NetlinkLinkMonitor(int receiveBufferBytes) throws IOException {
        int s;
        try {
            s = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        } catch (LastErrorException | LinkageError e) {
            throw new IOException("cannot open an rtnetlink socket: " + e.getMessage(), e);
        }
        try {
            Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval(RECEIVE_TIMEOUT_MICROS),
                    2 * Native.LONG_SIZE);
            if (receiveBufferBytes > 0) {
                byte[] size = native4(receiveBufferBytes);
                Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size, size.length);
            }
            ByteBuffer address = ByteBuffer.allocate(SOCKADDR_NL_LENGTH).order(ByteOrder.nativeOrder());
            address.putShort(0, (short) Libc.AF_NETLINK).putInt(8, RTMGRP_LINK);
            Libc.bind(s, address.array(), SOCKADDR_NL_LENGTH);
        } catch (LastErrorException e) {
            Libc.closeQuietly(s);
            throw new IOException("cannot bind an rtnetlink socket to the link group: " + e.getMessage(), e);
        }
        fd = s;
        datagram = new Memory(DATAGRAM_BYTES);
    }

    /** How many times the kernel dropped notifications and the state was read again from sysfs. */
    long overruns() {
        return overruns;
    }

    @Override
    void watch(LinkReporter reporter) {
        // What queued up since the socket was opened is older than the state sysfs gives now.
        discardQueuedAndResync(reporter);
        Memory pollFd = new Memory(Libc.POLLFD_SIZE);
        pollFd.setInt(0, fd);
        pollFd.setShort(4, Libc.POLLIN);
        while (!closing()) {
            try {
                // poll, not recv's timeout: a timeout every poll period must not cost a thrown errno
                if (Libc.poll(pollFd, 1, CARRIER_POLL_MILLIS) != 0) {
                    receive(reporter);
                }
                pollCarriers(reporter);
            } catch (RuntimeException e) {
                // A bug here must not end the monitoring; the next notification or resync corrects the state.
                reporter.notice("skipped a notification: " + e);
            }
        }
    }

    /** Reports, from sysfs, a watched interface last reported up whose carrier is gone, at most once a poll period. */
    private void pollCarriers(LinkReporter reporter) {
        long now = System.nanoTime();
        if (now - lastCarrierPoll < CARRIER_POLL_NANOS) {
            return;
        }
        lastCarrierPoll = now;
        for (String name : reporter.names()) {
            LinkState last = reporter.reported(name);
            if (last != null && last.up() && !carriers.has(name)) {
                reporter.report(Sysfs.read(name));
            }
        }
        carriers.retain(reporter.names());
    }

    private void receive(LinkReporter reporter) {
        long length;
        try {
            length = recv(0);
        } catch (LastErrorException e) {
            switch (e.getErrorCode()) {
                case Libc.EAGAIN, Libc.EINTR -> {
                    // The receive timeout: a chance to see that close has begun.
                }
                case Libc.ENOBUFS -> recoverFromOverrun(reporter);
                default -> {
                    // Unexpected: degrade to polling sysfs rather than spin on the error.
                    LockSupport.parkNanos(RETRY_NANOS);
                    resync(reporter);
                }
            }
            return;
        }
        if (length > DATAGRAM_BYTES) {
            // MSG_TRUNC gave the real length: part of it is lost, so ask sysfs instead.
            resync(reporter);
            return;
        }
        if (ByteBuffer.wrap(sender).order(ByteOrder.nativeOrder()).getInt(4) != 0) {
            // nl_pid 0 is the kernel; only it speaks for the links.
            return;
        }
        Datagram d = RtnetlinkParser.parse(datagram.getByteBuffer(0, length));
        if (d.overrun()) {
            recoverFromOverrun(reporter);
            return;
        }
        for (LinkMessage m : d.links()) {
            apply(m, reporter);
        }
    }

    private long recv(int flags) {
        senderLength[0] = sender.length;
        return Libc.recvfrom(fd, datagram, new NativeLong(DATAGRAM_BYTES), flags | Libc.MSG_TRUNC, sender,
                senderLength).longValue();
    }

    private static void apply(LinkMessage m, LinkReporter reporter) {
        for (String name : reporter.names()) {
            LinkState last = reporter.reported(name);
            // Deleted, or renamed away: the name no longer denotes this interface.
            if (last != null && last.exists() && last.index() == m.index()
                    && (m.deleted() || !name.equals(m.name()))) {
                reporter.report(LinkState.absent(name));
            }
        }
        if (!m.deleted() && m.name() != null && reporter.names().contains(m.name())) {
            reporter.report(new LinkState(m.name(), m.index(), true, m.arphrd() == RtnetlinkParser.ARPHRD_ETHER,
                    m.up(), Sysfs.speedMbps(m.name()), Sysfs.duplex(m.name()), m.mtu(), m.mac()));
        }
    }

    private void recoverFromOverrun(LinkReporter reporter) {
        overruns++;
        discardQueuedAndResync(reporter);
    }

    /**
     * Reports the state now from sysfs. Notifications still queued are older than that, and acting on them
     * after it would report a stale state for a while: they are discarded first.
     */
    private void discardQueuedAndResync(LinkReporter reporter) {
        while (!closing()) {
            try {
                recv(Libc.MSG_DONTWAIT);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR && e.getErrorCode() != Libc.ENOBUFS) {
                    break;
                }
            }
        }
        resync(reporter);
    }

    @Override
    void release() {
        carriers.close();
        Libc.closeQuietly(fd);
    }

    /** struct timeval: two C longs, seconds and microseconds. */
    private static byte[] timeval(long micros) {
        int size = Native.LONG_SIZE;
        ByteBuffer b = ByteBuffer.allocate(2 * size).order(ByteOrder.nativeOrder());
        if (size == Long.BYTES) {
            b.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
        } else {
            b.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
        }
        return b.array();
    }

    private static byte[] native4(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(value).array();
    }
}
