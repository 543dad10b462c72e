package io.lacpd.team.control;

import io.lacpd.team.daemon.ConfigException;
import io.lacpd.team.daemon.DaemonConfig;
import io.lacpd.team.daemon.Version;
import io.lacpd.team.status.StatusJson;
import io.lacpd.transport.PcapFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code lacpctl}: asks running lacpd daemons for their state and changes a running team. Each command is one
 * request line on the team's control socket ({@code /run/lacpd/TEAM.sock}, or {@code --socket PATH}); the team is
 * chosen by the socket, so the line does not name it:
 *
 * <pre>
 * lacpctl status [TEAM] [--json|--brief]        status | status --json (--brief is rendered here from the JSON)
 * lacpctl member TEAM IF standby|active         member IF standby|active
 * lacpctl vlan TEAM add|remove VID              vlan add|remove VID
 * lacpctl port TEAM add|remove IF               port add|remove IF
 * lacpctl reload TEAM                           reload
 * lacpctl metrics [TEAM]                        metrics
 * lacpctl events [TEAM]                         events
 * lacpctl capture TEAM [IF] -w FILE             capture | capture IF (a pcap file in base64, written to FILE)
 * </pre>
 *
 * Without TEAM (and without {@code --socket}), status, metrics and events ask every daemon with a socket in
 * /run/lacpd. A daemon that does not answer within {@value #TIMEOUT_SECONDS} s, or whose socket refuses the
 * connection (left behind by a daemon that was killed), is named and the others are still shown.
 */
public final class LacpCtl {

    /** How long one daemon may take to take the request and answer it. */
    static final int TIMEOUT_SECONDS = 5;
    /** Exit status: the daemon answered "error: ...", or there is no daemon to ask. */
    public static final int EXIT_ERROR = 1;
    /** Exit status: a wrong command, argument or value. */
    public static final int EXIT_USAGE = 2;
    /** Exit status: a daemon asked did not answer (a stale socket or a timeout); those that did are shown. */
    public static final int EXIT_NOT_ANSWERING = 3;

    private LacpCtl() {
    }

    /** What a command printed and its exit status. */
    record Outcome(int status, String out, String err) {
    }

    /** Prints what the command says and exits with its status. */
    public static void main(String[] argv) {
        Outcome o = execute(List.of(argv));
        System.out.print(o.out());
        System.err.print(o.err());
        System.exit(o.status());
    }

    /**
     * Runs a command and returns what it printed: for programs and tests, e.g. {@code run(List.of("--socket", path,
     * "status", "--json"))}.
     *
     * @throws ConfigException on a wrong command or argument
     * @throws IOException     when a daemon did not answer or answered "error: ...", with lacpctl's message
     */
    public static String run(List<String> args) throws ConfigException, IOException {
        Outcome o = execute(args);
        String message = o.err().strip().replaceFirst("^lacpctl: ", "");
        if (o.status() == EXIT_USAGE) {
            throw new ConfigException(message);
        }
        if (o.status() != 0) {
            throw new IOException(message);
        }
        return o.out();
    }

    static Outcome execute(List<String> args) {
        return execute(args, DaemonConfig.SOCKET_DIRECTORY);
    }

    /** As {@link #execute(List)}, with the daemons' sockets in {@code directory} ({@code TEAM.sock}). */
    static Outcome execute(List<String> args, Path directory) {
        CommandLine line = new CommandLine(new Lacpctl());
        line.setExpandAtFiles(false);
        ParseResult parsed;
        try {
            parsed = line.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            return usage(e.getMessage().lines().findFirst().orElse("bad arguments"));
        }
        ParseResult command = parsed.subcommand();
        if (parsed.isUsageHelpRequested() || command != null && command.isUsageHelpRequested()) {
            return new Outcome(0, usage(command != null ? command : parsed), "");
        }
        if (parsed.isVersionHelpRequested()) {
            return new Outcome(0, "lacpctl " + Version.get() + "\n", "");
        }
        if (command == null) {
            return new Outcome(EXIT_USAGE, usage(parsed), "lacpctl: a command is required (expected: status, member,"
                    + " vlan, port, reload, metrics, events, capture)\n");
        }
        Path socket = null;
        for (ParseResult r = parsed; r != null; r = r.subcommand()) {
            socket = r.matchedOptionValue("--socket", socket);
        }
        try {
            return ((Request) command.commandSpec().userObject()).run(new Target(socket, directory));
        } catch (ConfigException e) {
            return usage(e.getMessage());
        }
    }

    private static String usage(ParseResult r) {
        return r.commandSpec().commandLine().getUsageMessage();
    }

    private static Outcome usage(String message) {
        return new Outcome(EXIT_USAGE, "", "lacpctl: " + message + "\n");
    }

    /** Which daemons a command asks: {@code --socket PATH}, a team's socket, or every socket in /run/lacpd. */
    private record Target(Path socket, Path directory) {

        /** The one daemon of {@code team}. */
        Daemon of(String team) throws ConfigException {
            checkTeam(team);
            return new Daemon(team, socket != null ? socket : directory.resolve(team + ".sock"));
        }

        /** The daemon of {@code team}, or when null every daemon running. */
        List<Daemon> ofOrAll(String team) throws ConfigException {
            if (team != null) {
                return List.of(of(team));
            }
            if (socket != null) {
                return List.of(new Daemon(teamOf(socket), socket));
            }
            List<Daemon> found = new ArrayList<>();
            Path dir = directory;
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted()
                            .forEach(p -> found.add(new Daemon(teamOf(p), p)));
                } catch (IOException e) {
                    return found;
                }
            }
            return found;
        }

        private static String teamOf(Path socket) {
            String name = socket.getFileName().toString();
            return name.endsWith(".sock") ? name.substring(0, name.length() - 5) : name;
        }

        private static void checkTeam(String team) throws ConfigException {
            if (!team.matches("[A-Za-z0-9_.-]{1,32}")) {
                throw new ConfigException("team '" + team + "' (expected: 1 to 32 letters, digits, '.', '_' or '-')");
            }
        }
    }

    /** One daemon: its team's name and its control socket. */
    private record Daemon(String team, Path socket) {
    }

    /** What one daemon answered, or why it did not. */
    private record Answer(Daemon daemon, String text, String notAnswering) {

        boolean error() {
            return text != null && text.startsWith("error: ");
        }
    }

    /** Sends one request line; a daemon that cannot be reached or does not answer in time is said so. */
    private static Answer ask(Daemon d, String request) {
        try {
            return new Answer(d, exchange(d.socket(), request, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS)), null);
        } catch (ConnectException e) {
            return new Answer(d, null, "not answering (stale socket)");
        } catch (IOException e) {
            return new Answer(d, null, Files.exists(d.socket()) ? "not answering (" + e.getMessage() + ")"
                    : "no lacpd is running (no control socket " + d.socket() + ")");
        }
    }

    /** A command's request to the daemons it names. */
    private interface Request {
        Outcome run(Target target) throws ConfigException;
    }

    /** One request line to one daemon: its answer printed, exit 1 on "error: ...". */
    private static Outcome one(Daemon d, String request) {
        return single(ask(d, request));
    }

    /** The answer of the one daemon asked; a daemon that did not answer is an error line, not a table line. */
    private static Outcome single(Answer a) {
        Daemon d = a.daemon();
        if (a.notAnswering() != null) {
            return new Outcome(Files.exists(d.socket()) ? EXIT_NOT_ANSWERING : EXIT_ERROR, "",
                    "lacpctl: " + d.team() + ": " + a.notAnswering() + "\n");
        }
        if (a.error()) {
            return new Outcome(EXIT_ERROR, "", "lacpctl: " + d.team() + ": " + a.text().substring(7).strip() + "\n");
        }
        return new Outcome(0, a.text(), "");
    }

    /** One request to every daemon named; the answers, and a line for each daemon that did not answer. */
    private static List<Answer> all(List<Daemon> daemons, String request) {
        List<Answer> answers = new ArrayList<>();
        for (Daemon d : daemons) {
            answers.add(ask(d, request));
        }
        return answers;
    }

    /** The exit status and error lines of these answers: 3 when some did not answer, 1 when some said error. */
    private static Outcome gathered(List<Answer> answers, String out, boolean notAnsweringOnStdout) {
        StringBuilder err = new StringBuilder();
        StringBuilder missing = new StringBuilder();
        int status = 0;
        for (Answer a : answers) {
            if (a.notAnswering() != null) {
                missing.append(a.daemon().team()).append(": ").append(a.notAnswering()).append('\n');
                status = EXIT_NOT_ANSWERING;
            } else if (a.error()) {
                err.append("lacpctl: ").append(a.daemon().team()).append(": ").append(a.text().substring(7).strip())
                        .append('\n');
                status = Math.max(status, EXIT_ERROR);
            }
        }
        return notAnsweringOnStdout ? new Outcome(status, out + missing, err.toString())
                : new Outcome(status, out, err + missing.toString());
    }

    private static Outcome noDaemon(Target target) {
        return new Outcome(EXIT_ERROR, "", "lacpctl: no lacpd is running (no control socket in "
                + target.directory() + "; use --socket PATH)\n");
    }

    @Command(name = "lacpctl", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Asks running lacpd daemons for their state, and changes a running team.",
            subcommands = {StatusCommand.class, MemberCommand.class, VlanCommand.class, PortCommand.class,
                    ReloadCommand.class, MetricsCommand.class, EventsCommand.class,
                    CaptureCommand.class},
            footer = {"", "TEAM picks the daemon of that team (/run/lacpd/TEAM.sock); without TEAM, status, metrics and"
                    + " events ask every daemon running.",
                    "Exit status: 0 done; 1 the daemon answered an error, or no daemon runs; 2 bad input; 3 a daemon"
                            + " did not answer (a stale socket or a timeout), those that did are shown."})
    static final class Lacpctl {
        @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
                description = "the control socket to ask, instead of /run/lacpd/TEAM.sock")
        Path socket;
    }

    /** picocli's version line. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lacpctl " + Version.get()};
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "The teams' status: a table for people, --json for programs, --brief one line per member.")
    static final class StatusCommand implements Request {
        @Parameters(arity = "0..1", paramLabel = "TEAM", description = "only this team")
        String team;
        @Option(names = "--json", description = "the status as JSON (docs/status.md)")
        boolean json;
        @Option(names = "--brief", description = "one line per member: name, team, mode, status, speed, reason")
        boolean brief;

        @Override
        public Outcome run(Target target) throws ConfigException {
            if (json && brief) {
                throw new ConfigException("--json and --brief exclude each other");
            }
            List<Daemon> daemons = target.ofOrAll(team);
            if (daemons.isEmpty()) {
                return noDaemon(target);
            }
            List<Answer> answers = all(daemons, json || brief ? "status --json" : "status");
            List<String> texts = answers.stream().filter(a -> a.text() != null && !a.error()).map(Answer::text).toList();
            if (texts.isEmpty() && daemons.size() == 1) {
                return single(answers.get(0));
            }
            try {
                if (json) {
                    return gathered(answers, texts.isEmpty() ? "" : StatusJson.merge(texts), false);
                }
                if (brief) {
                    return gathered(answers, texts.isEmpty() ? "" : BriefStatus.render(StatusJson.merge(texts)), true);
                }
            } catch (IOException e) {
                return new Outcome(EXIT_ERROR, "", "lacpctl: an answer is not the status JSON: " + e.getMessage() + "\n");
            }
            return gathered(answers, String.join("\n", texts), true);
        }
    }

    @Command(name = "member", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Sets a member Standby or back Active on a running team (request: member IF standby|active).")
    static final class MemberCommand implements Request {
        @Parameters(index = "0", paramLabel = "TEAM")
        String team;
        @Parameters(index = "1", paramLabel = "IF")
        String member;
        @Parameters(index = "2", paramLabel = "standby|active")
        String role;

        @Override
        public Outcome run(Target target) throws ConfigException {
            Daemon d = target.of(team);
            return one(d, "member " + interfaceName(member) + " " + oneOf(role, "standby", "active"));
        }
    }

    @Command(name = "vlan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Adds or removes a VLAN team interface TEAM.VID (request: vlan add|remove VID).")
    static final class VlanCommand implements Request {
        @Parameters(index = "0", paramLabel = "TEAM")
        String team;
        @Parameters(index = "1", paramLabel = "add|remove")
        String action;
        @Parameters(index = "2", paramLabel = "VID", description = "1..4094")
        String vid;

        @Override
        public Outcome run(Target target) throws ConfigException {
            Daemon d = target.of(team);
            if (!vid.matches("\\d{1,4}") || Integer.parseInt(vid) < 1 || Integer.parseInt(vid) > 4094) {
                throw new ConfigException("VLAN '" + vid + "' (expected: 1..4094)");
            }
            return one(d, "vlan " + oneOf(action, "add", "remove") + " " + Integer.parseInt(vid));
        }
    }

    @Command(name = "port", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Adds a member to a running team or removes one, without a restart (request: port add|remove"
                    + " IF). 'port add|remove TEAM IF' is taken too.",
                    "The change lasts until the next reload or restart, which take the config's ports."})
    static final class PortCommand implements Request {
        @Parameters(index = "0", paramLabel = "TEAM")
        String team;
        @Parameters(index = "1", paramLabel = "add|remove")
        String action;
        @Parameters(index = "2", paramLabel = "IF")
        String member;

        @Override
        public Outcome run(Target target) throws ConfigException {
            List<String> verbs = List.of("add", "remove");
            if (verbs.contains(team) && !verbs.contains(action)) { // "port add TEAM IF"
                String verb = team;
                team = action;
                action = verb;
            }
            Daemon d = target.of(team);
            return one(d, "port " + oneOf(action, "add", "remove") + " " + interfaceName(member));
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Reads the team's config file again, as SIGHUP does, and says whether it was taken.")
    static final class ReloadCommand implements Request {
        @Parameters(index = "0", paramLabel = "TEAM")
        String team;

        @Override
        public Outcome run(Target target) throws ConfigException {
            return one(target.of(team), "reload");
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "The team's metrics (request: metrics).")
    static final class MetricsCommand implements Request {
        @Parameters(arity = "0..1", paramLabel = "TEAM", description = "only this team")
        String team;

        @Override
        public Outcome run(Target target) throws ConfigException {
            return each(target, team, "metrics");
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "The team's recent events, with their times (request: events).")
    static final class EventsCommand implements Request {
        @Parameters(arity = "0..1", paramLabel = "TEAM", description = "only this team")
        String team;

        @Override
        public Outcome run(Target target) throws ConfigException {
            return each(target, team, "events");
        }
    }

    @Command(name = "capture", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Writes the last slow-protocol frames the team's ports (or IF) received and sent to a pcap"
                    + " file for Wireshark (request: capture [IF]).")
    static final class CaptureCommand implements Request {
        @Parameters(index = "0", paramLabel = "TEAM")
        String team;
        @Parameters(index = "1", arity = "0..1", paramLabel = "IF", description = "only this member")
        String member;
        @Option(names = "-w", paramLabel = "FILE", required = true, description = "the pcap file written (mode 0600)")
        Path file;

        @Override
        public Outcome run(Target target) throws ConfigException {
            Outcome o = one(target.of(team), member == null ? "capture" : "capture " + interfaceName(member));
            if (o.status() != 0) {
                return o;
            }
            byte[] pcap;
            try {
                pcap = Base64.getDecoder().decode(o.out().strip());
            } catch (IllegalArgumentException e) {
                pcap = new byte[0];
            }
            int frames = PcapFile.records(pcap);
            if (frames < 0) {
                return new Outcome(EXIT_ERROR, "", "lacpctl: " + team + ": the answer is not a pcap file\n");
            }
            try {
                Files.deleteIfExists(file); // created afresh: frames hold MACs, the file is 0600 from the start
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, pcap, StandardOpenOption.WRITE);
            } catch (IOException e) {
                return new Outcome(EXIT_ERROR, "", "lacpctl: cannot write " + file + ": " + e + "\n");
            }
            return new Outcome(0, frames + " frames written to " + file + "\n", "");
        }
    }

    /** One request to each daemon: one answer as it is; several each under a "---- TEAM ----" line. */
    private static Outcome each(Target target, String team, String request) throws ConfigException {
        List<Daemon> daemons = target.ofOrAll(team);
        if (daemons.isEmpty()) {
            return noDaemon(target);
        }
        if (daemons.size() == 1) {
            return one(daemons.get(0), request);
        }
        List<Answer> answers = all(daemons, request);
        StringBuilder out = new StringBuilder();
        for (Answer a : answers) {
            if (a.text() != null && !a.error()) {
                out.append("---- ").append(a.daemon().team()).append(" ----\n").append(a.text());
            }
        }
        return gathered(answers, out.toString(), true);
    }

    private static String oneOf(String value, String... allowed) throws ConfigException {
        if (!List.of(allowed).contains(value)) {
            throw new ConfigException("'" + value + "' (expected: " + String.join("|", allowed) + ")");
        }
        return value;
    }

    /** An interface name as the kernel takes it; the request line is space separated, so none may have a space. */
    private static String interfaceName(String name) throws ConfigException {
        if (!name.matches("[^\\s/]{1,15}")) {
            throw new ConfigException("bad interface name '" + name + "'");
        }
        return name;
    }

    /**
     * Writes one request line and reads until the daemon closes the connection, all within {@code timeout}
     * nanoseconds.
     *
     * @throws ConnectException when nothing listens on the socket (a daemon that was killed left it behind)
     */
    public static String exchange(Path socket, String request, long timeout) throws IOException {
        long deadline = System.nanoTime() + timeout;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            c.connect(UnixDomainSocketAddress.of(socket)); // a unix socket connects at once or fails
            c.configureBlocking(false);
            SelectionKey key = c.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                await(selector, deadline, timeout);
                c.write(out);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (true) {
                await(selector, deadline, timeout);
                int n = c.read(in);
                if (n < 0) {
                    return answer.toString(StandardCharsets.UTF_8);
                }
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
        }
    }

    private static void await(Selector selector, long deadline, long timeout) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0 || selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))) == 0
                && deadline - System.nanoTime() <= 0) {
            throw new IOException(String.format(Locale.ROOT, "no answer within %.1f s", timeout / 1e9));
        }
        selector.selectedKeys().clear();
    }
}
