package io.lacpd.transport;

import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What both monitors share: {@link #read} from sysfs, and one daemon thread named "link-monitor" that
 * runs {@link #watch} from {@link #start} until {@link #close}, which waits for it to end.
 */
abstract class ThreadedLinkMonitor implements LinkMonitor {

    private Thread thread;
    private LinkReporter reporter;
    private volatile boolean closed;

    @Override
    public LinkState read(String name) {
        return Sysfs.read(name);
    }

    @Override
    public synchronized void start(Set<String> names, Consumer<LinkState> listener, Consumer<String> notices) {
        if (closed) {
            throw new IllegalStateException("link monitor closed");
        }
        if (thread != null) {
            throw new IllegalStateException("link monitor already started");
        }
        LinkReporter r = new LinkReporter(names, listener, notices);
        reporter = r;
        thread = new Thread(() -> {
            try {
                watch(r);
            } finally {
                release();
            }
        }, "link-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void watch(Set<String> names) {
        if (reporter == null) {
            throw new IllegalStateException("link monitor not started");
        }
        reporter.names(names);
    }

    /**
     * Reports the state of every watched name (so that nothing between a read() and start() is missed), then
     * every change until {@link #closing()}, which it must notice within a fraction of a second or when
     * unparked. Runs on the monitor's thread.
     */
    abstract void watch(LinkReporter reporter);

    /** Frees what the monitor holds, once: when its thread ends, or at close if it never started. */
    abstract void release();

    /** True once close has begun. */
    final boolean closing() {
        return closed;
    }

    /** Reports the state of every watched name as sysfs has it now. */
    static void resync(LinkReporter reporter) {
        for (String name : reporter.names()) {
            reporter.report(Sysfs.read(name));
        }
    }

    /** Stops the thread and waits for it (and so for a listener call in progress), unless called from it. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            if (t == null) {
                release();
                return;
            }
            reporter.close();
        }
        LockSupport.unpark(t);
        if (t != Thread.currentThread()) {
            joinUninterruptibly(t);
        }
    }

    /**
     * Waits for {@code t} to end even when interrupted, since returning early would let a listener or consumer
     * call run on after close; the interrupt is kept for the caller.
     */
    static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
