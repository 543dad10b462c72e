package io.lacpd.team.daemon;

import io.lacpd.transport.LacpRuntime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What lacpd does when any of its threads dies of an uncaught error, an exhausted heap included: a daemon with
 * a dead event loop, capture, link monitor or control thread would neither negotiate nor answer, so it says so,
 * tells its partners if its event loop still runs, and halts with {@value #EXIT_INTERNAL_ERROR} at once (no
 * shutdown hooks, which could wait on the dead thread), so that a supervisor restarts it.
 *
 * <p>It must work without memory: its first line and its state are allocated up front, and a reserve it
 * holds is let go first, to give the farewell and the detailed line room.
 */
final class FatalHandler implements Thread.UncaughtExceptionHandler {

    /** The exit status after an internal error (EX_SOFTWARE). */
    static final int EXIT_INTERNAL_ERROR = 70;
    /** How long the partners' farewell may take: the transmit limit may hold one back for up to a second. */
    static final long FAREWELL_MILLIS = 1500;

    private final byte[] message;
    private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    private final AtomicBoolean fired = new AtomicBoolean();
    private final Log log;
    private final Supplier<LacpRuntime> runtime;
    /** Held only to be let go when the heap is exhausted, so that what follows finds room. */
    private byte[] reserve = new byte[1 << 20];

    /**
     * @param team    the team's name, for the first line
     * @param log     the daemon's log, for the details once the reserve is free
     * @param runtime the running LACP runtime, or null before it started
     */
    FatalHandler(String team, Log log, Supplier<LacpRuntime> runtime) {
        this.message = ("lacpd[" + team + "] internal error: a thread died or the heap is exhausted; exiting\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.log = log;
        this.runtime = runtime;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (!fired.compareAndSet(false, true)) {
            return; // another thread is already ending the daemon
        }
        reserve = null;
        // Each step may itself fail for want of memory; none may keep the next from running, halt least of all.
        try {
            stderr.write(message);
        } catch (Throwable ignored) {
            // nowhere left to say it
        }
        try {
            log.error("internal error in thread " + thread.getName() + ": " + error);
            error.printStackTrace();
        } catch (Throwable ignored) {
            // the first line said enough
        }
        boolean told = false;
        try {
            LacpRuntime r = runtime.get();
            told = r != null && r.farewell(FAREWELL_MILLIS);
        } catch (Throwable ignored) {
            // the partners time out instead
        }
        try {
            log.error(told ? "exiting: partners told" : "exiting: partners not told, they time out");
        } catch (Throwable ignored) {
            // halting matters more
        }
        Runtime.getRuntime().halt(EXIT_INTERNAL_ERROR);
    }
}
