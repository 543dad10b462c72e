package io.lacpd.team.daemon;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * One line per meaningful change, to stderr: {@code 2026-11-21T10:00:00.123Z lacpd[team0] eth1: distributing}.
 * Lines that a flood can repeat without end go through {@link #limited}: a {@link LogLimiter} summarizes them,
 * and a daemon thread writes the summaries of ended windows each second. Lines below the configured
 * {@link Level} are not written. When stderr is the systemd journal ({@code $JOURNAL_STREAM} set), the journal
 * keeps the time itself: each line starts with its syslog priority ({@code <4>}) instead of a timestamp.
 */
public final class Log {

    /** How severe a line is; the log writes those at its level and above. */
    public enum Level {
        /** The daemon cannot go on, or a part of it stopped. */
        ERROR(3),
        /** Something failed that the daemon works around: a refused reload, a file it cannot write. */
        WARN(4),
        /** Each meaningful change: the default. */
        INFO(6),
        /** Also every LACPDU and Marker sent and received. */
        DEBUG(7);

        /** The syslog priority the journal reads from a {@code <N>} prefix. */
        final int syslog;

        Level(int syslog) {
            this.syslog = syslog;
        }
    }

    private static final long FLUSH_MILLIS = 1000;

    /** Always three digits of milliseconds (Instant.toString drops them on a whole second). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String team;
    private final Level level;
    private final boolean journal;
    private final LogLimiter limiter = new LogLimiter();

    /**
     * @param level   the least severe lines written
     * @param journal whether stderr is the journal: a priority prefix, no timestamp
     */
    Log(String team, Level level, boolean journal) {
        this.team = team;
        this.level = level;
        this.journal = journal;
        Thread flusher = new Thread(this::flushEachSecond, "log-summary");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Whether lines of this level are written. */
    boolean enabled(Level l) {
        return l.compareTo(level) <= 0;
    }

    /** An info line. */
    void line(String text) {
        write(Level.INFO, text);
    }

    /** A warning. */
    void warn(String text) {
        write(Level.WARN, text);
    }

    /** An error. */
    void error(String text) {
        write(Level.ERROR, text);
    }

    /** A debug line, worded only when debug lines are written; rate limited by {@code kind}. */
    void debug(String kind, Supplier<String> text) {
        if (enabled(Level.DEBUG)) {
            limited(Level.DEBUG, kind, text.get());
        }
    }

    /** The line as written: its timestamp (or, for the journal, its priority), the team, the text. */
    String format(Level l, String text, Instant at) {
        return (journal ? "<" + l.syslog + ">" : TIME.format(at) + " ") + "lacpd[" + team + "] " + text;
    }

    private synchronized void write(Level l, String text) {
        if (enabled(l)) {
            System.err.println(format(l, text, Instant.now()));
        }
    }

    /** A line of a kind that may repeat many times a second (see {@link LogLimiter}); a notice is its own kind. */
    void limited(String kind, String text) {
        limited(Level.INFO, kind, text);
    }

    private synchronized void limited(Level l, String kind, String text) {
        if (enabled(l)) {
            write(l, limiter.line(kind, text, System.nanoTime()));
        }
    }

    /** A notice of the runtime (a send refused, a port that cannot open), rate limited by its text. */
    void notice(String text) {
        limited(Level.WARN, text, text);
    }

    private synchronized void write(Level l, List<String> lines) {
        for (String line : lines) {
            write(l, line);
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
                // only kinds of the levels written were fed to the limiter: their summaries are written whatever
                // the level, with the info priority
                for (String line : limiter.flush(System.nanoTime())) {
                    System.err.println(format(Level.INFO, line, Instant.now()));
                }
            }
        }
    }
}
