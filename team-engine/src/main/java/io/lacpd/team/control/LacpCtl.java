package io.lacpd.team.control;

import io.lacpd.team.daemon.ConfigException;
import io.lacpd.team.daemon.DaemonConfig;
import io.lacpd.team.status.StatusJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code lacpctl [--socket PATH] status [--json]}: asks running lacpd daemons for their status. Without
 * {@code --socket} it asks every daemon with a socket in /run/lacpd, and the JSON holds all their teams. A
 * daemon that does not answer within {@value #TIMEOUT_SECONDS} s is an error, not a wait without end.
 */
public final class LacpCtl {

    /** How long one daemon may take to take the request and answer it. */
    static final int TIMEOUT_SECONDS = 5;

    private LacpCtl() {
    }

    /** Prints the answer; exits 2 on a bad request, 1 when no daemon answers. */
    public static void main(String[] argv) {
        try {
            System.out.print(run(List.of(argv)));
        } catch (ConfigException e) {
            System.err.println("lacpctl: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("lacpctl: " + e.getMessage());
            System.exit(1);
        }
    }

    public static String run(List<String> args) throws ConfigException, IOException {
        Path socket = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--socket")) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("--socket needs a path");
                }
                socket = Path.of(args.get(++i));
            } else {
                rest.add(args.get(i));
            }
        }
        boolean json;
        if (rest.equals(List.of("status"))) {
            json = false;
        } else if (rest.equals(List.of("status", "--json"))) {
            json = true;
        } else {
            throw new ConfigException(rest.isEmpty() ? "a command is required (expected: status [--json])"
                    : "unknown command '" + String.join(" ", rest) + "' (expected: status [--json])");
        }
        List<Path> sockets = socket != null ? List.of(socket) : sockets();
        List<String> answers = new ArrayList<>();
        for (Path s : sockets) {
            answers.add(ask(s, json ? "status --json" : "status"));
        }
        return json ? StatusJson.merge(answers) : String.join("\n", answers);
    }

    private static List<Path> sockets() throws IOException {
        Path dir = DaemonConfig.SOCKET_DIRECTORY;
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no lacpd is running (no control socket in " + dir + "; use --socket PATH)");
        }
        return found;
    }

    /** The daemon's answer; an "error: ..." answer or a socket that does not answer is an IOException. */
    private static String ask(Path socket, String request) throws IOException {
        String answer;
        try {
            answer = exchange(socket, request, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        } catch (IOException e) {
            throw new IOException("cannot reach lacpd at " + socket + ": " + e.getMessage());
        }
        if (answer.startsWith("error: ")) {
            throw new IOException(socket + ": " + answer.substring(7).strip());
        }
        return answer;
    }

    /**
     * Writes one request line and reads until the daemon closes the connection, all within {@code timeout}
     * nanoseconds.
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
