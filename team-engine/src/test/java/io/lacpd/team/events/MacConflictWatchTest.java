package io.lacpd.team.events;

import io.lacpd.team.datapath.DataPathCounters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MacConflictWatchTest {

    private static DataPathCounters conflicts(long eth1, long eth2) {
        return new DataPathCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(
                new DataPathCounters.Member(0, "eth1", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, eth1),
                new DataPathCounters.Member(1, "eth2", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, eth2)), eth1 + eth2);
    }

    @Test
    void saysItOnceWhenAnEpisodeBeginsAndOnceWhenItIsOver() {
        MacConflictWatch watch = new MacConflictWatch();
        assertNull(watch.observe(conflicts(0, 0), 0));
        assertEquals("MAC conflict: 3 frames on eth2 with our MAC as source: another host or a loop uses our MAC",
                watch.observe(conflicts(0, 3), 1000));
        for (long t = 2000; t <= 30_000; t += 1000) { // a steady stream: nothing more to say
            assertNull(watch.observe(conflicts(t / 1000, 3 + t / 1000), t));
        }
        long last = 30_000;
        assertNull(watch.observe(conflicts(30, 33), last + MacConflictWatch.QUIET_MILLIS - 1));
        assertEquals("MAC conflict over: 63 frames, none for 60 s",
                watch.observe(conflicts(30, 33), last + MacConflictWatch.QUIET_MILLIS));
        assertNull(watch.observe(conflicts(30, 33), last + 2 * MacConflictWatch.QUIET_MILLIS));
        assertEquals("MAC conflict: 1 frame on eth1 with our MAC as source: another host or a loop uses our MAC",
                watch.observe(conflicts(31, 33), last + 2 * MacConflictWatch.QUIET_MILLIS + 1));
    }
}
