package io.lacpd.team.daemon;

import io.lacpd.team.Team;
import io.lacpd.team.control.ControlServer;
import io.lacpd.team.member.MemberConfig;
import io.lacpd.team.member.MemberRole;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.datapath.DataPlane;
import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FlowletTable;
import io.lacpd.team.datapath.VirtualPortTable;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.runtime.TeamDataPath;
import io.lacpd.team.status.DataPlaneStatus;
import io.lacpd.team.status.EventText;
import io.lacpd.team.status.StatusJson;
import io.lacpd.team.status.StatusText;
import io.lacpd.team.status.TeamStatus;
import io.lacpd.transport.LacpRuntime;
import io.lacpd.transport.LinkMonitor;
import io.lacpd.transport.LinkMonitors;
import io.lacpd.transport.LinkState;
import io.lacpd.transport.PcapFrameChannel;
import sun.misc.Signal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The lacpd daemon: {@code lacpd run [flags] [--config FILE]}. Negotiates LACP on the member NICs, logs each
 * change to stderr, answers lacpctl on its control socket, leaves cleanly on SIGTERM (telling the partner
 * first) and reloads its config file on SIGHUP.
 */
public final class Lacpd {

    /**
     * Test builds only ({@code -Dlacpd.test-faults=true}): the request "test-fault loop", "control" or "stall"
     * kills the event loop or a control thread with the error an exhausted heap raises, or wedges the loop.
     */
    private static final boolean TEST_FAULTS = Boolean.getBoolean("lacpd.test-faults");
    /** The capability bit that raw packet sockets need (linux/capability.h). */
    private static final int CAP_NET_RAW = 13;
    /** Flows the dynamic algorithm tracks at most. */
    private static final int FLOWLETS = 4096;
    /** Virtual ports (source MACs) the hyperv-port algorithm tracks at most. */
    private static final int VIRTUAL_PORTS = 4096;

    private final List<String> args;
    private final Log log;
    private volatile DaemonConfig config; // replaced by SIGHUP, read by the control thread
    private final PortNumbers portNumbers = new PortNumbers();
    private LinkMonitor monitor;
    /** Which members carry traffic: fed and read on the runtime's loop thread. */
    private Team team;
    private volatile LacpRuntime runtime; // set once started; the control thread may ask before that
    /** The team interface and member sockets, with {@code --data-plane tap}; null otherwise or until opened. */
    private volatile TeamDataPath dataPath;
    private MacAddress teamMac;
    private int teamMtu;
    private ControlServer control;
    /** The transmit thread's distributor when it is {@code dynamic}'s (with the data plane); null otherwise. */
    private Distributor dynamic;
    /** {@code dynamic}'s periodic rebalancing, with the data plane; null otherwise. */
    private Rebalancing rebalancing;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Lacpd(List<String> args, DaemonConfig config) {
        this.args = args;
        this.config = config;
        this.log = new Log(config.team());
    }

    /**
     * {@code lacpd run [flags]}: exits 2 on bad settings, 1 when it cannot start, {@value FatalHandler#EXIT_INTERNAL_ERROR}
     * on an internal error.
     */
    public static void main(String[] argv) {
        if (argv.length == 0 || !argv[0].equals("run")) {
            System.err.println(argv.length == 0 ? "lacpd: a command is required (expected: run)"
                    : "lacpd: unknown command '" + argv[0] + "' (expected: run)");
            System.exit(2);
        }
        List<String> args = List.of(Arrays.copyOfRange(argv, 1, argv.length));
        DaemonConfig config;
        try {
            config = DaemonConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println("lacpd: " + e.getMessage());
            System.exit(2);
            return;
        }
        Lacpd daemon = new Lacpd(args, config);
        // A thread that dies of a bug or of a full heap would leave a daemon that neither negotiates nor
        // answers: tell the partners if the loop still can, and halt, so that a supervisor restarts it.
        Thread.setDefaultUncaughtExceptionHandler(new FatalHandler(config.team(), daemon.log, () -> daemon.runtime));
        try {
            daemon.start();
        } catch (ConfigException | MissingCapabilityException | IOException e) {
            daemon.stop();
            System.err.println("lacpd: " + e.getMessage());
            System.exit(1);
        }
        daemon.awaitStop();
    }

    private void start() throws ConfigException, MissingCapabilityException, IOException {
        checkCapture(config.ports());
        monitor = LinkMonitors.open(log::line); // on a failure from here on, main's stop() closes what was opened
        checkInterfaces(config.ports());
        // The socket first: a second lacpd for the same team stops here, before it touches the NICs.
        control = new ControlServer(config.controlSocket(), this::answer);
        control.start();
        Map<String, Integer> numbers = portNumbers.renumber(config.ports());
        if (config.dataPlane() == DataPlane.TAP) {
            dataPath = openDataPath(numbers);
        } else {
            log.line("data plane none: LACP only, host traffic is not teamed");
        }
        team = new Team(config.mode(), config.lacpOptions().teamPolicy(), members(numbers), this::publish,
                System.nanoTime());
        TeamLinkMonitor links = new TeamLinkMonitor(monitor);
        LacpRuntime r = new LacpRuntime(config.systemConfig(), config.portConfigs(numbers), PcapFrameChannel.opener(),
                links, event -> {
                    log.limited(EventText.kind(event), EventText.describe(event));
                    team.onLacpEvent(event, System.nanoTime());
                }, log::notice);
        links.forwardTo(state -> r.execute((system, now) ->
                team.onLink(state.name(), state.exists() && state.up(), state.mac(), state.speedMbps(), now)));
        r.start();
        runtime = r;
        if (dynamic != null) {
            rebalancing = Rebalancing.start(config.team(), dynamic, r, team, log::line);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        Signal.handle(new Signal("HUP"), signal -> reload());
        log.line("started: ports " + String.join(",", config.ports()) + ", system "
                + config.systemPriority() + "," + config.systemMac() + ", control socket " + config.controlSocket()
                + (dataPath == null ? "" : ", team interface " + dataPath.name() + " " + teamMac + " mtu " + teamMtu
                + ", load balancing " + config.loadBalancing()));
    }

    /**
     * Creates the team interface and takes the members into it. Its MAC is {@code --team-mac} or the first
     * member's; its MTU the smallest of the members'.
     *
     * @throws ConfigException with one line when the interface name is taken or a member is refused (it has an
     *                         address, or belongs to another team); what was taken is given back by stop()
     */
    private TeamDataPath openDataPath(Map<String, Integer> numbers) throws ConfigException, IOException {
        String name = config.teamInterface();
        if (monitor.read(name).exists()) {
            throw new ConfigException("team interface '" + name + "': an interface of that name exists already"
                    + " (set --team-interface)");
        }
        teamMac = config.teamMac() != null ? config.teamMac() : monitor.read(config.ports().get(0)).mac();
        teamMtu = config.ports().stream().mapToInt(p -> monitor.read(p).mtu()).min().orElseThrow();
        Distributor distributor = distributor(config.loadBalancing(), config.balance());
        TeamDataPath path = TeamDataPath.open(name, teamMac, teamMtu, distributor);
        dynamic = distributor.bucketBytes() != null ? distributor : null;
        dataPath = path; // from here on stop() closes it, giving back the members taken so far
        for (Map.Entry<String, Integer> e : numbers.entrySet()) {
            try {
                path.addMember(e.getValue() - 1, e.getKey());
            } catch (IOException refused) {
                throw new ConfigException(refused.getMessage());
            }
        }
        return path;
    }

    /**
     * The transmit thread's distributor: with {@code dynamic}, a flowlet table lets a flow follow its bucket to
     * another member only after a pause of the flowlet gap, which cannot reorder it; with {@code hyperv-port}, a
     * virtual port table binds each source MAC to a member.
     */
    private static Distributor distributor(LoadBalancingAlgorithm algorithm, BalanceOptions options) {
        return switch (algorithm) {
            case DYNAMIC -> new Distributor(algorithm, FlowHash.DEFAULT_SEED,
                    new FlowletTable(FLOWLETS, options.flowletGapNanos()));
            case HYPERV_PORT -> new Distributor(algorithm, FlowHash.DEFAULT_SEED, null,
                    new VirtualPortTable(VIRTUAL_PORTS, VirtualPortTable.DEFAULT_AGEING_NANOS));
            default -> new Distributor(algorithm);
        };
    }

    /** The team's new member map, into the data path: called on the loop thread when what it reads changes. */
    private void publish(MemberMap map) {
        TeamDataPath path = dataPath;
        if (path == null) {
            return;
        }
        try {
            path.publish(map);
        } catch (IOException e) {
            log.line("team interface " + path.name() + ": cannot set its carrier: " + e.getMessage());
        }
    }
    /**
     * The team's members: each in the slot of its port number (1 is slot 0), which it keeps across reloads as its
     * port number does, and Active.
     */
    private static List<MemberConfig> members(Map<String, Integer> numbers) {
        List<MemberConfig> members = new ArrayList<>();
        numbers.forEach((port, number) -> members.add(new MemberConfig(number - 1, port, MemberRole.ACTIVE)));
        return members;
    }

    /**
     * Capturing and sending on the members needs CAP_NET_RAW (root has it): without it, say so now rather
     * than run a daemon that cannot open its ports.
     */
    private static void checkCapture(List<String> ports) throws MissingCapabilityException {
        String capEff;
        try {
            capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("CapEff:")).findFirst().orElse("CapEff: 0").substring(7).strip();
        } catch (IOException e) {
            return; // no procfs: the opening of the ports reports what is wrong
        }
        if ((new BigInteger(capEff, 16).longValue() & (1L << CAP_NET_RAW)) == 0) {
            throw new MissingCapabilityException("capturing on " + String.join(",", ports)
                    + " needs root (or CAP_NET_RAW); run lacpd as root");
        }
    }

    /** Every member must exist and be Ethernet: one line naming the first that is not. */
    private void checkInterfaces(List<String> ports) throws ConfigException {
        for (String port : ports) {
            LinkState s = monitor.read(port);
            if (!s.exists()) {
                throw new ConfigException("no interface '" + port + "'");
            }
            if (!s.ethernet()) {
                throw new ConfigException("interface '" + port + "' is not Ethernet");
            }
        }
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM and SIGINT: tell the partners, close the NICs and the socket. */
    private synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        if (rebalancing != null) {
            rebalancing.close();
        }
        if (runtime != null) {
            runtime.close();
            log.line(runtime.partnersTold() ? "stopped: partners told" : "stopped: partners not told, they time out");
        } else if (monitor != null) {
            monitor.close();
        }
        if (dataPath != null) {
            dataPath.close(); // removes the team interface and gives the members back
        }
        if (control != null) {
            control.close();
        }
        stopped.countDown();
    }

    /**
     * SIGHUP: read the config again. Ports whose settings did not change keep their state; ports added or
     * removed join or leave without disturbing the others, and keep their port numbers. Synchronized with
     * {@link #stop}: a reload never works on a runtime being closed, and a stop waits for a reload under way.
     */
    private synchronized void reload() {
        if (stopped.getCount() == 0) {
            return;
        }
        DaemonConfig next;
        try {
            next = DaemonConfig.fromArgs(args);
            checkInterfaces(next.ports());
        } catch (ConfigException e) {
            log.line("reload failed, keeping the running config: " + e.getMessage());
            return;
        }
        DaemonConfig applied = next.withStartOnlySettingsOf(config);
        if (!applied.equals(next)) {
            log.line("reload: a new team name, mode, load-balancing, flowlet gap, data plane, team interface, team MAC or"
                    + " control socket applies at the next start only");
        }
        Map<String, Integer> before = portNumbers.renumber(config.ports()); // the running numbers, unchanged
        List<String> removed = config.ports().stream().filter(p -> !next.ports().contains(p)).toList();
        List<String> added = next.ports().stream().filter(p -> !config.ports().contains(p)).toList();
        Map<String, Integer> numbers = portNumbers.renumber(next.ports());
        if (dataPath != null && !takeIntoDataPath(added, numbers)) {
            portNumbers.renumber(config.ports());
            return;
        }
        removed.forEach(runtime::removePort);
        runtime.execute((system, now) -> {
            system.reconfigure(applied.systemConfig(), now);
            team.configure(applied.mode(), applied.lacpOptions().teamPolicy(), members(numbers), now);
            if (dataPath != null) { // out of the member map now: its socket can go, and the NIC back to the host
                removed.forEach(p -> dataPath.removeMember(before.get(p) - 1));
            }
        });
        applied.portConfigs(numbers).forEach(runtime::putPort);
        config = applied;
        log.line("reloaded " + (next.configFile() == null ? "flags" : next.configFile())
                + (removed.isEmpty() ? "" : "; removed " + String.join(",", removed)));
    }

    /** The data plane now, for the status. */
    private DataPlaneStatus dataPlaneStatus() {
        TeamDataPath path = dataPath;
        if (path == null) {
            return DataPlaneStatus.none(config.loadBalancing());
        }
        return new DataPlaneStatus(DataPlane.TAP, config.loadBalancing(),
                new DataPlaneStatus.TeamInterface(path.name(), teamMac, path.carrier(), teamMtu,
                        queueDropped(path.name())),
                path.counters());
    }

    /** The kernel's count of frames the team interface's queue dropped; 0 when it cannot be read. */
    private static long queueDropped(String teamInterface) {
        try {
            return Long.parseLong(Files.readString(
                    Path.of("/sys/class/net", teamInterface, "statistics", "tx_dropped")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Takes added ports into the data path, all or none: a port the data path refuses (it has an address, or is in
     * another team) fails the reload with one line, and those taken are given back.
     */
    private boolean takeIntoDataPath(List<String> added, Map<String, Integer> numbers) {
        for (int i = 0; i < added.size(); i++) {
            try {
                dataPath.addMember(numbers.get(added.get(i)) - 1, added.get(i));
            } catch (IOException e) {
                log.line("reload failed, keeping the running config: " + e.getMessage());
                for (int j = 0; j < i; j++) {
                    dataPath.removeMember(numbers.get(added.get(j)) - 1);
                }
                return false;
            }
        }
        return true;
    }

    private String answer(String request) {
        if (TEST_FAULTS && request.startsWith("test-fault ")) {
            return provoke(request.substring("test-fault ".length()));
        }
        boolean json;
        if (request.equals("status")) {
            json = false;
        } else if (request.equals("status --json")) {
            json = true;
        } else {
            return "error: unknown request '" + request + "' (expected: status, status --json)\n";
        }
        LacpRuntime r = runtime;
        if (r == null) {
            return "error: the daemon is starting\n";
        }
        String name = config.team();
        TeamStatus status;
        try {
            // The team's answer and the LACP detail of one moment: both read on the loop thread.
            status = r.call(system -> new TeamStatus(name, team.state(), system.snapshot(System.nanoTime()),
                    dataPlaneStatus()), 2000);
        } catch (InterruptedException | TimeoutException e) {
            return "error: the daemon did not answer in time\n";
        }
        List<TeamStatus> teams = List.of(status);
        return json ? StatusJson.render(teams) : StatusText.render(teams);
    }

    /** The faults of {@link #TEST_FAULTS}; the one a full heap raises, as that is what a flood did. */
    private String provoke(String fault) {
        OutOfMemoryError error = new OutOfMemoryError("provoked by test-fault " + fault);
        switch (fault) {
            case "loop" -> runtime.execute((system, now) -> {
                throw error;
            });
            case "control" -> throw error;
            case "stall" -> runtime.execute((system, now) -> {
                while (true) {
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // deaf to interrupts, as a hung call is
                }
            });
            default -> {
                return "error: unknown fault '" + fault + "' (expected: loop, control, stall)\n";
            }
        }
        return "ok\n";
    }
}
