package io.lacpd.team;

import io.lacpd.transport.linux.Libc;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One thread of this JVM moved into a network namespace (setns(2) moves only the calling thread), to open
 * TAPs and packet sockets there; threads it starts inherit the namespace. Tasks run on it one at a time.
 */
public final class NetnsThread implements AutoCloseable {

    private final ExecutorService thread;

    /** @param namespace a name {@code ip netns add} gave (/run/netns/NAME) */
    public NetnsThread(String namespace) throws Exception {
        thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "in-" + namespace));
        call(() -> {
            int fd = Libc.open("/run/netns/" + namespace, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET);
            } finally {
                Libc.closeQuietly(fd);
            }
            return null;
        });
    }

    /** Runs {@code task} in the namespace and returns its result; its exception is rethrown as is. */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
