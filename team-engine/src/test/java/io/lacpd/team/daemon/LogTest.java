package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTest {

    private static final Instant AT = Instant.parse("2026-12-01T03:12:00Z");

    @Test
    void aTerminalGetsTheTimeTheJournalThePriority() {
        assertEquals("2026-12-01T03:12:00.000Z lacpd[team0] eth1: distributing",
                new Log("team0", Log.Level.INFO, false).format(Log.Level.INFO, "eth1: distributing", AT));
        Log journal = new Log("team0", Log.Level.INFO, true);
        assertEquals("<6>lacpd[team0] eth1: distributing", journal.format(Log.Level.INFO, "eth1: distributing", AT));
        assertEquals("<4>lacpd[team0] reload failed", journal.format(Log.Level.WARN, "reload failed", AT));
        assertEquals("<3>lacpd[team0] exiting", journal.format(Log.Level.ERROR, "exiting", AT));
        assertEquals("<7>lacpd[team0] eth1: rx", journal.format(Log.Level.DEBUG, "eth1: rx", AT));
    }

    @Test
    void aLevelWritesItsOwnLinesAndMoreSevereOnes() {
        Log warn = new Log("team0", Log.Level.WARN, false);
        assertTrue(warn.enabled(Log.Level.ERROR));
        assertTrue(warn.enabled(Log.Level.WARN));
        assertFalse(warn.enabled(Log.Level.INFO));
        assertFalse(warn.enabled(Log.Level.DEBUG));
        assertTrue(new Log("team0", Log.Level.DEBUG, false).enabled(Log.Level.DEBUG));
        assertFalse(new Log("team0", Log.Level.ERROR, false).enabled(Log.Level.WARN));
    }
}
