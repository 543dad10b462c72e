package io.lacpd.team.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes a member NIC from the host stack while it is in a team, and gives it back on {@link #close}:
 * <ul>
 * <li>one NIC, one team: an exclusive flock on {@code /run/lacpd/members/IFNAME.NETNS.lock} (NETNS: the
 *     namespace's inode) for the team's life;</li>
 * <li>a NIC with an IPv4 or global IPv6 address is refused (the host uses it; taking it would cut that off);</li>
 * <li>a tcx ingress program that drops every frame, so the host stack neither answers ARP nor accepts IP on
 *     the member; packet sockets see frames before tcx, so the data path and pcap (LACPDUs) still do. The
 *     link lives with its descriptor: a crashed daemon leaves the NIC usable;</li>
 * <li>disable_ipv6=1, arp_ignore=8, accept_ra=0 on the member, the old values put back on close;</li>
 * <li>the team MAC in the member's unicast filter (promiscuous mode where the driver has no filter); the member
 *     promiscuous when the team carries other MACs than its own ({@code hyperv-port}, {@code dynamic}: VMs on a
 *     bridge over the team interface), as a bridge makes its ports.</li>
 * </ul>
 * Everything is done in the calling thread's network namespace; {@link #close} may run on any thread, as it
 * works through the descriptors opened here.
 */
public final class MemberIsolation implements AutoCloseable {

    /** Where the member locks live. */
    public static final Path LOCK_DIRECTORY = Path.of("/run/lacpd/members");

    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_LINK_CREATE = 28;
    private static final int BPF_PROG_TYPE_SCHED_CLS = 3;
    private static final int BPF_TCX_INGRESS = 46;
    /** union bpf_attr as this machine's headers know it; the kernel takes a shorter attr with the rest zero. */
    private static final int BPF_ATTR_SIZE = 144;
    /** r0 = TC_ACT_SHOT (2); exit. */
    private static final byte[] DROP_PROGRAM = {
            (byte) 0xb7, 0, 0, 0, 2, 0, 0, 0,
            (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    private static final int IPV6_SCOPE_GLOBAL = 0;

    private final String name;
    private final int lockFd;
    private final Path lockFile;
    private final int linkFd;
    private final int membershipFd;
    private final Deque<Sysctl> sysctls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private record Sysctl(Path path, FileChannel file, String oldValue) {
    }

    private MemberIsolation(String name, int lockFd, Path lockFile, int linkFd, int membershipFd,
                            Deque<Sysctl> sysctls) {
        this.name = name;
        this.lockFd = lockFd;
        this.lockFile = lockFile;
        this.linkFd = linkFd;
        this.membershipFd = membershipFd;
        this.sysctls = sysctls;
    }

    /**
     * Takes the interface {@code name} for a team whose MAC is {@code teamMac}.
     *
     * @throws IOException with one line saying why, when another team holds the NIC (nothing is touched),
     *                     when it has an address, or when the kernel refuses a step (what was done is undone)
     */
    public static MemberIsolation take(String name, MacAddress teamMac) throws IOException {
        return take(name, teamMac, false, LOCK_DIRECTORY);
    }

    /**
     * As {@link #take(String, MacAddress)}; with {@code promiscuous} the member receives frames for every MAC,
     * for the virtual machines behind the team, until {@link #close}.
     */
    public static MemberIsolation take(String name, MacAddress teamMac, boolean promiscuous) throws IOException {
        return take(name, teamMac, promiscuous, LOCK_DIRECTORY);
    }

    /** As {@link #take(String, MacAddress)} with the locks in {@code lockDirectory}. */
    public static MemberIsolation take(String name, MacAddress teamMac, Path lockDirectory) throws IOException {
        return take(name, teamMac, false, lockDirectory);
    }

    /** As {@link #take(String, MacAddress, boolean)} with the locks in {@code lockDirectory}. */
    public static MemberIsolation take(String name, MacAddress teamMac, boolean promiscuous, Path lockDirectory)
            throws IOException {
        int ifindex = Libc.if_nametoindex(name);
        if (ifindex == 0) {
            throw new IOException("no interface " + name);
        }
        int lockFd = lock(name, lockDirectory);
        Path lockFile = lockFile(name, lockDirectory);
        Deque<Sysctl> sysctls = new ArrayDeque<>();
        int linkFd = -1;
        try {
            refuseAddressed(name, ifindex);
            // A team that died without giving the NIC back left the values it found in the lock file: those are
            // the NIC's own, not the ones it set.
            Map<String, String> found = savedValues(lockFile);
            String dir = name.replace('.', '/');
            set(sysctls, found, Path.of("/proc/sys/net/ipv6/conf", dir, "accept_ra"), "0");
            set(sysctls, found, Path.of("/proc/sys/net/ipv6/conf", dir, "disable_ipv6"), "1");
            set(sysctls, found, Path.of("/proc/sys/net/ipv4/conf", dir, "arp_ignore"), "8");
            save(lockFile, sysctls);
            linkFd = attachDrop(name, ifindex);
            int membershipFd = addUnicast(name, ifindex, teamMac, promiscuous);
            return new MemberIsolation(name, lockFd, lockFile, linkFd, membershipFd, sysctls);
        } catch (IOException | RuntimeException e) {
            if (linkFd >= 0) {
                Libc.closeQuietly(linkFd);
            }
            restore(sysctls);
            Libc.closeQuietly(lockFd);
            throw e;
        }
    }

    /**
     * The lock file's name: the interface's and its network namespace's inode, as a name is unique only within
     * a namespace (eth1 in two namespaces is two NICs).
     */
    private static Path lockFile(String name, Path lockDirectory) throws IOException {
        String ns = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString().replaceAll("\\D", "");
        return lockDirectory.resolve(name + "." + ns + ".lock");
    }

    private static int lock(String name, Path lockDirectory) throws IOException {
        Files.createDirectories(lockDirectory);
        Path file = lockFile(name, lockDirectory);
        int fd = Libc.check("cannot open " + file,
                () -> Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0644));
        try {
            Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            if (e.getErrorCode() == Libc.EAGAIN) {
                throw new IOException(name + " is already a member of another team (" + file + " is locked)");
            }
            throw new IOException("cannot lock " + file + ": " + e.getMessage());
        }
        return fd;
    }

    private static void refuseAddressed(String name, int ifindex) throws IOException {
        int s = Libc.check("cannot check the addresses of " + name,
                () -> Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0));
        try {
            ByteBuffer ifr = Libc.ifreq(name);
            Libc.ioctl(s, Libc.SIOCGIFADDR, ifr.array());
            ByteBuffer r = ByteBuffer.wrap(ifr.array());
            throw new IOException(name + " has the IPv4 address " + (r.get(20) & 0xff) + "." + (r.get(21) & 0xff)
                    + "." + (r.get(22) & 0xff) + "." + (r.get(23) & 0xff)
                    + ": a member carries no address of its own (remove it, then add the NIC to the team)");
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.EADDRNOTAVAIL) {
                throw new IOException("cannot check the addresses of " + name + ": " + e.getMessage());
            }
        } finally {
            Libc.closeQuietly(s);
        }
        Path inet6 = Path.of("/proc/thread-self/net/if_inet6");
        if (!Files.exists(inet6)) {
            return;
        }
        // address ifindex prefix scope flags name, all hex
        for (String line : Files.readAllLines(inet6)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && Integer.parseInt(f[1], 16) == ifindex
                    && Integer.parseInt(f[3], 16) == IPV6_SCOPE_GLOBAL) {
                throw new IOException(name + " has the global IPv6 address " + f[0]
                        + ": a member carries no address of its own (remove it, then add the NIC to the team)");
            }
        }
    }

    /** The sysctl values a team that did not give the NIC back had found, by path; empty after a clean exit. */
    private static Map<String, String> savedValues(Path lockFile) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(lockFile, StandardCharsets.US_ASCII)) {
            int space = line.lastIndexOf(' ');
            if (space > 0) {
                values.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return values;
    }

    /** Writes the values found into the lock file, so that the next team restores them should this one die. */
    private static void save(Path lockFile, Deque<Sysctl> sysctls) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Sysctl s : sysctls) {
            text.append(s.path()).append(' ').append(s.oldValue()).append('\n');
        }
        Files.writeString(lockFile, text, StandardCharsets.US_ASCII);
    }

    private static void set(Deque<Sysctl> done, Map<String, String> found, Path path, String value)
            throws IOException {
        FileChannel file;
        try {
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return; // IPv6 absent from this kernel or interface: nothing to switch off
        }
        try {
            ByteBuffer old = ByteBuffer.allocate(32);
            file.read(old, 0);
            String oldValue = found.getOrDefault(path.toString(),
                    new String(old.array(), 0, old.position(), StandardCharsets.US_ASCII).strip());
            write(file, value);
            done.push(new Sysctl(path, file, oldValue));
        } catch (IOException e) {
            file.close();
            throw new IOException("cannot set " + path + " to " + value + ": " + e.getMessage());
        }
    }

    private static void write(FileChannel file, String value) throws IOException {
        file.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static void restore(Deque<Sysctl> sysctls) {
        while (!sysctls.isEmpty()) {
            Sysctl s = sysctls.pop();
            try (FileChannel f = s.file()) {
                write(f, s.oldValue());
            } catch (IOException e) {
                // the interface is gone, and its settings with it
            }
        }
    }

    private static int attachDrop(String name, int ifindex) throws IOException {
        Memory insns = new Memory(DROP_PROGRAM.length);
        insns.write(0, DROP_PROGRAM, 0, DROP_PROGRAM.length);
        Memory license = new Memory(4);
        license.setString(0, "GPL", "US-ASCII");
        Memory attr = new Memory(BPF_ATTR_SIZE);
        attr.clear();
        attr.setInt(0, BPF_PROG_TYPE_SCHED_CLS);
        attr.setInt(4, DROP_PROGRAM.length / 8);
        attr.setPointer(8, insns);
        attr.setPointer(16, license);
        int prog;
        try {
            prog = (int) Libc.syscall(Libc.SYS_BPF, BPF_PROG_LOAD, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new IOException(name + ": cannot load the tcx drop program: " + e.getMessage());
        }
        try {
            attr.clear();
            attr.setInt(0, prog);
            attr.setInt(4, ifindex);
            attr.setInt(8, BPF_TCX_INGRESS);
            return (int) Libc.syscall(Libc.SYS_BPF, BPF_LINK_CREATE, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new IOException(name + ": cannot attach the tcx ingress drop: " + e.getMessage());
        } finally {
            Libc.closeQuietly(prog); // the link holds the program
        }
    }

    /**
     * The team MAC into the unicast filter, or promiscuous mode when the kernel refuses that or when asked; the
     * memberships go with the descriptor.
     */
    private static int addUnicast(String name, int ifindex, MacAddress mac, boolean promiscuous) throws IOException {
        int fd = Libc.check("cannot open a packet socket for " + name,
                () -> Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0));
        try {
            boolean filtered = true;
            try {
                Libc.addMembership(fd, ifindex, Libc.PACKET_MR_UNICAST, mac.bits());
            } catch (LastErrorException e) {
                filtered = false;
            }
            if (promiscuous || !filtered) {
                Libc.addMembership(fd, ifindex, Libc.PACKET_MR_PROMISC, mac.bits());
            }
            return fd;
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new IOException(name + ": cannot receive for " + mac + ": " + e.getMessage());
        }
    }

    /** The member's name. */
    public String name() {
        return name;
    }

    /** Gives the member back: the drop goes, the filter entry goes, the sysctls return, the lock is released. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.closeQuietly(linkFd);
            Libc.closeQuietly(membershipFd);
            restore(sysctls);
            try {
                Files.writeString(lockFile, ""); // given back: nothing for the next team to restore
            } catch (IOException e) {
                // the next team then restores the same values again, which is harmless
            }
            Libc.closeQuietly(lockFd);
        }
    }
}
