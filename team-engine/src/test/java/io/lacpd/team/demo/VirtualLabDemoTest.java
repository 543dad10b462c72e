package io.lacpd.team.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualLabDemoTest {

    /** "  tcp  192.0.2.1:40000 -> 192.0.2.2:5201  bucket 242  on p1  (stays)": flow, member, change. */
    private static final Pattern FLOW = Pattern.compile("^  ((?:tcp|ping) .+?)\\s+bucket +\\d+  on (\\S+)(.*)$",
            Pattern.MULTILINE);

    private static String demo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VirtualLabDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The demo's text between two of its lines. */
    private static String section(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = to == null ? text.length() : text.indexOf(to, start);
        assertTrue(start >= 0 && end > start, "the demo shows '" + from + "':\n" + text);
        return text.substring(start, end);
    }

    /** Flow to member, and to its change note, in the order shown. */
    private static Map<String, String[]> flows(String section) {
        Map<String, String[]> flows = new LinkedHashMap<>();
        Matcher m = FLOW.matcher(section);
        while (m.find()) {
            flows.put(m.group(1), new String[] {m.group(2), m.group(3).trim()});
        }
        assertEquals(9, flows.size(), "eight TCP flows and a ping:\n" + section);
        return flows;
    }

    @Test
    void pullingP2MovesOnlyTheFlowsItCarriedAndPluggingItBackSharesTheFlowsAgain() {
        String text = demo();
        String up = section(text, "8 TCP flows as iperf3 -P 8 makes", "Pulling the p2 cable");
        String pulled = section(text, "Pulling the p2 cable", "Plugging p2 back in");
        String plugged = section(text, "Plugging p2 back in", null);

        Map<String, String[]> before = flows(up);
        assertTrue(up.contains("TCP flows per member: p1 5, p2 3"), up);
        Map<String, String[]> during = flows(pulled);
        int moved = 0;
        for (Map.Entry<String, String[]> f : before.entrySet()) {
            String[] now = during.get(f.getKey());
            assertEquals("p1", now[0], f.getKey() + " leaves on the member left");
            if (f.getValue()[0].equals("p1")) {
                assertEquals("(stays)", now[1], f.getKey() + " was on p1: it does not move");
            } else {
                assertEquals("(moved from p2)", now[1], f.getKey());
                moved++;
            }
        }
        assertEquals(4, moved, pulled);
        assertTrue(pulled.contains("moved: 4 of 9 flows (p2 to p1: 4); the other 5 stayed"), pulled);
        assertTrue(pulled.contains("A's team changed its map 0.000 ms after the pull"), pulled);
        assertTrue(pulled.contains("A's team: member map v6: p1 rx+tx 256 buckets, p2 idle"), pulled);
        assertTrue(pulled.contains("A's team: degraded"), pulled);

        Map<String, String[]> after = flows(plugged);
        assertTrue(after.values().stream().anyMatch(f -> f[0].equals("p2")), "p2 carries flows again:\n" + plugged);
        assertTrue(plugged.contains("member map v8: p1 rx+tx 128 buckets, p2 rx+tx 128 buckets"), plugged);
        assertTrue(plugged.contains("A's team: up"), plugged);
    }

    @Test
    void theDemoIsDeterministic() {
        assertEquals(demo(), demo());
    }
}
