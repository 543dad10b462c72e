package io.lacpd.team.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The daemon's control socket: a unix socket, mode 0600 (root only), no TCP. A client writes one request
 * line ("status" or "status --json") and reads the answer until the daemon closes the connection.
 *
 * <p>Clients are served at once and side by side: one I/O thread that never blocks, a request size limit
 * ({@value #MAX_REQUEST} bytes), a read and a write timeout, at most {@value #MAX_CLIENTS} connections, and the
 * handler on threads of its own. A client that sends nothing, sends megabytes or reads slowly delays no
 * other, and the daemon's event loop never waits on a client.
 */
public final class ControlServer implements AutoCloseable {

    /** The longest socket path a client can connect to: sun_path holds 108 bytes with its final NUL. */
    static final int MAX_PATH_BYTES = 107;
    /** File type bits of a mode, and the type of a socket (sys/stat.h). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** Longest request line accepted, in bytes. */
    static final int MAX_REQUEST = 256;
    /** Connections served at once; more are closed at once. */
    static final int MAX_CLIENTS = 32;
    /** How long a client may take to send its request. */
    static final long READ_TIMEOUT = TimeUnit.SECONDS.toNanos(2);
    /** How long a client may take to read its answer. */
    static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    /** How long the handler may take; it bounds its own wait for the daemon's loop below this. */
    static final long HANDLER_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /** Threads that compute answers; a request beyond them and their queue is told the server is busy. */
    private static final int WORKERS = 2;

    private final Path path;
    private final Function<String, String> handler;
    private FileChannel lockFile;
    private ServerSocketChannel server;
    private boolean published;
    private Thread thread;
    private Selector selector;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_CLIENTS), r -> {
                Thread t = new Thread(r, "control-worker");
                t.setDaemon(true);
                return t;
            });

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
        int length = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            // bound in a short private directory and moved, it would exist, but no client could reach it
            throw new IOException("control socket " + path + ": the path has " + length + " bytes (expected: at most "
                    + MAX_PATH_BYTES + ", what a unix socket address holds)");
        }
        try {
            refuseNonSocket();
        } catch (IOException e) {
            throw failed(e);
        }
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
            selector = Selector.open();
        } catch (IOException e) {
            throw failed(e);
        }
        thread = new Thread(this::serve, "control");
        thread.setDaemon(true);
        thread.start();
    }

    /** Something at the path that is not a socket (a file, a directory, a link) is not ours to replace. */
    private void refuseNonSocket() throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("it exists and is not a socket, not replacing it");
        }
    }

    /** Binds the socket in a private directory of {@code dir}, then moves it to its path. */
    private void publish(Path dir) throws IOException {
        refuseNonSocket(); // again under the lock: made since the first look
        Files.deleteIfExists(path); // a socket left behind by a daemon that was killed
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

    /** One connection: its request as it arrives, then its answer as it leaves; touched by the I/O thread only. */
    private static final class Client {
        final SocketChannel channel;
        final ByteBuffer request = ByteBuffer.allocate(MAX_REQUEST);
        ByteBuffer answer;
        /** The answer is out: what the client still sends is read and dropped until it closes. */
        boolean draining;
        /** When the connection is cut unless the request has come, or the answer has gone. */
        long deadline;

        Client(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    /** An answer the handler computed, for the I/O thread to send. */
    private record Answer(Client client, String text) {
    }

    /**
     * The I/O thread: accepts, reads and writes without blocking, so that no client can delay another; the
     * handler runs on its own threads, so that a request waiting for the daemon's loop delays no I/O.
     */
    private void serve() {
        Map<SocketChannel, Client> clients = new HashMap<>();
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (server.isOpen()) {
                long now = System.nanoTime();
                long wait = TimeUnit.NANOSECONDS.toMillis(nextDeadline(clients, now) - now) + 1;
                selector.select(Math.max(1, wait));
                now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(clients, now);
                    } else {
                        Client c = (Client) key.attachment();
                        if (key.isReadable()) {
                            read(c, key, now, clients);
                        } else if (key.isWritable()) {
                            write(c, now, clients);
                        }
                    }
                }
                selector.selectedKeys().clear();
                Answer a;
                while ((a = answers.poll()) != null) {
                    startAnswer(a.client(), a.text(), now, clients);
                }
                expire(clients, now);
            }
        } catch (IOException | ClosedSelectorException e) {
            // the server closed
        } finally {
            clients.keySet().forEach(ControlServer::closeQuietly);
        }
    }

    private void accept(Map<SocketChannel, Client> clients, long now) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            if (clients.size() >= MAX_CLIENTS) {
                closeQuietly(channel); // at the limit: refused at once rather than kept waiting
                continue;
            }
            channel.configureBlocking(false);
            Client c = new Client(channel, now + READ_TIMEOUT);
            channel.register(selector, SelectionKey.OP_READ, c);
            clients.put(channel, c);
        }
    }

    private void read(Client c, SelectionKey key, long now, Map<SocketChannel, Client> clients) {
        if (c.draining) {
            c.request.clear();
        }
        int n;
        try {
            n = c.channel.read(c.request);
        } catch (IOException e) {
            drop(c, clients);
            return;
        }
        if (c.draining) {
            if (n < 0) {
                drop(c, clients);
            }
            return;
        }
        String line = requestLine(c.request, n < 0);
        if (line == null && c.request.hasRemaining()) {
            return; // more to come
        }
        key.interestOps(0); // nothing more is read: a client sending megabytes costs one buffer
        c.deadline = now + HANDLER_TIMEOUT;
        if (line == null) {
            answers.add(new Answer(c, "error: request too long (expected: at most " + MAX_REQUEST + " bytes)\n"));
        } else if (line.isEmpty()) {
            answers.add(new Answer(c, "error: empty request (expected: status, status --json)\n"));
        } else {
            try {
                workers.execute(() -> {
                    answers.add(new Answer(c, answer(line)));
                    selector.wakeup();
                });
            } catch (RejectedExecutionException e) {
                answers.add(new Answer(c, "error: busy, try again\n"));
            }
        }
    }

    /** The handler's answer; a bug in it is the client's error line, and the server goes on. */
    private String answer(String request) {
        try {
            return handler.apply(request);
        } catch (RuntimeException e) {
            return "error: internal error: " + e + "\n";
        }
    }

    /** The request once complete (up to a newline, or the client's end), else null. */
    private static String requestLine(ByteBuffer in, boolean ended) {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                return new String(in.array(), 0, i, StandardCharsets.UTF_8).strip();
            }
        }
        return ended ? new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip() : null;
    }

    private void startAnswer(Client c, String text, long now, Map<SocketChannel, Client> clients) {
        if (!c.channel.isOpen()) {
            return; // cut off while its answer was computed
        }
        c.answer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        c.deadline = now + WRITE_TIMEOUT;
        try {
            c.channel.keyFor(selector).interestOps(SelectionKey.OP_WRITE);
        } catch (CancelledKeyException e) {
            drop(c, clients);
            return;
        }
        write(c, now, clients);
    }

    /**
     * Writes what the client takes of its answer. Once all is out the output is shut, which ends the client's
     * read; what it still sends is then drained rather than left unread, since closing with unread input
     * would reset the connection and lose the answer (a request over the limit is told why).
     */
    private void write(Client c, long now, Map<SocketChannel, Client> clients) {
        try {
            c.channel.write(c.answer);
            if (!c.answer.hasRemaining()) {
                c.channel.shutdownOutput();
                c.draining = true;
                c.deadline = now + READ_TIMEOUT;
                c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException | CancelledKeyException e) {
            drop(c, clients);
        }
    }

    /** Cuts the clients past their deadline: one that sends nothing, or reads too slowly. */
    private static void expire(Map<SocketChannel, Client> clients, long now) {
        for (Client c : List.copyOf(clients.values())) {
            if (now - c.deadline >= 0) {
                drop(c, clients);
            }
        }
    }

    private static long nextDeadline(Map<SocketChannel, Client> clients, long now) {
        long next = now + READ_TIMEOUT;
        for (Client c : clients.values()) {
            if (c.deadline - next < 0) {
                next = c.deadline;
            }
        }
        return next;
    }

    private static void drop(Client c, Map<SocketChannel, Client> clients) {
        clients.remove(c.channel);
        closeQuietly(c.channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // going away anyway
        }
    }

    /** Closes the socket and removes it, if this daemon put it there; a failed start leaves others' alone. */
    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            if (selector != null) {
                selector.wakeup();
            }
            workers.shutdownNow();
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
