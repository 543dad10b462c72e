package io.lacpd.interop.linux;

import com.fasterxml.jackson.databind.JsonNode;
import io.lacpd.team.NetnsLab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.lacpd.team.NetnsLab.port;

/**
 * Our lacpd in namespace A on eth1 and eth2, and the Linux bonding guest in B on their other ends: the fixture
 * of the scenarios that send traffic through the team or try its options. {@link #close} stops our daemon, the
 * guest (by pid) and removes the namespaces.
 */
final class GuestLab implements AutoCloseable {

    static final String OURS = "02:00:00:00:00:0a";
    static final String LINUX = "02:00:00:00:00:0b";
    static final String OUR_IP = "192.0.2.1";
    static final String GUEST_IP = "192.0.2.2";
    /** The guest's 802.3ad bond of both NICs, fast, with {@link #GUEST_IP} on bond0. */
    static final LinuxBondPeer.Bond LACP = LinuxBondPeer.Bond.fast(LINUX, "eth0", "eth1").ip(GUEST_IP + "/24");
    /** The same as balance-xor: a static LAG that speaks no LACP. */
    static final LinuxBondPeer.Bond STATIC = LACP.mode(LinuxBondPeer.Bond.STATIC);

    final NetnsLab lab;
    final LinuxBondPeer linux;
    /** Nanoseconds from the guest's launch to its command loop. */
    final long readyNanos;
    private Process daemon;

    private GuestLab(NetnsLab lab, LinuxBondPeer linux, long readyNanos) {
        this.lab = lab;
        this.linux = linux;
        this.readyNanos = readyNanos;
    }

    /** Two links, the guest booted with {@code bond} and answering its command loop. */
    static GuestLab launch(LinuxBondPeer.Bond bond) throws Exception {
        GuestImage image = GuestImage.get();
        NetnsLab lab = new NetnsLab(2);
        try {
            List<LinuxBondPeer.Nic> nics = new ArrayList<>();
            for (int k = 1; k <= 2; k++) {
                nics.add(new LinuxBondPeer.Nic("tp" + lab.id + k, "eth" + k, String.format("52:54:00:0b:00:%02x", k),
                        10_000));
            }
            LinuxBondPeer linux = LinuxBondPeer.launch(image, "linux", lab.nsB, lab.dir, nics, bond);
            return new GuestLab(lab, linux, linux.awaitReady(90_000));
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** No daemon of ours, no address on our veths, every link up. */
    void reset() throws Exception {
        stopDaemon();
        for (int k = 1; k <= 2; k++) {
            lab.inNs("A", "ip", "addr", "flush", "dev", "eth" + k);
            lab.inNs("A", "ip", "link", "set", "eth" + k, "up");
            lab.inNs("B", "ip", "link", "set", "eth" + k, "up");
        }
    }

    /** Our lacpd on eth1 and eth2, fast, with these further flags. */
    void startOurs(String... more) throws IOException {
        List<String> flags = new ArrayList<>(List.of("--ports", "eth1,eth2", "--lacp-rate", "fast", "--system-mac", OURS));
        flags.addAll(List.of(more));
        daemon = lab.startDaemon("A", flags.toArray(String[]::new));
    }

    void stopDaemon() throws InterruptedException {
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
            daemon = null;
        }
    }

    /** What each side and the plumbing between them say, for a failure message. */
    String diagnosis() {
        StringBuilder b = new StringBuilder();
        try {
            b.append("---- our status ----\n").append(lab.status("A"))
                    .append("\n---- our log ----\n").append(lab.readLog("A"))
                    .append("---- A: ip -s link; ip neigh ----\n").append(NetnsLab.run("ip", "-n", lab.nsA, "-s", "link"))
                    .append(NetnsLab.run("ip", "-n", lab.nsA, "neigh"))
                    .append("---- B: ip -s link ----\n").append(NetnsLab.run("ip", "-n", lab.nsB, "-s", "link"));
            b.append("---- guest ----\n").append(linux.exec("cat /proc/net/bonding/bond0; ip -s link; ip addr; "
                    + "ip neigh show; ls -l /tmp; dmesg | tail -20").output());
        } catch (IOException | InterruptedException e) {
            b.append(e).append('\n');
        }
        return b.append(linux.console()).toString();
    }

    /** Waits until both our status and the guest's say what they should; fails with both sides' view. */
    void await(String what, Predicate<JsonNode> ours, Predicate<BondStatus> guest, long timeoutMillis)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            JsonNode team = lab.status("A");
            if (team != null && ours.test(team) && guest.test(linux.status())) {
                return;
            }
            if (daemon != null && !daemon.isAlive()) {
                throw new AssertionError(what + ": our daemon exited with " + daemon.exitValue() + "\n" + diagnosis());
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + ": not within " + timeoutMillis + " ms\n" + diagnosis());
            }
            Thread.sleep(50);
        }
    }

    /** The team interface has carrier and these members carry the host's traffic. */
    static boolean carrying(JsonNode team, String... members) {
        if (!team.get("team_interface").get("carrier").asBoolean()) {
            return false;
        }
        for (String m : members) {
            if (!port(team, m).get("carrying_traffic").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        try {
            stopDaemon();
            linux.close();
        } finally {
            lab.close();
        }
    }
}
