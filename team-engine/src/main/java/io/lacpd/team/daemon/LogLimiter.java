package io.lacpd.team.daemon;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rate limits log lines by kind, so that a flood adds a few hundred lines rather than millions: each kind
 * (e.g. "eth1: partner changed") shows its first {@value #LINES_PER_WINDOW} lines in a {@link #WINDOW}, and
 * the rest are counted into one summary when the window ends: "eth1: partner changed 14,203 times in the last
 * 10 s; last to system ...". Pure: the caller passes the time and writes the lines returned; not thread-safe.
 */
final class LogLimiter {

    /** How long a window lasts. */
    static final long WINDOW = TimeUnit.SECONDS.toNanos(10);
    /** Lines of one kind shown in a window; the rest are summarized. */
    static final int LINES_PER_WINDOW = 10;
    /** Kinds followed at once; the lines of further kinds share one, so memory stays bounded. */
    static final int MAX_KINDS = 1024;
    static final String OTHER_KIND = "other lines";

    /** One kind's current window. */
    private static final class Window {
        final long start;
        long count;
        String last;

        Window(long start) {
            this.start = start;
        }
    }

    private final Map<String, Window> windows = new LinkedHashMap<>();

    /**
     * The lines to write now for {@code text}, a line of {@code kind}: the summary of the kind's ended window
     * if any, then {@code text} unless the kind is over its limit.
     */
    List<String> line(String kind, String text, long now) {
        List<String> out = new ArrayList<>(2);
        Window w = windows.get(kind);
        if (w != null && now - w.start >= WINDOW) {
            summarize(kind, w, out);
            windows.remove(kind);
            w = null;
        }
        if (w == null) {
            if (windows.size() >= MAX_KINDS) {
                flush(now, out);
                if (windows.size() >= MAX_KINDS && !kind.equals(OTHER_KIND)) {
                    out.addAll(line(OTHER_KIND, text, now));
                    return out;
                }
            }
            w = new Window(now);
            windows.put(kind, w);
        }
        w.count++;
        w.last = text;
        if (w.count <= LINES_PER_WINDOW) {
            out.add(text);
        }
        return out;
    }

    /** The summaries of the windows that ended by {@code now}; those windows are closed. */
    List<String> flush(long now) {
        List<String> out = new ArrayList<>();
        flush(now, out);
        return out;
    }

    private void flush(long now, List<String> out) {
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            if (now - e.getValue().start >= WINDOW) {
                summarize(e.getKey(), e.getValue(), out);
                it.remove();
            }
        }
    }

    /** "KIND N times in the last 10 s; last REST", when lines were held back. */
    private static void summarize(String kind, Window w, List<String> out) {
        if (w.count <= LINES_PER_WINDOW) {
            return;
        }
        String rest = w.last.startsWith(kind) ? w.last.substring(kind.length()) : ": " + w.last;
        out.add(String.format(Locale.ROOT, "%s %,d times in the last %d s%s", kind, w.count,
                TimeUnit.NANOSECONDS.toSeconds(WINDOW), rest.isEmpty() ? "" : "; last" + rest));
    }
}
