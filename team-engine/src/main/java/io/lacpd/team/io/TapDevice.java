package io.lacpd.team.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A team interface: a TAP device opened with {@code IFF_TAP|IFF_NO_PI|IFF_VNET_HDR} and the TSO/CSUM offloads,
 * so that the host stack hands it whole 64 KB super-frames, each read or written as a 10-byte virtio_net_hdr
 * followed by the Ethernet frame. Non-persistent: closing it removes the interface. It lives in the network
 * namespace of the thread that opens it. Reads do not block (the caller polls {@link #fd}); reads and writes
 * allocate nothing.
 */
public final class TapDevice implements AutoCloseable {

    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final long TUNSETCARRIER = 0x400454e2L;
    private static final short IFF_TAP = 0x2;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final short IFF_UP = 0x1;
    private static final short ARPHRD_ETHER = 1;

    /** TUNSETOFFLOAD flags. */
    public static final int TUN_F_CSUM = 0x1;
    public static final int TUN_F_TSO4 = 0x2;
    public static final int TUN_F_TSO6 = 0x4;
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;

    private final String name;
    private final int fd;
    private final int offloads;
    private final Memory carrier = new Memory(4);
    private final AtomicBoolean closed = new AtomicBoolean();

    private TapDevice(String name, int fd, int offloads) {
        this.name = name;
        this.fd = fd;
        this.offloads = offloads;
    }

    /**
     * Creates the TAP {@code name} with this MAC and MTU, brings it up with no carrier (the team is down until
     * {@link #setCarrier}).
     *
     * @param name at most 15 characters
     * @throws IOException naming the device when the kernel refuses
     * @throws IllegalArgumentException when the name is empty or too long
     */
    public static TapDevice open(String name, MacAddress mac, int mtu) throws IOException {
        ByteBuffer ifr = Libc.ifreq(name);
        int fd = Libc.check("cannot open /dev/net/tun for " + name,
                () -> Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0));
        try {
            ifr.putShort(Libc.IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            call(name, "TUNSETIFF", () -> Libc.ioctl(fd, TUNSETIFF, ifr.array()));
            Memory size = new Memory(4);
            size.setInt(0, VnetHeader.LENGTH);
            call(name, "TUNSETVNETHDRSZ", () -> Libc.ioctl(fd, TUNSETVNETHDRSZ, size));
            int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6;
            try {
                Libc.ioctlValue(fd, TUNSETOFFLOAD, offloads);
            } catch (LastErrorException e) {
                // kernels before 6.2 have no USO: keep TCP segmentation offload
                offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
                int tcp = offloads;
                call(name, "TUNSETOFFLOAD", () -> Libc.ioctlValue(fd, TUNSETOFFLOAD, tcp));
            }
            TapDevice tap = new TapDevice(name, fd, offloads);
            tap.setCarrier(false);
            configure(name, mac, mtu);
            return tap;
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * The TAP's queue toward the transmit thread, in frames. The kernel's default of 1000 overflows when a burst of
     * small frames (a UDP sender at 70,000 frames a second) outruns the thread for a moment; a TAP drops, it does
     * not push back.
     */
    static final int TX_QUEUE_LENGTH = 10_000;

    /** MAC, MTU, queue length and IFF_UP through an AF_INET socket of the calling thread's namespace. */
    private static void configure(String name, MacAddress mac, int mtu) throws IOException {
        int s = Libc.check("cannot configure " + name,
                () -> Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0));
        try {
            ByteBuffer hw = Libc.ifreq(name);
            hw.putShort(Libc.IFNAMSIZ, ARPHRD_ETHER);
            for (int i = 0; i < 6; i++) {
                hw.put(Libc.IFNAMSIZ + 2 + i, (byte) (mac.bits() >>> (40 - 8 * i)));
            }
            call(name, "SIOCSIFHWADDR " + mac, () -> Libc.ioctl(s, Libc.SIOCSIFHWADDR, hw.array()));
            ByteBuffer m = Libc.ifreq(name);
            m.putInt(Libc.IFNAMSIZ, mtu);
            call(name, "SIOCSIFMTU " + mtu, () -> Libc.ioctl(s, Libc.SIOCSIFMTU, m.array()));
            ByteBuffer q = Libc.ifreq(name);
            q.putInt(Libc.IFNAMSIZ, TX_QUEUE_LENGTH);
            call(name, "SIOCSIFTXQLEN " + TX_QUEUE_LENGTH, () -> Libc.ioctl(s, Libc.SIOCSIFTXQLEN, q.array()));
            ByteBuffer flags = Libc.ifreq(name);
            call(name, "SIOCGIFFLAGS", () -> Libc.ioctl(s, Libc.SIOCGIFFLAGS, flags.array()));
            flags.putShort(Libc.IFNAMSIZ, (short) (flags.getShort(Libc.IFNAMSIZ) | IFF_UP));
            call(name, "SIOCSIFFLAGS up", () -> Libc.ioctl(s, Libc.SIOCSIFFLAGS, flags.array()));
        } finally {
            Libc.closeQuietly(s);
        }
    }

    private static void call(String name, String what, Libc.Call call) throws IOException {
        Libc.check(name + ": " + what + " failed", call);
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /** The descriptor, for poll(2). */
    public int fd() {
        return fd;
    }

    /** The TUN_F_* offloads the kernel accepted. */
    public int offloads() {
        return offloads;
    }

    /** Sets the interface's carrier: the host sees NO-CARRIER while the team cannot transmit. */
    public synchronized void setCarrier(boolean on) throws IOException {
        carrier.setInt(0, on ? 1 : 0);
        call(name, "TUNSETCARRIER", () -> Libc.ioctl(fd, TUNSETCARRIER, carrier));
    }

    /**
     * Reads one frame, virtio_net_hdr first.
     *
     * @param at       where to put it (a direct buffer's address, computed once)
     * @param capacity room at {@code at}
     * @return the octets read, or -errno ({@code -EAGAIN} when no frame waits)
     */
    public long read(Pointer at, int capacity) {
        long n = Libc.read(fd, at, capacity);
        return n >= 0 ? n : -Native.getLastError();
    }

    /**
     * Writes one frame, virtio_net_hdr first, to the host stack.
     *
     * @return the octets written, or -errno
     */
    public long write(Pointer at, int length) {
        long n = Libc.write(fd, at, length);
        return n >= 0 ? n : -Native.getLastError();
    }

    /** Closes the device: the interface disappears. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.closeQuietly(fd);
        }
    }
}
