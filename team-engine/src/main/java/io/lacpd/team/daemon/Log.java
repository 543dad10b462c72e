package io.lacpd.team.daemon;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One line per meaningful change, to stderr: {@code 2026-11-21T10:00:00.123Z lacpd[team0] eth1: distributing}.
 * Lines that a flood can repeat without end go through {@link #limited}: a {@link LogLimiter} summarizes them,
 * and a daemon thread writes the summaries of ended windows each second.
 */
public final class Log {

    private static final long FLUSH_MILLIS = 1000;

    /** Always three digits of milliseconds (Instant.toString drops them on a whole second). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String team;
    private final LogLimiter limiter = new LogLimiter();

    Log(String team) {
        this.team = team;
        Thread flusher = new Thread(this::flushEachSecond, "log-summary");
        flusher.setDaemon(true);
        flusher.start();
    }

    synchronized void line(String text) {
        System.err.println(TIME.format(Instant.now()) + " lacpd[" + team + "] " + text);
    }

    /** A line of a kind that may repeat many times a second (see {@link LogLimiter}); a notice is its own kind. */
    synchronized void limited(String kind, String text) {
        write(limiter.line(kind, text, System.nanoTime()));
    }

    /** A notice of the runtime, rate limited by its text. */
    void notice(String text) {
        limited(text, text);
    }

    private synchronized void write(List<String> lines) {
        for (String l : lines) {
            line(l);
        }
    }

    private void flushEachSecond() {
        while (true) {
            try {
                Thread.sleep(FLUSH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                write(limiter.flush(System.nanoTime()));
            }
        }
    }
}
