package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flood of one kind of line becomes its first lines and one summary; other kinds are not held back. */
class LogLimiterTest {

    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final LogLimiter limiter = new LogLimiter();
    /** Any origin works: this one wraps around during the test. */
    private long now = Long.MAX_VALUE - 3_000 * MILLI;

    private static String partner(int n) {
        return String.format("eth1: partner changed to system 32768,02:10:00:00:%02x:%02x key 7 port 32768,1",
                n >> 8 & 0xFF, n & 0xFF);
    }

    @Test
    void aPartnerChangingOnEveryFrameIsSummarizedOnceAWindow() {
        List<String> out = new ArrayList<>();
        int changes = 14_203;
        for (int n = 0; n < changes; n++) {
            out.addAll(limiter.line("eth1: partner changed", partner(n), now));
            if (n == 5_000) {
                out.addAll(limiter.line("eth2: distributing changed", "eth2: not distributing", now));
            }
            now += MILLI / 2;
        }
        assertEquals(LogLimiter.LINES_PER_WINDOW + 1, out.size(), "the first lines of each kind: " + out);
        assertEquals(partner(0), out.get(0));
        assertTrue(out.contains("eth2: not distributing"), "another kind is not held back");
        assertEquals(List.of(), limiter.flush(now), "the window has not ended");
        now += LogLimiter.WINDOW;
        assertEquals(List.of("eth1: partner changed 14,203 times in the last 10 s; last to system "
                + "32768,02:10:00:00:37:7a key 7 port 32768,1"), limiter.flush(now));
        assertEquals(List.of(), limiter.flush(now), "a summary once");
        assertEquals(List.of(partner(1)), limiter.line("eth1: partner changed", partner(1), now), "a new window");
    }

    @Test
    void aKindBackWithinItsLimitIsNotSummarized() {
        for (int n = 0; n < LogLimiter.LINES_PER_WINDOW; n++) {
            assertEquals(List.of("eth1: link down"), limiter.line("eth1: link down", "eth1: link down", now));
        }
        now += LogLimiter.WINDOW;
        assertEquals(List.of(), limiter.flush(now));
    }

    @Test
    void aRepeatedNoticeIsSummarizedByItsText() {
        for (int n = 0; n < 500; n++) {
            limiter.line("eth1: link down", "eth1: link down", now);
        }
        now += LogLimiter.WINDOW;
        assertEquals(List.of("eth1: link down 500 times in the last 10 s"), limiter.flush(now));
    }

    @Test
    void theKindsFollowedAreBounded() {
        int shown = 0;
        for (int n = 0; n < 100_000; n++) {
            String text = "port" + n + ": partner changed";
            shown += limiter.line(text, text, now).size();
        }
        assertEquals(LogLimiter.MAX_KINDS + LogLimiter.LINES_PER_WINDOW, shown,
                "new kinds past the bound share one: " + shown);
        now += LogLimiter.WINDOW;
        List<String> summaries = limiter.flush(now);
        assertEquals(1, summaries.size());
        assertTrue(summaries.get(0).startsWith("other lines 98,976 times in the last 10 s; last: port99999"),
                summaries.get(0));
    }
}
