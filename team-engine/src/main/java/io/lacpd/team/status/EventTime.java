package io.lacpd.team.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Wall-clock times as the log, the events and the status print them: {@code 2026-12-01T03:12:00.000Z}, UTC. */
public final class EventTime {

    /** Always three digits of milliseconds (Instant.toString drops them on a whole second). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private EventTime() {
    }

    /** Milliseconds since the epoch, in UTC. */
    public static String format(long atMillis) {
        return TIME.format(Instant.ofEpochMilli(atMillis));
    }
}
