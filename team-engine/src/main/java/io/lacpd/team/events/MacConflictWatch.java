package io.lacpd.team.events;

import io.lacpd.team.datapath.DataPathCounters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the data path's count of frames that arrived with one of our own MACs as their source into episodes, so
 * the log says it once when it begins and once when it is over, however many frames there are: another host
 * using our MAC, or a loop bringing our own frames back, would otherwise fill the log. An episode is over after
 * {@link #QUIET_MILLIS} without a new such frame. Pure: given the counters and the time.
 */
public final class MacConflictWatch {

    /** How long no such frame must arrive before an episode is over. */
    public static final long QUIET_MILLIS = 60_000;

    private final Map<String, Long> seen = new HashMap<>();
    private boolean inEpisode;
    private long lastRiseMillis;
    private long episodeFrames;

    /**
     * Compares the counters with the last ones seen.
     *
     * @return the line to log and record, or null when there is nothing new to say
     */
    public String observe(DataPathCounters counters, long atMillis) {
        List<String> rising = new ArrayList<>();
        long rise = 0;
        for (DataPathCounters.Member m : counters.members()) {
            long before = seen.getOrDefault(m.name(), 0L);
            if (m.macConflict() > before) {
                rising.add(m.name());
                rise += m.macConflict() - before;
            }
            seen.put(m.name(), m.macConflict());
        }
        if (rise > 0) {
            lastRiseMillis = atMillis;
            episodeFrames += rise;
            if (!inEpisode) {
                inEpisode = true;
                return "MAC conflict: " + rise + (rise == 1 ? " frame" : " frames") + " on " + String.join(",", rising)
                        + " with our MAC as source: another host or a loop uses our MAC";
            }
            return null;
        }
        if (inEpisode && atMillis - lastRiseMillis >= QUIET_MILLIS) {
            inEpisode = false;
            String line = "MAC conflict over: " + episodeFrames + " frames, none for " + QUIET_MILLIS / 1000 + " s";
            episodeFrames = 0;
            return line;
        }
        return null;
    }
}
