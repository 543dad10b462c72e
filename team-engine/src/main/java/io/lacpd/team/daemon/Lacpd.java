package io.lacpd.team.daemon;

import io.lacpd.core.LacpSystem;
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
import io.lacpd.team.io.CpuAffinity;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.runtime.TeamDataPath;
import io.lacpd.team.status.DaemonInfo;
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
import io.lacpd.transport.linux.Libc;
import sun.misc.Signal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

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
    /** The team interface's MTU while no member is present to give it theirs. */
    private static final int DEFAULT_MTU = 1500;

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
    /** The VLAN interfaces on {@link #dataPath}; null without a data plane. */
    private volatile VlanInterfaces vlans;
    /** Announces the team MAC on each new switch-independent primary; with the data path. */
    private PrimaryAnnouncer announcer;
    /** The NICs the data path holds, following the kernel; null without a data path. */
    private volatile DataPathMembers members;
    /** Each member's port number now; its slot in the data path is one less. */
    private volatile Map<String, Integer> portNumbersNow = Map.of();
    private MacAddress teamMac;
    private int teamMtu;
    private ControlServer control;
    /** systemd's notify socket, when the daemon runs as a Type=notify service; null otherwise. */
    private SystemdNotify notify;
    /** Events, history, MAC conflicts and the metrics outlets. */
    private final Observability observability;
    /** The transmit thread's distributor when it is {@code dynamic}'s (with the data plane); null otherwise. */
    private Distributor dynamic;
    /** {@code dynamic}'s periodic rebalancing, with the data plane; null otherwise. */
    private Rebalancing rebalancing;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedAt = System.nanoTime();

    private Lacpd(List<String> args, DaemonConfig config) {
        this.args = args;
        this.config = config;
        this.log = new Log(config.team(), config.observability().logLevel(), System.getenv("JOURNAL_STREAM") != null);
        this.observability = new Observability(log);
    }

    /**
     * {@code lacpd run|check|demo|--help|--version} ({@link LacpdCommand}); {@code run} exits 2 on bad settings, 1 when
     * it cannot start, {@value FatalHandler#EXIT_INTERNAL_ERROR} on an internal error.
     */
    public static void main(String[] argv) {
        System.exit(LacpdCommand.execute(argv, System.out, System.err));
    }

    /** {@code lacpd run ARGS}: runs the daemon until it is stopped; returns only the status of a failed start. */
    static int run(List<String> args) {
        DaemonConfig config;
        try {
            config = DaemonConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println("lacpd: " + e.getMessage());
            return LacpdCommand.EXIT_USAGE;
        }
        ProcessName.set("lacpd");
        Lacpd daemon = new Lacpd(args, config);
        // A thread that dies of a bug or of a full heap would leave a daemon that neither negotiates nor
        // answers: tell the partners if the loop still can, and halt, so that a supervisor restarts it.
        Thread.setDefaultUncaughtExceptionHandler(new FatalHandler(config.team(), daemon.log, () -> daemon.runtime));
        try {
            daemon.start();
        } catch (ConfigException | MissingCapabilityException | IOException e) {
            daemon.stop();
            System.err.println("lacpd: " + e.getMessage());
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }

    private void start() throws ConfigException, MissingCapabilityException, IOException {
        checkCapture(config.ports());
        monitor = LinkMonitors.open(log::line); // on a failure from here on, main's stop() closes what was opened
        for (String port : checkInterfaces(config.ports())) {
            log.line(port + ": not present; it joins the team when it appears");
        }
        // The socket first: a second lacpd for the same team stops here, before it touches the NICs.
        control = new ControlServer(config.controlSocket(), this::answer);
        control.start();
        Map<String, Integer> numbers = portNumbers.renumber(config.ports());
        portNumbersNow = numbers;
        if (config.dataPlane() == DataPlane.TAP) {
            dataPath = openDataPath(numbers);
        } else {
            log.line("data plane none: LACP only, host traffic is not teamed");
        }
        team = new Team(config.mode(), config.teamPolicy(), members(numbers, config), this::publish,
                System.nanoTime());
        observability.observe(team.state());
        TeamLinkMonitor links = new TeamLinkMonitor(monitor);
        LacpRuntime r = new LacpRuntime(config.systemConfig(), config.portConfigs(numbers),
                PduTrace.opener(PcapFrameChannel.opener(), log), links, event -> {
                    log.limited(EventText.kind(event), EventText.describe(event));
                    team.onLacpEvent(event, System.nanoTime());
                    observability.lacpEvent(event, team.state());
                }, log::notice);
        links.forwardTo(state -> r.execute((system, now) -> {
            Integer number = portNumbersNow.get(state.name());
            DataPathMembers m = members;
            if (m != null && number != null) { // a member that appeared is taken in, one deleted let go
                m.follow(number - 1, state);
            }
            team.onLink(state.name(), state.exists(), state.up(), state.mac(), state.speedMbps(), now);
            observability.link(state, team.state());
        }));
        if (dataPath != null) {
            dataPath.onMemberGone((slot, name, errno) -> r.execute((system, now) -> memberGone(links, name, errno)));
        }
        r.start();
        runtime = r;
        if (config.lacpFallback()) {
            LacpFallbackTimer.start(r, team, log::line);
        }
        observability.start(config.observability(), this::status, () -> dataPath == null ? null : dataPath.counters(),
                () -> r.execute((system, now) -> {
                    team.advance(now); // flap damping lets back a member stable long enough
                    observability.observe(team.state());
                }));
        if (dynamic != null) {
            rebalancing = Rebalancing.start(config.team(), dynamic, r, team, log::line);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        // The JVM leaves a signal that was ignored when it started (nohup, a shell's background job) ignored
        // whatever Signal.handle asks: then a reload or a stop would never come. The defaults first.
        Libc.signal(Libc.SIGHUP, null);
        Libc.signal(Libc.SIGTERM, null);
        Signal.handle(new Signal("HUP"), signal -> reload());
        // A stop asked for is a clean exit (0, not 143): the shutdown hook tells the partners first.
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
        Signal.handle(new Signal("INT"), signal -> System.exit(0));
        log.line("started: ports " + String.join(",", config.ports()) + ", system "
                + config.systemPriority() + "," + config.systemMac() + ", control socket " + config.controlSocket()
                + (dataPath == null ? "" : ", team interface " + dataPath.name() + " " + teamMac + " mtu " + teamMtu
                + ", load balancing " + config.loadBalancing()
                + (config.dataCpus().isAny() ? "" : ", data threads on CPU " + config.dataCpus())));
        notify = SystemdNotify.fromEnvironment(System.getenv(), log);
        if (notify != null) { // started: systemd may start what comes after the team
            notify.send("READY=1\nSTATUS=team " + config.team() + ": ports " + String.join(",", config.ports()));
            notify.feedWatchdog(r);
        }
    }

    /**
     * Creates the team interface and takes the members present into it (the others when they appear). Its MAC is
     * {@code --team-mac} or the first present member's; its MTU the smallest of the present members'.
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
        List<LinkState> present = config.ports().stream().map(monitor::read).filter(LinkState::exists).toList();
        // with no member present yet, the team's MAC is its stable system MAC, never a member's that comes later
        teamMac = config.teamMac() != null ? config.teamMac()
                : present.isEmpty() ? config.systemMac() : present.get(0).mac();
        teamMtu = present.stream().mapToInt(LinkState::mtu).min().orElse(DEFAULT_MTU);
        Distributor distributor = distributor(config.loadBalancing(), config.balance());
        CpuAffinity allowed = CpuAffinity.ofCallingThread();
        CpuAffinity outside = config.dataCpus().outside(allowed);
        if (!outside.isAny()) {
            throw new ConfigException("data-cpus " + config.dataCpus() + ": CPU " + outside + " is not one lacpd may run"
                    + " on (it may use " + allowed + ")");
        }
        TeamDataPath path = TeamDataPath.open(name, teamMac, teamMtu, distributor, config.dataCpus());
        dynamic = distributor.bucketBytes() != null ? distributor : null;
        dataPath = path; // from here on stop() closes it, giving back the members taken so far
        announcer = new PrimaryAnnouncer(path, teamMac, log::line);
        members = new DataPathMembers(path, log);
        for (Map.Entry<String, Integer> e : numbers.entrySet()) {
            try {
                members.take(e.getValue() - 1, monitor.read(e.getKey()));
            } catch (IOException refused) {
                throw new ConfigException(refused.getMessage());
            }
        }
        VlanInterfaces v = new VlanInterfaces(path, name, log);
        for (int vid : config.vlans()) {
            v.add(vid);
        }
        vlans = v;
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

    /** On the loop thread: a member's data socket said the member is gone; it leaves at once if the kernel agrees. */
    private void memberGone(TeamLinkMonitor links, String name, int errno) {
        String error = errno == Libc.ENETDOWN ? "ENETDOWN" : errno == Libc.ENXIO ? "ENXIO" : "ENODEV";
        log.line(name + ": the data socket failed with " + error + (links.memberGone(name)
                ? ", the member leaves at once" : ", but the link is up: it stays"));
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
            log.warn("team interface " + path.name() + ": cannot set its carrier: " + e.getMessage());
        }
        announcer.onMap(map);
    }

    /**
     * The team's members: each in the slot of its port number (1 is slot 0), which it keeps across reloads as its
     * port number does, and Standby when the config says so, else Active.
     */
    private static List<MemberConfig> members(Map<String, Integer> numbers, DaemonConfig config) {
        List<MemberConfig> members = new ArrayList<>();
        numbers.forEach((port, number) -> members.add(new MemberConfig(number - 1, port,
                config.standby().contains(port) ? MemberRole.STANDBY : MemberRole.ACTIVE)));
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

    /**
     * Every member present must be Ethernet: one line naming the first that is not. A member not present is no
     * error (a NIC whose driver loads late, a veth made after the daemon): it is said so, and it joins when it
     * appears.
     *
     * @return the members not present
     */
    private List<String> checkInterfaces(List<String> ports) throws ConfigException {
        List<String> missing = new ArrayList<>();
        for (String port : ports) {
            LinkState s = monitor.read(port);
            if (!s.exists()) {
                missing.add(port);
            } else if (!s.ethernet()) {
                throw new ConfigException("interface '" + port + "' is not Ethernet");
            }
        }
        return missing;
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
        if (notify != null) { // the watchdog stops first: the loop is about to end
            notify.send("STOPPING=1");
            notify.close();
        }
        observability.close(); // first: no scrape or tick may reach a runtime being closed
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
    private synchronized String reload() {
        if (stopped.getCount() == 0) {
            return "error: the daemon is stopping";
        }
        DaemonConfig next;
        try {
            next = DaemonConfig.fromArgs(args);
        } catch (ConfigException e) {
            return refused(e.getMessage());
        }
        return apply(next, "reloaded " + (next.configFile() == null ? "flags" : next.configFile()), true);
    }

    /**
     * {@code port add|remove IF} on the control socket: the member set changes as a reload with that port added to
     * or taken out of {@code ports} would change it, and lasts until the next reload or start.
     */
    private synchronized String changePort(String verb, String port) {
        if (stopped.getCount() == 0) {
            return "error: the daemon is stopping";
        }
        List<String> ports = new ArrayList<>(config.ports());
        if (verb.equals("add") ? ports.contains(port) : !ports.remove(port)) {
            return "error: " + port + (verb.equals("add") ? " is a member already" : " is not a member");
        }
        if (verb.equals("add")) {
            ports.add(port);
        }
        if (ports.isEmpty()) {
            return "error: " + port + " is the last member (a team has at least one)";
        }
        try {
            return apply(config.withPorts(ports), "port " + verb + " " + port + ": ports " + String.join(",", ports),
                    false);
        } catch (ConfigException e) {
            return refused(e.getMessage());
        }
    }

    private String refused(String why) {
        log.warn("reload failed, keeping the running config: " + why);
        return "error: " + why;
    }

    /**
     * Applies new settings: ports whose settings did not change keep their state; ports added or removed join or
     * leave without disturbing the others, and keep their port numbers. Returns the log line, {@code done} (and the
     * ports removed, if {@code sayRemoved}), or "error: ...".
     */
    private String apply(DaemonConfig next, String done, boolean sayRemoved) {
        List<String> missing;
        try {
            missing = checkInterfaces(next.ports());
        } catch (ConfigException e) {
            return refused(e.getMessage());
        }
        DaemonConfig applied = next.withStartOnlySettingsOf(config);
        if (!applied.equals(next)) {
            log.line("reload: a new team name, mode, load-balancing, flowlet gap, data plane, team interface, team MAC,"
                    + " VLANs, control socket, lacp-fallback or data-cpus applies at the next start only");
        }
        Map<String, Integer> before = portNumbers.renumber(config.ports()); // the running numbers, unchanged
        List<String> removed = config.ports().stream().filter(p -> !next.ports().contains(p)).toList();
        List<String> added = next.ports().stream().filter(p -> !config.ports().contains(p)).toList();
        Map<String, Integer> numbers = portNumbers.renumber(next.ports());
        if (dataPath != null) {
            String refusal = takeIntoDataPath(added, numbers);
            if (refusal != null) {
                portNumbers.renumber(config.ports());
                return refused(refusal);
            }
        }
        portNumbersNow = numbers;
        removed.forEach(runtime::removePort);
        // the added members' links as they are now: a status asked right after this answer already says "not
        // present" of one that is missing, before its port's own link events arrive
        List<LinkState> addedLinks = added.stream().map(monitor::read).toList();
        runtime.execute((system, now) -> {
            system.reconfigure(applied.systemConfig(), now);
            team.configure(applied.mode(), applied.teamPolicy(), members(numbers, applied), now);
            addedLinks.forEach(l -> team.onLink(l.name(), l.exists(), l.up(), l.mac(), l.speedMbps(), now));
            observability.observe(team.state());
            if (members != null) { // out of the member map now: its socket can go, and the NIC back to the host
                removed.forEach(p -> members.release(before.get(p) - 1));
            }
        });
        applied.portConfigs(numbers).forEach(runtime::putPort);
        config = applied;
        String line = done + (removed.isEmpty() || !sayRemoved ? "" : "; removed " + String.join(",", removed))
                + (missing.isEmpty() ? "" : "; not present, joining when they appear: " + String.join(",", missing));
        log.line(line);
        return line;
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
                path.counters(), path.vlans());
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
     *
     * @return null when all were taken, else why one was refused
     */
    private String takeIntoDataPath(List<String> added, Map<String, Integer> numbers) {
        for (int i = 0; i < added.size(); i++) {
            try {
                members.take(numbers.get(added.get(i)) - 1, monitor.read(added.get(i)));
            } catch (IOException e) {
                for (int j = 0; j < i; j++) {
                    members.release(numbers.get(added.get(j)) - 1);
                }
                return e.getMessage();
            }
        }
        return null;
    }

    private String answer(String request) {
        if (TEST_FAULTS && request.startsWith("test-fault ")) {
            return provoke(request.substring("test-fault ".length()));
        }
        if (request.startsWith("vlan ")) {
            VlanInterfaces v = vlans;
            if (v == null) {
                return config.dataPlane() == DataPlane.TAP ? "error: the daemon is starting\n"
                        : "error: no VLAN interfaces without the data plane (data-plane tap)\n";
            }
            return v.answer(request);
        }
        if (MemberRoleRequest.matches(request)) {
            return onLoop(system -> MemberRoleRequest.answer(team, request, System.nanoTime(), log::line));
        }
        if (request.equals("events") || request.equals("metrics")) {
            return observability.answer(request, this::status);
        }
        if (CaptureRequest.matches(request)) {
            LacpRuntime r = runtime;
            return r == null ? "error: the daemon is starting\n" : CaptureRequest.answer(r.frameLog(), request);
        }
        String changed = membership(request);
        if (changed != null) {
            return changed;
        }
        boolean json;
        if (request.equals("status")) {
            json = false;
        } else if (request.equals("status --json")) {
            json = true;
        } else {
            return "error: unknown request '" + request + "' (expected: status, status --json, member IF standby|active,"
                    + " vlan add|remove VID, port add|remove IF, reload, metrics, events, capture [IF])\n";
        }
        TeamStatus status;
        try {
            status = status();
        } catch (InterruptedException | TimeoutException e) {
            return "error: the daemon did not answer in time\n";
        }
        if (status == null) {
            return "error: the daemon is starting\n";
        }
        List<TeamStatus> teams = List.of(status);
        DaemonInfo daemon = new DaemonInfo(ProcessHandle.current().pid(), Version.get(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt), config.configFile(), config.controlSocket());
        return json ? daemon.addToJson(StatusJson.render(teams)) : daemon.addToText(StatusText.render(teams));
    }

    /**
     * {@code reload}, {@code port add IF} and {@code port remove IF}: the answer, "ok: ..." or "error: ..."; null for
     * any other request.
     */
    private String membership(String request) {
        String[] words = request.split(" ");
        String answer;
        if (request.equals("reload")) {
            answer = runtime == null ? "error: the daemon is starting" : reload();
        } else if (words.length == 3 && words[0].equals("port") && (words[1].equals("add") || words[1].equals("remove"))) {
            answer = runtime == null ? "error: the daemon is starting" : changePort(words[1], words[2]);
        } else if (words[0].equals("port")) {
            answer = "error: bad request '" + request + "' (expected: port add IF, port remove IF)";
        } else {
            return null;
        }
        return (answer.startsWith("error: ") ? answer : "ok: " + answer) + "\n";
    }

    /** A request's answer computed on the loop thread, or one error line. */
    private String onLoop(Function<LacpSystem, String> query) {
        LacpRuntime r = runtime;
        if (r == null) {
            return "error: the daemon is starting\n";
        }
        try {
            return r.call(query, 2000);
        } catch (InterruptedException | TimeoutException e) {
            return "error: the daemon did not answer in time\n";
        }
    }

    /** The team's status now, as {@code status} shows it; null while the daemon is starting. */
    private TeamStatus status() throws InterruptedException, TimeoutException {
        LacpRuntime r = runtime;
        if (r == null) {
            return null;
        }
        return r.call(system -> new TeamStatus(config.team(), team.state(), system.snapshot(System.nanoTime()),
                dataPlaneStatus(), observability.diagnostics(config)), 2000);
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
