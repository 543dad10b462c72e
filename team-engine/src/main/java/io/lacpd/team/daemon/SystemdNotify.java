package io.lacpd.team.daemon;

import com.sun.jna.Native;
import io.lacpd.transport.LacpRuntime;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * systemd's notification protocol (sd_notify(3)) for {@code Type=notify} and {@code WatchdogSec=}: datagrams such as
 * {@code READY=1} to the unix socket {@code $NOTIFY_SOCKET}. Java 17 has no unix datagram channel, so the socket is
 * libc's, through JNA. Outside systemd (no {@code $NOTIFY_SOCKET}) it does nothing.
 *
 * <p>The watchdog is fed by the LACP event loop itself: a timer thread asks the loop to send {@code WATCHDOG=1} every
 * half {@code $WATCHDOG_USEC}, so a loop that is wedged stops feeding it and systemd restarts the daemon.
 */
final class SystemdNotify implements AutoCloseable {

    private static final int SOCKADDR_UN_PATH = 108;

    private final int fd;
    private final byte[] address;
    private final long watchdogMicros;
    private final Log log;
    private ScheduledExecutorService watchdog;

    private SystemdNotify(int fd, byte[] address, long watchdogMicros, Log log) {
        this.fd = fd;
        this.address = address;
        this.watchdogMicros = watchdogMicros;
        this.log = log;
    }

    /**
     * The notifier of this environment, or null when the daemon does not run under systemd's notify protocol.
     *
     * @throws IOException when {@code $NOTIFY_SOCKET} is set but unusable (a path too long, no socket)
     */
    static SystemdNotify fromEnvironment(Map<String, String> env, Log log) throws IOException {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        if (!socket.startsWith("/") && !socket.startsWith("@")) {
            throw new IOException("NOTIFY_SOCKET '" + socket + "' (expected: a path or an @abstract name)");
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length >= SOCKADDR_UN_PATH) {
            throw new IOException("NOTIFY_SOCKET '" + socket + "' is longer than a unix socket address holds");
        }
        if (path[0] == '@') {
            path[0] = 0; // an abstract socket's name starts with a zero byte
        }
        ByteBuffer sun = ByteBuffer.allocate(2 + path.length).order(ByteOrder.nativeOrder());
        sun.putShort((short) Libc.AF_UNIX).put(path);
        int fd = Libc.check("NOTIFY_SOCKET " + socket,
                () -> Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0));
        long micros = 0;
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec != null && usec.matches("\\d{1,18}")
                && (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            micros = Long.parseLong(usec);
        }
        return new SystemdNotify(fd, sun.array(), micros, log);
    }

    /** Sends one notification, e.g. {@code READY=1}; a failure is logged, as systemd then says what it misses. */
    void send(String state) {
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        if (Libc.sendto(fd, message, message.length, 0, address, address.length) < 0) {
            log.line("cannot notify systemd (" + state.lines().findFirst().orElse("") + "): errno "
                    + Native.getLastError());
        }
    }

    /** Starts feeding the watchdog from {@code runtime}'s loop, when systemd asked for one. */
    void feedWatchdog(LacpRuntime runtime) {
        if (watchdogMicros <= 0) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watchdog");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, watchdogMicros / 2);
        watchdog.scheduleAtFixedRate(() -> runtime.execute((system, now) -> send("WATCHDOG=1")), 0, every,
                TimeUnit.MICROSECONDS);
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        Libc.close(fd);
    }
}
