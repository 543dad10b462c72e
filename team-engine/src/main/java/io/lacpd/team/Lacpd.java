package io.lacpd.team;

import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.transport.LacpRuntime;
import io.lacpd.transport.LinkMonitor;
import io.lacpd.transport.LinkMonitors;
import io.lacpd.transport.LinkState;
import io.lacpd.transport.PcapFrameChannel;
import sun.misc.Signal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * The lacpd daemon: {@code lacpd run [flags] [--config FILE]}. Negotiates LACP on the member NICs, logs each
 * change to stderr, answers lacpctl on its control socket, leaves cleanly on SIGTERM (telling the partner
 * first) and reloads its config file on SIGHUP.
 */
public final class Lacpd {

    private final List<String> args;
    private final Log log;
    private DaemonConfig config;
    private final PortNumbers portNumbers = new PortNumbers();
    private LinkMonitor monitor;
    private LacpRuntime runtime;
    private ControlServer control;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Lacpd(List<String> args, DaemonConfig config) {
        this.args = args;
        this.config = config;
        this.log = new Log(config.team());
    }

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
        try {
            daemon.start();
        } catch (ConfigException | IOException e) {
            daemon.stop();
            System.err.println("lacpd: " + e.getMessage());
            System.exit(1);
        }
        daemon.awaitStop();
    }

    private void start() throws ConfigException, IOException {
        monitor = LinkMonitors.open();
        try {
            checkInterfaces(config.ports());
        } catch (ConfigException e) {
            monitor.close();
            throw e;
        }
        runtime = new LacpRuntime(config.systemConfig(), config.portConfigs(portNumbers.renumber(config.ports())),
                PcapFrameChannel.opener(), monitor,
                event -> log.line(event.describe()), log::line);
        control = new ControlServer(config.controlSocket(), this::answer);
        control.start();
        runtime.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        Signal.handle(new Signal("HUP"), signal -> reload());
        log.line("started: ports " + String.join(",", config.ports()) + ", system "
                + config.systemPriority() + "," + config.systemMac() + ", control socket " + config.controlSocket());
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
        if (runtime != null) {
            runtime.close();
            log.line("stopped: partners told");
        }
        if (control != null) {
            control.close();
        }
        stopped.countDown();
    }

    /**
     * SIGHUP: read the config again. Ports whose settings did not change keep their state; ports added or
     * removed join or leave without disturbing the others, and keep their port numbers.
     */
    private void reload() {
        DaemonConfig next;
        try {
            next = DaemonConfig.fromArgs(args);
            checkInterfaces(next.ports());
        } catch (ConfigException e) {
            log.line("reload failed, keeping the running config: " + e.getMessage());
            return;
        }
        if (!next.team().equals(config.team()) || !next.controlSocket().equals(config.controlSocket())) {
            log.line("reload: a new team name or control socket applies at the next start only");
        }
        Map<String, Integer> numbers = portNumbers.renumber(next.ports());
        DaemonConfig applied = new DaemonConfig(config.team(), next.ports(), config.mode(), next.timeout(),
                next.activity(), next.systemPriority(), next.systemMac(), next.key(), next.portPriority(),
                next.muxControl(), next.loadBalancing(), next.dataPlane(), config.controlSocket(), next.configFile());
        List<String> removed = config.ports().stream().filter(p -> !next.ports().contains(p)).toList();
        removed.forEach(runtime::removePort);
        runtime.execute((system, now) -> system.reconfigure(applied.systemConfig(), now));
        for (PortConfig p : applied.portConfigs(numbers)) {
            if (config.ports().contains(p.name())) {
                runtime.execute((system, now) -> system.reconfigurePort(p, now));
            } else {
                runtime.addPort(p);
            }
        }
        config = applied;
        log.line("reloaded " + (next.configFile() == null ? "flags" : next.configFile())
                + (removed.isEmpty() ? "" : "; removed " + String.join(",", removed)));
    }

    private String answer(String request) {
        boolean json;
        if (request.equals("status")) {
            json = false;
        } else if (request.equals("status --json")) {
            json = true;
        } else {
            return "error: unknown request '" + request + "' (expected: status, status --json)\n";
        }
        SystemSnapshot snapshot;
        try {
            snapshot = runtime.call(LacpSystem::snapshot, 2000);
        } catch (InterruptedException | TimeoutException e) {
            return "error: the daemon did not answer in time\n";
        }
        List<TeamStatus> teams = List.of(new TeamStatus(config.team(), config.mode(), snapshot));
        return json ? StatusJson.render(teams) : StatusText.render(teams);
    }
}
