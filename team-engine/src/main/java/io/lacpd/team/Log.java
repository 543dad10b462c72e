package io.lacpd.team;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One line per meaningful change, to stderr: {@code 2026-11-21T10:00:00.123Z lacpd[team0] eth1: distributing}. */
final class Log {

    private final String team;

    Log(String team) {
        this.team = team;
    }

    synchronized void line(String text) {
        System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " lacpd[" + team + "] " + text);
    }
}
