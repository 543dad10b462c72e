package io.lacpd.interop.ovs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One private Open vSwitch in a network namespace: its own ovsdb-server and ovs-vswitchd (userspace
 * datapath, since the kernel here has no openvswitch module), with database, sockets and logs in a
 * directory of its own. It starts with one bridge, br0; {@link #addBond} adds an LACP bond to it.
 *
 * <p>The daemons run as child processes of the test JVM (no --detach), so each is known by its pid from
 * the start. {@link #close} asks them to exit (ovs-vswitchd with --cleanup, which also removes its tap
 * devices), waits for those pids to go, kills them with SIGKILL if they do not, and deletes the directory.
 * A failed start cleans up the same way.
 *
 * <p>What this relies on about OVS: the bridge needs datapath_type=netdev (without it add-br succeeds
 * and the bridge does nothing), ovs-appctl -t needs an absolute path to the control socket, and the LACP
 * identity has to be set explicitly in the bond's own transaction because OVS's defaults are not stable
 * (docs/interop.md).
 */
public final class OvsPeer implements AutoCloseable {

    public static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    private static final long START_TIMEOUT_MS = 20_000;

    /** Daemons not yet stopped; if the test JVM is ended before close() ran, they are killed with it. */
    private static final Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "ovs-peer-reaper"));
    }

    public final String ns;
    public final Path dir;
    private final Path run;
    private final Path db;
    private final Path log;
    private final List<String> vsctl;
    private Process dbServer;
    private Process vswitchd;

    private final Map<String, String> switchConfig;

    private OvsPeer(String ns, Path dir, Map<String, String> switchConfig) {
        this.ns = ns;
        this.switchConfig = Map.copyOf(switchConfig);
        this.dir = dir;
        this.run = dir.resolve("run");
        this.db = dir.resolve("db");
        this.log = dir.resolve("log");
        this.vsctl = List.of("ovs-vsctl", "--db=unix:" + run.resolve("db.sock"), "--timeout=20");
    }

    /**
     * Starts ovsdb-server and ovs-vswitchd in namespace {@code ns}, in directory {@code parent/ovs-name},
     * and creates bridge br0 on the userspace datapath. Returns once the bridge exists.
     */
    public static OvsPeer start(String ns, Path parent, String name) throws IOException, InterruptedException {
        return start(ns, parent, name, Map.of());
    }

    /**
     * The same, with these keys of the Open_vSwitch table's other_config written before ovs-vswitchd starts
     * (it reads some of them, such as userspace-tso-enable, only at its start).
     */
    public static OvsPeer start(String ns, Path parent, String name, Map<String, String> switchConfig)
            throws IOException, InterruptedException {
        OvsPeer peer = new OvsPeer(ns, parent.resolve("ovs-" + name), switchConfig);
        try {
            peer.boot();
            return peer;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            try {
                peer.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void boot() throws IOException, InterruptedException {
        Files.createDirectories(run);
        Files.createDirectories(db);
        Files.createDirectories(log);
        exec(List.of("ovsdb-tool", "create", db.resolve("conf.db").toString(), SCHEMA.toString()));
        dbServer = spawn("ovsdb-server", List.of(db.resolve("conf.db").toString(),
                "--remote=punix:" + run.resolve("db.sock"),
                "--unixctl=" + run.resolve("ovsdb-server.ctl"),
                "--pidfile=" + run.resolve("ovsdb-server.pid"),
                "--log-file=" + log.resolve("ovsdb-server.log"),
                "--no-chdir", "-vconsole:off"));
        // ovs-vsctl keeps reconnecting to a socket that is not there yet; ask only once it exists
        retry("ovsdb-server answering", dbServer, () -> {
            exists(run.resolve("db.sock"));
            exec(concat(vsctl, "--no-wait", "init"));
        });
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(switchConfig).entrySet()) {
            vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:" + e.getKey() + "=" + e.getValue());
        }
        vswitchd = spawn("ovs-vswitchd", List.of("unix:" + run.resolve("db.sock"),
                "--unixctl=" + ctl(),
                "--pidfile=" + run.resolve("ovs-vswitchd.pid"),
                "--log-file=" + log.resolve("ovs-vswitchd.log"),
                "--no-chdir", "-vconsole:off"));
        retry("ovs-vswitchd answering", vswitchd, () -> {
            exists(Path.of(ctl()));
            exec(List.of("ovs-appctl", "--timeout=5", "-t", ctl(), "version"));
        });
        // Without datapath_type=netdev add-br still succeeds, and the bridge silently does nothing.
        vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev");
    }

    /** The LACP settings of one bond; the identity is always explicit (OVS's defaults are not stable). */
    public record Bond(String name, List<String> members, boolean active, boolean fast, String systemId,
                       int systemPriority, int firstPortId, int portPriority, int key) {

        /** Active, fast, system priority 100, port ids 11, 12, ..., port priority 200, key 7. */
        public static Bond of(String name, String systemId, String... members) {
            return new Bond(name, List.of(members), true, true, systemId, 100, 11, 200, 7);
        }

        public Bond passive() {
            return new Bond(name, members, false, fast, systemId, systemPriority, firstPortId, portPriority, key);
        }

        public Bond slow() {
            return new Bond(name, members, active, false, systemId, systemPriority, firstPortId, portPriority, key);
        }

        public Bond withKey(int newKey) {
            return new Bond(name, members, active, fast, systemId, systemPriority, firstPortId, portPriority, newKey);
        }

        public Bond withFirstPortId(int id) {
            return new Bond(name, members, active, fast, systemId, systemPriority, id, portPriority, key);
        }

        public int portId(String member) {
            return firstPortId + members.indexOf(member);
        }
    }

    /**
     * Adds the bond to br0 in one transaction, with bond_mode=balance-tcp, lacp=active|passive,
     * lacp-time=fast|slow, the system identity and, per interface, lacp-port-id, lacp-port-priority and
     * lacp-aggregation-key. Returns once ovs-vswitchd has applied it.
     */
    public void addBond(Bond bond) throws IOException, InterruptedException {
        if (bond.members().size() < 2) {
            throw new IllegalArgumentException("an OVS bond needs at least two members: " + bond);
        }
        List<String> cmd = new ArrayList<>(List.of("add-bond", "br0", bond.name()));
        cmd.addAll(bond.members());
        cmd.addAll(List.of("lacp=" + (bond.active() ? "active" : "passive"), "bond_mode=balance-tcp",
                "other_config:lacp-time=" + (bond.fast() ? "fast" : "slow"),
                "other_config:lacp-system-id=" + bond.systemId(),
                "other_config:lacp-system-priority=" + bond.systemPriority()));
        for (String m : bond.members()) {
            cmd.addAll(List.of("--", "set", "interface", m,
                    "other_config:lacp-port-id=" + bond.portId(m),
                    "other_config:lacp-port-priority=" + bond.portPriority(),
                    "other_config:lacp-aggregation-key=" + bond.key()));
        }
        vsctl(cmd.toArray(String[]::new));
    }

    /**
     * Adds a bond without LACP in one transaction: {@code mode} is OVS's bond_mode (active-backup,
     * balance-slb). Returns once ovs-vswitchd has applied it.
     */
    public void addStaticBond(String name, String mode, String... members) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("add-bond", "br0", name));
        cmd.addAll(List.of(members));
        cmd.addAll(List.of("lacp=off", "bond_mode=" + mode));
        vsctl(cmd.toArray(String[]::new));
    }

    /**
     * Gives br0's internal port (on the userspace datapath a tap device in this namespace) the address
     * {@code cidr} and sets it up, so the namespace's own stack is a host behind the switch.
     */
    public void addressBridge(String cidr) throws IOException, InterruptedException {
        inNs("ip", "addr", "add", cidr, "dev", "br0");
        inNs("ip", "link", "set", "br0", "up");
    }

    /** br0's MAC: the host behind the switch answers ARP with it. */
    public String bridgeMac() throws IOException, InterruptedException {
        // "br0  UNKNOWN  62:55:3d:0a:5b:4e <BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP>"
        return exec(List.of("ip", "-n", ns, "-br", "link", "show", "br0")).strip().split("\\s+")[2];
    }

    /**
     * Keeps this namespace's own stack off a bond member. The userspace datapath reads its members
     * through AF_PACKET and leaves them in the kernel's stack, so without this the namespace would answer
     * ARP for br0's address on the member itself, with the member's MAC (ARP flux), and take IP addressed
     * to br0 there too. The member keeps delivering every frame to OVS: arp_ignore=8 answers no ARP on
     * it, rp_filter=1 drops IPv4 whose source is routed through br0, and IPv6 is off on it.
     */
    public void keepHostStackOff(String iface) throws IOException, InterruptedException {
        inNs("sysctl", "-q", "-w", "net.ipv4.conf." + iface + ".arp_ignore=8",
                "net.ipv4.conf." + iface + ".rp_filter=1", "net.ipv6.conf." + iface + ".disable_ipv6=1");
    }

    /** {@code fdb/show br0}: the MACs the bridge has learned, each with the OpenFlow port ("LOCAL" is br0). */
    public Map<String, String> fdb() throws IOException, InterruptedException {
        return parseFdb(appctl("fdb/show", "br0"));
    }

    public String vsctl(String... args) throws IOException, InterruptedException {
        return exec(concat(vsctl, args));
    }

    /** ovs-appctl against this ovs-vswitchd; -t takes the control socket's absolute path. */
    public String appctl(String... args) throws IOException, InterruptedException {
        return exec(concat(List.of("ovs-appctl", "--timeout=10", "-t", ctl()), args));
    }

    /** {@code lacp/show BOND}, parsed. */
    public LacpShow lacp(String bond) throws IOException, InterruptedException {
        return parseLacpShow(appctl("lacp/show", bond));
    }

    /** {@code lacp/show-stats BOND}, parsed: per member. */
    public Map<String, Stats> stats(String bond) throws IOException, InterruptedException {
        return parseStats(appctl("lacp/show-stats", bond));
    }

    /** {@code bond/show BOND}, parsed: per member. */
    public Map<String, BondMember> bond(String bond) throws IOException, InterruptedException {
        return parseBondShow(appctl("bond/show", bond));
    }

    /**
     * Makes OVS's LACPDUs on {@code iface} vanish at the sending side, silently: a tc egress filter
     * redirects every slow-protocol frame to lo (down in these namespaces), where it is dropped. The
     * sender sees no error, unlike an nft drop on egress, which makes its send fail with ENOBUFS. A filter
     * on the receiving side would not help: AF_PACKET sees frames before ingress filters.
     */
    public void muteLacp(String iface) throws IOException, InterruptedException {
        inNs("tc", "qdisc", "add", "dev", iface, "clsact");
        inNs("tc", "filter", "add", "dev", iface, "egress", "protocol", "0x8809", "prio", "1", "u32",
                "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", "lo");
    }

    /** Removes {@link #muteLacp}'s filter. */
    public void unmuteLacp(String iface) throws IOException, InterruptedException {
        inNs("tc", "qdisc", "del", "dev", iface, "clsact");
    }

    /** Frames the egress filter on {@code iface} has swallowed. */
    public long mutedFrames(String iface) throws IOException, InterruptedException {
        String out = exec(List.of("ip", "netns", "exec", ns, "tc", "-s", "filter", "show", "dev", iface, "egress"));
        for (String line : out.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("Sent ") && l.contains(" pkt")) {
                return Long.parseLong(l.split("\\s+")[3]);
            }
        }
        return 0;
    }

    public String ovsVersion() throws IOException, InterruptedException {
        return exec(List.of("ovs-vswitchd", "--version")).lines().findFirst().orElse("").strip();
    }

    /** The last lines of ovs-vswitchd's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log.resolve("ovs-vswitchd.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no ovs-vswitchd log: " + e + ")";
        }
    }

    private void inNs(String... cmd) throws IOException, InterruptedException {
        exec(concat(List.of("ip", "netns", "exec", ns), cmd));
    }

    private String ctl() {
        return run.resolve("ovs-vswitchd.ctl").toAbsolutePath().toString();
    }

    private Process spawn(String program, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, program));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log.resolve(program + ".out").toFile());
        env(pb);
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    private interface Attempt {
        void run() throws IOException, InterruptedException;
    }

    private void retry(String what, Process daemon, Attempt attempt) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            try {
                attempt.run();
                return;
            } catch (IOException e) {
                if (!daemon.isAlive()) {
                    throw new IOException(what + ": the daemon exited with " + daemon.exitValue() + "; "
                            + tail(log.resolve(daemon == dbServer ? "ovsdb-server.out" : "ovs-vswitchd.out")), e);
                }
                if (System.nanoTime() - end > 0) {
                    throw new IOException(what + ": not within " + START_TIMEOUT_MS + " ms", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void exists(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException(socket + " not there yet");
        }
    }

    private void env(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.put("OVS_RUNDIR", run.toString());
        env.put("OVS_DBDIR", db.toString());
        env.put("OVS_LOGDIR", log.toString());
        env.put("OVS_SYSCONFDIR", dir.toString());
        env.put("OVS_PKGDATADIR", "/usr/share/openvswitch");
    }

    private String exec(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env(pb);
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no exit within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + Files.readString(err).strip() + " " + out.strip());
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /** Stops both daemons (asked first, SIGKILL after 5 s), waits for their pids to go, removes the directory. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            stop(vswitchd, List.of("ovs-appctl", "--timeout=5", "-t", ctl(), "exit", "--cleanup"));
            stop(dbServer, List.of("ovs-appctl", "--timeout=5", "-t",
                    run.resolve("ovsdb-server.ctl").toAbsolutePath().toString(), "exit"));
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("interrupted while stopping OVS", e);
        } finally {
            for (Process p : new Process[] {vswitchd, dbServer}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly(); // only when asking and waiting failed above
                }
            }
        }
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void stop(Process daemon, List<String> exitCommand) throws IOException, InterruptedException {
        if (daemon == null) {
            return;
        }
        if (daemon.isAlive()) {
            try {
                exec(exitCommand);
            } catch (IOException e) {
                // not answering: SIGKILL below
            }
        }
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                throw new IOException("pid " + daemon.pid() + " survived SIGKILL");
            }
        }
        LIVE.remove(daemon);
    }

    // ---- parsed output ----

    /** One side's LACP information as lacp/show prints it; state holds OVS's flag words. */
    public record Info(String sysId, int sysPriority, int portId, int portPriority, int key, Set<String> state) {
    }

    /**
     * One member in lacp/show: status is current, expired or defaulted; attached is OVS's selection;
     * mayEnable whether OVS lets the bond use it.
     */
    public record Member(String name, String status, boolean attached, boolean mayEnable, Info actor, Info partner) {

        /** The member carries traffic as far as LACP is concerned: "current attached" and "may_enable: true". */
        public boolean carrying() {
            return status.equals("current") && attached && mayEnable;
        }
    }

    /** lacp/show for one bond. OVS shows "negotiated" during its first 3 s even without a partner. */
    public record LacpShow(String bond, boolean active, boolean negotiated, String sysId, int sysPriority,
                           String key, String lacpTime, Map<String, Member> members) {

        public Member member(String name) {
            Member m = members.get(name);
            if (m == null) {
                throw new AssertionError("no member " + name + " in OVS bond " + bond + ": " + members.keySet());
            }
            return m;
        }
    }

    /** lacp/show-stats for one member. */
    public record Stats(long txPdus, long rxPdus, long rxBad, long rxMarker, long linkExpired, long linkDefaulted,
                        long carrierChanged) {
    }

    /** bond/show for one member: enabled is whether the bond sends on it. */
    public record BondMember(String name, boolean enabled, boolean mayEnable) {
    }

    static LacpShow parseLacpShow(String text) {
        String bond = null;
        Map<String, String> top = new LinkedHashMap<>();
        Map<String, Member> members = new LinkedHashMap<>();
        String name = null;
        String status = null;
        boolean attached = false;
        Map<String, String> fields = new LinkedHashMap<>();
        boolean active = false;
        boolean negotiated = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("---- ") && line.endsWith(" ----")) {
                bond = line.substring(5, line.length() - 5);
            } else if (line.startsWith("member: ")) {
                if (name != null) {
                    members.put(name, member(name, status, attached, fields));
                }
                // "member: eth1: current attached"
                String rest = line.substring("member: ".length());
                int colon = rest.lastIndexOf(": ");
                name = rest.substring(0, colon);
                String[] words = rest.substring(colon + 2).split(" ");
                status = words[0];
                attached = words.length > 1 && words[1].equals("attached");
                fields = new LinkedHashMap<>();
            } else if (line.startsWith("status:") && name == null) {
                String v = line.substring("status:".length()).strip();
                active = v.startsWith("active");
                negotiated = v.contains("negotiated");
            } else if (line.contains(":")) {
                int colon = line.indexOf(':');
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip(); // keys have no colon; MAC values do
                (name == null ? top : fields).put(key, value);
            }
        }
        if (name != null) {
            members.put(name, member(name, status, attached, fields));
        }
        if (bond == null) {
            throw new IllegalArgumentException("not lacp/show output: " + text);
        }
        return new LacpShow(bond, active, negotiated, top.get("sys_id"), Integer.parseInt(top.getOrDefault("sys_priority", "0")),
                top.get("aggregation key"), top.get("lacp_time"), members);
    }

    private static Member member(String name, String status, boolean attached, Map<String, String> f) {
        return new Member(name, status, attached, "true".equals(f.get("may_enable")), info("actor", f), info("partner", f));
    }

    private static Info info(String side, Map<String, String> f) {
        String state = f.getOrDefault(side + " state", "");
        Set<String> flags = new LinkedHashSet<>(state.isBlank() ? List.of() : List.of(state.split("\\s+")));
        return new Info(f.get(side + " sys_id"), num(f.get(side + " sys_priority")), num(f.get(side + " port_id")),
                num(f.get(side + " port_priority")), num(f.get(side + " key")), flags);
    }

    private static int num(String s) {
        return s == null ? -1 : Integer.parseInt(s);
    }

    static Map<String, Stats> parseStats(String text) {
        Map<String, Stats> out = new LinkedHashMap<>();
        String name = null;
        Map<String, Long> f = new LinkedHashMap<>();
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("member: ")) {
                if (name != null) {
                    out.put(name, stats(f));
                }
                name = line.substring("member: ".length(), line.length() - 1);
                f = new LinkedHashMap<>();
            } else if (name != null && line.contains(": ")) {
                int colon = line.indexOf(": ");
                f.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).strip()));
            }
        }
        if (name != null) {
            out.put(name, stats(f));
        }
        return out;
    }

    private static Stats stats(Map<String, Long> f) {
        return new Stats(f.getOrDefault("TX PDUs", -1L), f.getOrDefault("RX PDUs", -1L), f.getOrDefault("RX Bad PDUs", -1L),
                f.getOrDefault("RX Marker Request PDUs", -1L), f.getOrDefault("Link Expired", -1L),
                f.getOrDefault("Link Defaulted", -1L), f.getOrDefault("Carrier Status Changed", -1L));
    }

    static Map<String, String> parseFdb(String text) {
        // " port  VLAN  MAC                Age" then "    1     0  02:00:00:0a:00:01    3"
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : text.lines().toList()) {
            String[] f = raw.strip().split("\\s+");
            if (f.length >= 4 && f[2].matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
                out.put(f[2], f[0]);
            }
        }
        return out;
    }

    static Map<String, BondMember> parseBondShow(String text) {
        Map<String, BondMember> out = new LinkedHashMap<>();
        String name = null;
        boolean enabled = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("member ") && line.contains(": ")) {
                // "member eth1: enabled"
                int colon = line.indexOf(": ");
                name = line.substring("member ".length(), colon);
                enabled = line.substring(colon + 2).strip().equals("enabled");
            } else if (name != null && line.startsWith("may_enable:")) {
                out.put(name, new BondMember(name, enabled, line.endsWith("true")));
                name = null;
            }
        }
        return out;
    }
}
