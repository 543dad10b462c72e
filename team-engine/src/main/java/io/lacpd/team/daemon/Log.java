package io.lacpd.team.daemon;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One line per meaningful change, to stderr: {@code 2026-11-21T10:00:00.123Z lacpd[team0] eth1: distributing}. */
public final class Log {

    /** Always three digits of milliseconds (Instant.toString drops them on a whole second). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String team;

    Log(String team) {
        this.team = team;
    }

    synchronized void line(String text) {
        System.err.println(TIME.format(Instant.now()) + " lacpd[" + team + "] " + text);
    }
}
