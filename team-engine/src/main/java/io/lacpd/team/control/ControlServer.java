package io.lacpd.team.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * The daemon's control socket: a unix socket, mode 0600 (root only), no TCP. A client writes one request
 * line ("status" or "status --json") and reads the answer until the daemon closes the connection.
 */
public final class ControlServer implements AutoCloseable {

    /** Longest request line accepted. */
    private static final int MAX_REQUEST = 256;

    private final Path path;
    private final Function<String, String> handler;
    private FileChannel lockFile;
    private ServerSocketChannel server;
    private boolean published;
    private Thread thread;

    public ControlServer(Path path, Function<String, String> handler) {
        this.path = path;
        this.handler = handler;
    }

    /**
     * Binds the socket. A lock on {@code PATH.lock}, held for the daemon's life, makes it this daemon's
     * alone; the socket is created in a private directory and given mode 0600 before it is moved into place,
     * so no one else can ever connect to it.
     *
     * @throws IOException with one line naming the socket, e.g. when another lacpd uses it
     */
    public void start() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        FileLock lock;
        try {
            Files.createDirectories(dir);
            lockFile = FileChannel.open(Path.of(path + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockFile.tryLock();
        } catch (IOException e) {
            throw failed(e);
        }
        if (lock == null) {
            close();
            throw new IOException("control socket " + path + " is in use by another lacpd");
        }
        try {
            publish(dir);
        } catch (IOException e) {
            throw failed(e);
        }
        thread = new Thread(this::serve, "control");
        thread.setDaemon(true);
        thread.start();
    }

    /** Binds the socket in a private directory of {@code dir}, then moves it to its path. */
    private void publish(Path dir) throws IOException {
        Files.deleteIfExists(path); // left behind by a daemon that was killed
        Path privateDir = Files.createTempDirectory(dir, ".lacpd-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staging = privateDir.resolve("s");
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(staging));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
            published = true;
        } finally {
            Files.deleteIfExists(staging);
            Files.deleteIfExists(privateDir);
        }
    }

    /** Closes what the start opened and names the socket in the failure's one line. */
    private IOException failed(IOException e) {
        close();
        if (e instanceof AccessDeniedException denied) {
            return new IOException("control socket " + path + ": permission denied on " + denied.getFile()
                    + " (lacpd runs as root)");
        }
        return new IOException("control socket " + path + ": " + e.getMessage());
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = readLine(client);
                String answer = request == null ? "error: request too long or empty\n" : handler.apply(request);
                ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException e) {
                // a client that went away, or the server closed: nothing to do for either
            }
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining() && c.read(in) >= 0) {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return new String(in.array(), 0, i, StandardCharsets.UTF_8).strip();
                }
            }
        }
        return in.position() == 0 || !in.hasRemaining() ? null
                : new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
    }

    /** Closes the socket and removes it, if this daemon put it there; a failed start leaves others' alone. */
    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            if (published) {
                Files.deleteIfExists(path);
            }
            if (lockFile != null) {
                lockFile.close(); // the lock file stays: removing it would let two daemons lock two files
            }
        } catch (IOException e) {
            // shutting down: a socket file we cannot remove is replaced at the next start
        }
    }
}
