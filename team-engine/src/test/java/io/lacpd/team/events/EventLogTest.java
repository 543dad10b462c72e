package io.lacpd.team.events;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventLogTest {

    private static final long T = 1_796_094_720_000L; // 2026-12-01T03:12:00Z

    @Test
    void keepsTheLastEventsOldestFirstAndCountsAll() {
        EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.add(T + i, "event " + i);
        }
        assertEquals(List.of(new TeamEvent(T + 3, "event 3"), new TeamEvent(T + 4, "event 4"),
                new TeamEvent(T + 5, "event 5")), log.events());
        assertEquals(5, log.added());
    }

    @Test
    void rendersOneTimestampedLinePerEvent() {
        EventLog log = new EventLog(2);
        log.add(T, "eth1: link down (flap 1)");
        assertEquals("events: 1 recorded\n2026-12-01T03:12:00.000Z eth1: link down (flap 1)\n", log.render());
        log.add(T + 1500, "eth1: link up");
        log.add(T + 2000, "eth1: Active, was Failed (PhysicalMediaDisconnected)");
        assertEquals("""
                events: 3 recorded, the last 2 shown
                2026-12-01T03:12:01.500Z eth1: link up
                2026-12-01T03:12:02.000Z eth1: Active, was Failed (PhysicalMediaDisconnected)
                """, log.render());
    }

    @Test
    void anEmptyLogSaysSo() {
        assertEquals("events: 0 recorded\n", new EventLog().render());
    }

    @Test
    void refusesNoRoom() {
        assertThrows(IllegalArgumentException.class, () -> new EventLog(0));
    }
}
