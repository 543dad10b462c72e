package io.lacpd.team.daemon;

import io.lacpd.team.LacpFallback;
import io.lacpd.team.Team;
import io.lacpd.transport.LacpRuntime;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Wakes the team at the end of its LACP fallback timeout: with no LACPDU heard, nothing else would come then to make
 * it fall back. One shot, as the fallback counts from the start alone; the team is advanced on the LACP loop thread.
 */
final class LacpFallbackTimer {

    private LacpFallbackTimer() {
    }

    /** Starts the timer's thread; it ends once it has woken the team (or with the JVM). */
    static void start(LacpRuntime runtime, Team team, Consumer<String> log) {
        long at = team.lacpFallbackAt();
        Thread t = new Thread(() -> {
            for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            runtime.execute((system, now) -> {
                team.advance(now);
                if (team.state().lacpFallback() == LacpFallback.ACTIVE) {
                    log.accept("lacp fallback: no LACPDU heard since the start; one member carries the traffic,"
                            + " active-backup, until LACP is heard");
                }
            });
        }, "lacp-fallback");
        t.setDaemon(true);
        t.start();
    }
}
