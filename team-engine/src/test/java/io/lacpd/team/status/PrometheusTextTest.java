package io.lacpd.team.status;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exposition as Prometheus' own checker reads it, and the format's rules it must keep. */
class PrometheusTextTest {

    /** A second team, without a data plane or history, beside the golden one. */
    private static TeamStatus speaker(String name) {
        VirtualNetwork net = new VirtualNetwork(3);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), e -> { });
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), e -> { });
        net.addPort("A", PortConfig.of("eth1", 1));
        net.addPort("B", PortConfig.of("eth1", 1));
        net.connect("A", "eth1", "B", "eth1");
        net.runFor(TimeUnit.SECONDS.toNanos(5));
        return new TeamStatus(name, "lacp", net.system("A").snapshot());
    }

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        String text = PrometheusText.render(List.of(StatusGoldenTest.frozen(), speaker("team\"1\\")));
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is needed (Debian package prometheus: scripts/install-deps --test)", e);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals("", out, "promtool's findings");
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void eachFamilyIsWrittenOnceWithEveryTeamsSamples() {
        String text = PrometheusText.render(List.of(StatusGoldenTest.frozen(), speaker("team1")));
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(text);
        List<String> names = m.results().map(r -> r.group(1)).toList();
        assertEquals(names.stream().distinct().count(), names.size(), "families written twice");
        assertTrue(text.contains("lacpd_team_members{team=\"team0\"} 3\nlacpd_team_members{team=\"team1\"} 1\n"));
        assertTrue(text.contains(
                "lacpd_member_failure_info{team=\"team0\",member=\"eth2\",code=\"PhysicalMediaDisconnected\"} 1"));
    }

    @Test
    void aTeamWithoutDataPlaneHasNoTrafficSeries() {
        String text = PrometheusText.render(List.of(speaker("team1")));
        assertFalse(text.contains("_packets_total"));
        assertTrue(text.contains("lacpd_team_info{team=\"team1\",mode=\"lacp\",load_balancing=\"transport-ports\","
                + "lacp_rate=\"\",lacp_activity=\"\",data_plane=\"none\"} 1"));
    }

    @Test
    void labelValuesAreEscaped() {
        assertEquals("team=\"a\\\\b\\\"c\\nd\"", PrometheusText.label("team", "a\\b\"c\nd"));
    }
}
