package io.lacpd.interop.linux;

import io.lacpd.team.NetnsLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Linux bonding peer: Debian's cloud kernel under QEMU (software emulation), its bond0 in
 * 802.3ad mode (or balance-xor, a static LAG) over virtio-net NICs. Each NIC is a tap device in a network namespace, joined to a
 * "wire" interface there (the namespace's end of a veth pair) by tc mirred in both directions, since a
 * bridge would not forward LACPDUs.
 *
 * <p>The guest answers shell commands on its second serial port (see {@code linux-guest/init}); the
 * QEMU monitor (QMP) sets the guest-side carrier. {@link #close} kills QEMU by pid and removes the taps,
 * and a shutdown hook kills QEMU should the JVM go first.
 */
public final class LinuxBondPeer implements AutoCloseable {

    /** A guest NIC: its tap device, the interface it is mirrored to, its MAC and the speed it reports. */
    public record Nic(String tap, String wire, String mac, int speedMbps) {
    }

    /**
     * bond0's settings. Null fields keep the kernel's default (systemPriority 65535, userKey 0, select
     * stable).
     *
     * @param rate   lacp_rate: fast or slow
     * @param active lacp_active: on or off
     * @param system ad_actor_system
     * @param slaves guest interface names, eth0 being the first NIC
     * @param mode   the bonding mode: 802.3ad, or balance-xor (a static LAG: no LACP, so the LACP
     *               settings above do not apply)
     * @param ip     an IPv4 address with its prefix length for bond0, or null for none
     */
    public record Bond(String rate, String active, String system, Integer systemPriority, Integer userKey,
                       String select, List<String> slaves, String mode, String ip) {

        public static final String LACP = "802.3ad";
        public static final String STATIC = "balance-xor";

        public static Bond fast(String system, String... slaves) {
            return new Bond("fast", "on", system, null, null, null, List.of(slaves), LACP, null);
        }

        public Bond rate(String r) {
            return new Bond(r, active, system, systemPriority, userKey, select, slaves, mode, ip);
        }

        public Bond active(String a) {
            return new Bond(rate, a, system, systemPriority, userKey, select, slaves, mode, ip);
        }

        public Bond select(String s) {
            return new Bond(rate, active, system, systemPriority, userKey, s, slaves, mode, ip);
        }

        public Bond slaves(String... s) {
            return new Bond(rate, active, system, systemPriority, userKey, select, List.of(s), mode, ip);
        }

        public Bond mode(String m) {
            return new Bond(rate, active, system, systemPriority, userKey, select, slaves, m, ip);
        }

        /** bond0 with this address, e.g. 192.0.2.2/24. */
        public Bond ip(String cidr) {
            return new Bond(rate, active, system, systemPriority, userKey, select, slaves, mode, cidr);
        }

        String cmdline() {
            StringBuilder b = new StringBuilder("bond.rate=" + rate + " bond.active=" + active);
            if (system != null) {
                b.append(" bond.system=").append(system);
            }
            if (systemPriority != null) {
                b.append(" bond.prio=").append(systemPriority);
            }
            if (userKey != null) {
                b.append(" bond.key=").append(userKey);
            }
            if (select != null) {
                b.append(" bond.select=").append(select);
            }
            if (!mode.equals(LACP)) {
                b.append(" bond.mode=").append(mode);
            }
            if (ip != null) {
                b.append(" bond.ip=").append(ip);
            }
            return b.append(" bond.slaves=").append(String.join(",", slaves)).toString();
        }

        /**
         * The guest's command that rebuilds bond0 so: the mode and the address are the guest's variables
         * BOND_MODE and BOND_IP, the rest are {@code bond_up}'s arguments ("-" keeps what the kernel command
         * line said).
         */
        String shellCommand() {
            return "BOND_MODE=" + mode + "; BOND_IP=" + (ip == null ? "" : ip) + "; bond_up "
                    + String.join(" ", rate, active, or(system), or(systemPriority), or(userKey), or(select))
                    + " " + String.join(" ", slaves);
        }

        private static String or(Object o) {
            return o == null ? "-" : o.toString();
        }
    }

    public final String name;
    public final String ns;
    public final List<Nic> nics;
    private final Path dir;
    private final Process qemu;
    private final long launchNanos;
    private final Thread killer;
    private LineSocket shell;
    private LineSocket qmp;
    private volatile boolean ready;

    private LinuxBondPeer(String name, String ns, Path dir, List<Nic> nics, Process qemu, long launchNanos) {
        this.name = name;
        this.ns = ns;
        this.dir = dir;
        this.nics = nics;
        this.qemu = qemu;
        this.launchNanos = launchNanos;
        this.killer = new Thread(qemu::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Makes the taps in {@code ns}, wires them to the NICs' wire interfaces and starts QEMU there; returns
     * at once. Then call {@link #awaitReady}.
     */
    public static LinuxBondPeer launch(GuestImage image, String name, String ns, Path dir, List<Nic> nics, Bond bond)
            throws IOException, InterruptedException {
        List<String> made = new ArrayList<>();
        try {
            NetnsLab.sh("ip", "-n", ns, "link", "set", "lo", "up");
            for (Nic nic : nics) {
                NetnsLab.sh("ip", "-n", ns, "tuntap", "add", "dev", nic.tap, "mode", "tap");
                made.add(nic.tap);
                NetnsLab.sh("ip", "-n", ns, "link", "set", nic.tap, "up");
                mirror(ns, nic.tap, nic.wire);
                mirror(ns, nic.wire, nic.tap);
            }
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "qemu-system-x86_64",
                    "-accel", "tcg,tb-size=32", "-M", "pc", "-smp", "1", "-m", "96",
                    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                    "-kernel", image.vmlinux().toString(), "-initrd", image.initrd().toString(),
                    "-append", "console=ttyS0 quiet panic=-1 " + bond.cmdline(),
                    "-serial", "file:" + dir.resolve(name + "-console.log"),
                    "-serial", "unix:" + dir.resolve(name + "-cmd.sock") + ",server=on,wait=off",
                    "-qmp", "unix:" + dir.resolve(name + "-qmp.sock") + ",server=on,wait=off"));
            for (int i = 0; i < nics.size(); i++) {
                Nic nic = nics.get(i);
                cmd.addAll(List.of("-netdev", "tap,id=n" + i + ",ifname=" + nic.tap + ",script=no,downscript=no",
                        // speed and duplex are required: without them bonding reads no speed, keeps the
                        // slave down and never sends a LACPDU
                        "-device", "virtio-net-pci,netdev=n" + i + ",mac=" + nic.mac + ",speed=" + nic.speedMbps
                                + ",duplex=full,romfile="));
            }
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + "-qemu.log").toFile()).start();
            LinuxBondPeer peer = new LinuxBondPeer(name, ns, dir, List.copyOf(nics), p, start);
            try {
                // connected before the guest's kernel runs, so its "@@ready" cannot pass unheard
                peer.shell = LineSocket.connect(dir.resolve(name + "-cmd.sock"), name + "-serial", p, 10_000);
            } catch (IOException | RuntimeException e) {
                peer.close();
                throw e;
            }
            return peer;
        } catch (IOException | RuntimeException e) {
            for (String tap : made) {
                hostQuiet("ip", "-n", ns, "link", "del", tap);
            }
            throw e;
        }
    }

    /** tc mirred: every frame arriving on {@code from} leaves through {@code to}. */
    private static void mirror(String ns, String from, String to) throws IOException, InterruptedException {
        NetnsLab.sh("tc", "-n", ns, "qdisc", "add", "dev", from, "ingress");
        NetnsLab.sh("tc", "-n", ns, "filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "prio", "10",
                "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", to);
    }

    /** Waits until the guest's command loop answers; returns the nanoseconds since launch. */
    public long awaitReady(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = launchNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean nudged = false;
        while (true) {
            String line = shell.poll(Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
            if (line != null && line.equals("@@ready")) {
                break;
            }
            if (line != null && line.startsWith("@@closed") || !qemu.isAlive()) {
                throw new IOException(name + ": QEMU stopped while booting\n" + console());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(name + ": no answer " + timeoutMillis + " ms after launch\n" + console());
            }
            if (line == null && !nudged && System.nanoTime() - launchNanos > TimeUnit.SECONDS.toNanos(30)) {
                // should the guest's "@@ready" have been lost, ask again
                shell.send("echo @@ready\n");
                nudged = true;
            }
        }
        long readyNanos = System.nanoTime() - launchNanos;
        qmp = LineSocket.connect(dir.resolve(name + "-qmp.sock"), name + "-qmp", qemu, 5_000);
        qmpExpect(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), "\"QMP\"");
        qmp.send("{\"execute\":\"qmp_capabilities\"}\n");
        qmpExpect(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), "\"return\"");
        ready = true;
        if (exec("test -e /proc/net/bonding/bond0").rc != 0) {
            throw new IOException(name + ": the guest has no bond0\n" + console());
        }
        return readyNanos;
    }

    /** QEMU runs and the guest answered: {@link #awaitReady} returned. */
    public boolean isReady() {
        return ready && qemu.isAlive();
    }

    public long launchNanos() {
        return launchNanos;
    }

    public record Result(int rc, String output) {
    }

    /** Runs one shell line in the guest: its exit code and output (stdout and stderr). */
    public synchronized Result exec(String line) throws IOException, InterruptedException {
        if (!ready) {
            throw new IllegalStateException(name + " is not ready");
        }
        shell.drain();
        shell.send(line + "\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        StringBuilder out = new StringBuilder();
        while (true) {
            String l = shell.poll(deadline);
            if (l == null) {
                throw new IOException(name + ": no answer to '" + line + "' within 20 s; so far: " + out);
            }
            if (l.startsWith("@@closed")) {
                throw new IOException(name + ": serial port closed during '" + line + "'\n" + console());
            }
            if (l.startsWith("@@rc ")) {
                return new Result(Integer.parseInt(l.substring(5).strip()), out.toString());
            }
            out.append(l).append('\n');
        }
    }

    /** Runs one shell line in the guest and fails unless it exits 0. */
    public String sh(String line) throws IOException, InterruptedException {
        Result r = exec(line);
        if (r.rc != 0) {
            throw new IOException(name + ": '" + line + "' exited " + r.rc + ": " + r.output);
        }
        return r.output;
    }

    public BondStatus status() throws IOException, InterruptedException {
        return BondStatus.parse(sh("cat /proc/net/bonding/bond0"));
    }

    /** Waits until the bond's status meets the condition; returns the nanoseconds it took. */
    public long await(Predicate<BondStatus> condition, long timeoutMillis) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        BondStatus last = null;
        while (System.nanoTime() - end < 0) {
            last = status();
            if (condition.test(last)) {
                return System.nanoTime() - start;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + ": condition not met within " + timeoutMillis + " ms; last status:\n"
                + (last == null ? "none" : last.raw()));
    }

    /** Rebuilds bond0 with these settings (the slaves are released and enslaved again). */
    public void rebuild(Bond bond) throws IOException, InterruptedException {
        String out = sh(bond.shellCommand());
        if (out.contains("cannot") || out.contains("can't")) {
            throw new IOException(name + ": " + bond.shellCommand() + ": " + out);
        }
    }

    /** The guest-side carrier of NIC {@code index} (its eth{index}), as a pulled cable: QMP set_link. */
    public void carrier(int index, boolean up) throws IOException, InterruptedException {
        qmp.drain();
        qmp.send("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"n" + index + "\",\"up\":" + up + "}}\n");
        qmpExpect(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), "\"return\"");
    }

    /** Administrative state of a guest interface: {@code ip link set IF up|down} in the guest. */
    public void guestLink(String ifname, boolean up) throws IOException, InterruptedException {
        sh("ip link set " + ifname + (up ? " up" : " down"));
    }

    /**
     * Silences NIC {@code index}: its outgoing slow-protocol frames (EtherType 0x8809, the LACPDUs) are
     * taken away where they leave the guest, at the tap's ingress, before the mirror to the wire. The guest
     * notices nothing. The host kernel here has no tc gact ("action drop"), only mirred: the frames are
     * redirected to the namespace's loopback, where nothing takes them.
     */
    public void silence(int index, boolean silent) throws IOException, InterruptedException {
        String tap = nics.get(index).tap;
        if (silent) {
            NetnsLab.sh("tc", "-n", ns, "filter", "add", "dev", tap, "parent", "ffff:", "protocol", "0x8809",
                    "prio", "1", "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", "lo");
        } else {
            hostQuiet("tc", "-n", ns, "filter", "del", "dev", tap, "parent", "ffff:", "prio", "1");
        }
    }

    private void qmpExpect(long deadline, String wanted) throws IOException, InterruptedException {
        while (true) {
            String l = qmp.poll(deadline);
            if (l == null || l.startsWith("@@closed")) {
                throw new IOException(name + ": QMP gave no " + wanted + (l == null ? "" : ": " + l));
            }
            if (l.contains("\"error\"")) {
                throw new IOException(name + ": QMP: " + l);
            }
            if (l.contains(wanted)) {
                return;
            }
        }
    }

    /** The guest's console (kernel messages, init's lines) and QEMU's own output. */
    public String console() {
        StringBuilder b = new StringBuilder();
        for (String f : List.of(name + "-console.log", name + "-qemu.log")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    b.append("---- ").append(f).append(" ----\n").append(Files.readString(p));
                }
            } catch (IOException e) {
                b.append(e).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (shell != null) {
                shell.close();
            }
            if (qmp != null) {
                qmp.close();
            }
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
                qemu.waitFor(5, TimeUnit.SECONDS);
            }
            for (Nic nic : nics) {
                hostQuiet("tc", "-n", ns, "qdisc", "del", "dev", nic.wire, "ingress");
                hostQuiet("ip", "-n", ns, "link", "del", nic.tap);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook kills nothing that is still alive
            }
        }
    }

    /** Runs a command whose failure does not matter (cleanup); returns its output. */
    static String hostQuiet(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
