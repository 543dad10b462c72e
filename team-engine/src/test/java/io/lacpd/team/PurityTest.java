package io.lacpd.team;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure packages own no native calls, sockets, threads or clock: time comes in as {@code long now}, so the
 * team's decisions can be tested step by step and run in virtual time. Scans their sources (comments and string
 * literals left out) for what would break that.
 */
class PurityTest {

    /** The pure packages, by source directory; for the root package its own files only, not its subpackages. */
    static final List<String> PURE = List.of("io/lacpd/team", "io/lacpd/team/member", "io/lacpd/team/mode",
            "io/lacpd/team/balance", "io/lacpd/team/datapath", "io/lacpd/team/status", "io/lacpd/team/demo",
            "io/lacpd/team/events");

    /** What a pure package must not use, with the reason a failure gives. */
    static final List<Rule> RULES = List.of(
            new Rule("JNA (native calls)", "\\bcom\\s*\\.\\s*sun\\s*\\.\\s*jna\\b"),
            new Rule("java.nio.channels (sockets, files)", "\\bjava\\s*\\.\\s*nio\\s*\\.\\s*channels\\b"),
            new Rule("java.net (sockets, name lookups)", "\\bjava\\s*\\.\\s*net\\b"),
            new Rule("a thread", "\\b(Thread|ThreadFactory|Executors?|ExecutorService|Timer)\\b"),
            new Rule("a clock read", "\\bSystem\\s*\\.\\s*(nanoTime|currentTimeMillis)\\b"),
            new Rule("a clock read", "\\b(Instant|LocalDateTime|LocalDate|LocalTime|ZonedDateTime|OffsetDateTime"
                    + "|OffsetTime|Year|YearMonth|MonthDay)\\s*\\.\\s*now\\b"),
            new Rule("a clock", "\\b(Clock|InstantSource)\\b"));

    record Rule(String what, Pattern pattern) {
        Rule(String what, String regex) {
            this(what, Pattern.compile(regex));
        }
    }

    /** Each use of something a pure package must not use, as "line N: WHAT: TEXT". */
    static List<String> violations(String source) {
        String code = codeOnly(source);
        List<String> found = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            for (Rule r : RULES) {
                Matcher m = r.pattern().matcher(lines[n]);
                if (m.find()) {
                    found.add("line " + (n + 1) + ": " + r.what() + ": " + lines[n].strip());
                }
            }
        }
        return found;
    }

    /** The source with comments and string and character literals blanked, line breaks kept. */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                blank(s, i, end, out);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
                blank(s, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < s.length() && s.charAt(end) != c && s.charAt(end) != '\n') {
                    end += s.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, s.length());
                blank(s, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder out) {
        for (int j = from; j < to; j++) {
            out.append(s.charAt(j) == '\n' ? '\n' : ' ');
        }
    }

    @Test
    void thePurePackagesUseNoNativeCallsSocketsThreadsOrClock() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (String pkg : PURE) {
            Path dir = Path.of("src/main/java").resolve(pkg);
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    files++;
                    for (String v : violations(Files.readString(f))) {
                        found.add(f + " " + v);
                    }
                }
            }
        }
        assertTrue(files >= 15, "scanned only " + files + " files: is the source directory right?");
        assertEquals(List.of(), found);
    }

    @Test
    void theCheckerFindsEachForbiddenUseAndIgnoresCommentsAndStrings() {
        String sample = """
                package io.lacpd.team.sample;

                import com.sun.jna.Native;
                import java.nio.channels.DatagramChannel;
                import java.net.Socket;
                import java.util.concurrent.atomic.AtomicReference;

                /** Not a Thread, no Clock, never System.nanoTime(). */
                final class Sample {
                    // Instant.now() in a comment is fine
                    String s = "Thread and java.net in a string are fine";
                    char c = '"';
                    void run() {
                        new Thread(() -> { }).start();
                        long t = System.nanoTime();
                        long u = System .currentTimeMillis();
                        java.time.Instant i = java.time.Instant.now();
                        java.time.Clock clock = null;
                        AtomicReference<String> ok = new AtomicReference<>();
                    }
                }
                """;
        List<String> found = violations(sample);
        List<String> lines = found.stream().map(v -> v.substring(0, v.indexOf(':'))).toList();
        assertEquals(List.of("line 3", "line 4", "line 5", "line 14", "line 15", "line 16", "line 17", "line 18"),
                lines, String.join("\n", found));
        assertTrue(found.get(3).contains("a thread"), found.get(3));
        assertTrue(found.get(6).contains("a clock read"), found.get(6));
        assertEquals(List.of(), violations("final class Clean { long advance(long now) { return now + 1; } }"));
    }
}
