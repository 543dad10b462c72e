package io.lacpd.team.control;

import io.lacpd.team.daemon.ConfigException;
import io.lacpd.team.daemon.DaemonConfig;
import io.lacpd.team.status.StatusJson;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code lacpctl [--socket PATH] status [--json]}: asks running lacpd daemons for their status. Without
 * {@code --socket} it asks every daemon with a socket in /run/lacpd, and the JSON holds all their teams.
 */
public final class LacpCtl {

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
            answer = exchange(socket, request);
        } catch (IOException e) {
            throw new IOException("cannot reach lacpd at " + socket + ": " + e.getMessage());
        }
        if (answer.startsWith("error: ")) {
            throw new IOException(socket + ": " + answer.substring(7).strip());
        }
        return answer;
    }

    /** Writes one request line and reads until the daemon closes the connection. */
    private static String exchange(Path socket, String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (c.read(in) >= 0) {
                in.flip();
                answer.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
            return answer.toString();
        }
    }
}
