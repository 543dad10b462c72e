package io.lacpd.team.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that sends nothing, one that sends 10 MB and one that reads slowly: every other client is answered
 * at once, and each of them is cut off in bounded time. lacpctl gives up on a daemon that does not answer.
 */
class ControlServerTest {

    /** What "at once" means on a loaded machine: far below any timeout of the server. */
    private static final long AT_ONCE_MILLIS = 500;
    /** An answer bigger than the socket buffers, so that a client that does not read holds it up. */
    private static final String BIG = "x".repeat(8 << 20) + "\n";

    @TempDir
    Path dir;
    private ControlServer server;
    private Path socket;
    private final List<SocketChannel> opened = new ArrayList<>();

    private void start() throws IOException {
        socket = dir.resolve("t.sock");
        server = new ControlServer(socket, request -> request.equals("big") ? BIG : "ok " + request + "\n");
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : opened) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        opened.add(c);
        return c;
    }

    /** A well-behaved client gets its answer at once. */
    private void answeredAtOnce() throws IOException {
        long start = System.nanoTime();
        assertEquals("ok status\n", LacpCtl.exchange(socket, "status", TimeUnit.SECONDS.toNanos(5)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took < AT_ONCE_MILLIS, "answered in " + took + " ms");
    }

    /** Blocks until the server closes the connection; returns how long since {@code start} that was, in ms. */
    private static long millisUntilClosed(SocketChannel c, long start) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        try {
            while (c.read(in) >= 0) {
                in.clear();
            }
        } catch (IOException e) {
            // reset by the server: closed as well
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void aClientThatSendsNothingDelaysNoOneAndIsCutOff() throws Exception {
        start();
        long start = System.nanoTime();
        SocketChannel idle = connect();
        for (int i = 0; i < 5; i++) {
            answeredAtOnce();
        }
        long cut = millisUntilClosed(idle, start);
        assertTrue(cut < TimeUnit.NANOSECONDS.toMillis(ControlServer.READ_TIMEOUT) + 1000, "cut after " + cut + " ms");
    }

    @Test
    void aClientThatSends10MegabytesIsToldAndDelaysNoOne() throws Exception {
        start();
        CompletableFuture<String> sending = CompletableFuture.supplyAsync(() -> {
            try {
                return LacpCtl.exchange(socket, "s".repeat(10 << 20), TimeUnit.SECONDS.toNanos(10));
            } catch (IOException e) {
                return e.toString();
            }
        });
        Thread.sleep(100); // under way
        answeredAtOnce();
        assertEquals("error: request too long (expected: at most 256 bytes)\n", sending.get(15, TimeUnit.SECONDS));
        answeredAtOnce();
    }

    @Test
    void aClientThatReadsSlowlyDelaysNoOneAndIsCutOff() throws Exception {
        start();
        long start = System.nanoTime();
        SocketChannel slow = connect();
        slow.write(ByteBuffer.wrap("big\n".getBytes()));
        Thread.sleep(200); // its answer is computed and fills the socket buffers
        for (int i = 0; i < 5; i++) {
            answeredAtOnce();
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ControlServer.WRITE_TIMEOUT) + 1000);
        long received = 0;
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        try {
            for (int n; (n = slow.read(in)) >= 0; in.clear()) {
                received += n;
            }
        } catch (IOException e) {
            // reset: cut off as well
        }
        assertTrue(received < BIG.length(), "cut off after the write timeout: " + received + " bytes of " + BIG.length());
    }

    @Test
    void aRequestOverTheLimitIsRefusedInOneLine() throws Exception {
        start();
        String answer = LacpCtl.exchange(socket, "s".repeat(ControlServer.MAX_REQUEST + 10), TimeUnit.SECONDS.toNanos(5));
        assertEquals("error: request too long (expected: at most 256 bytes)\n", answer);
    }

    @Test
    void manyClientsAtOnceAreAllAnswered() throws Exception {
        start();
        List<CompletableFuture<String>> asks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String request = "status " + i;
            asks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return LacpCtl.exchange(socket, request, TimeUnit.SECONDS.toNanos(5));
                } catch (IOException e) {
                    return e.toString();
                }
            }));
        }
        for (int i = 0; i < asks.size(); i++) {
            assertEquals("ok status " + i + "\n", asks.get(i).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFileThatIsNotASocketIsRefusedAndLeftAlone() throws Exception {
        Path file = dir.resolve("precious");
        Files.writeString(file, "keep me");
        server = new ControlServer(file, request -> "ok\n");
        IOException e = assertThrows(IOException.class, server::start);
        assertEquals("control socket " + file + ": it exists and is not a socket, not replacing it", e.getMessage());
        assertEquals("keep me", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("precious.lock")), "nothing made beside it");
    }

    @Test
    void aSocketLeftBehindIsReplaced() throws Exception {
        socket = dir.resolve("t.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket)); // a killed daemon's socket: no one accepts on it
        }
        server = new ControlServer(socket, request -> "ok " + request + "\n");
        server.start();
        answeredAtOnce();
    }

    @Test
    void aPathNoClientCouldReachIsRefusedInOneLine() {
        Path deep = dir.resolve("d".repeat(100)).resolve("t.sock");
        server = new ControlServer(deep, request -> "ok\n");
        IOException e = assertThrows(IOException.class, server::start);
        int length = deep.toString().length();
        assertEquals("control socket " + deep + ": the path has " + length
                + " bytes (expected: at most 107, what a unix socket address holds)", e.getMessage());
        assertFalse(Files.exists(deep.getParent()), "nothing made");
    }

    @Test
    void lacpctlGivesUpOnADaemonThatDoesNotAnswer() throws Exception {
        Path mute = dir.resolve("mute.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(mute)); // never accepts: the connection waits in the backlog
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class,
                    () -> LacpCtl.exchange(mute, "status", TimeUnit.MILLISECONDS.toNanos(300)));
            assertEquals("no answer within 0.3 s", e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        }
    }
}
