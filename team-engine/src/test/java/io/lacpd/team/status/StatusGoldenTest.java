package io.lacpd.team.status;

import io.lacpd.core.LacpActivity;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.team.Team;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.DataPlane;
import io.lacpd.team.datapath.VlanCounters;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole status output of a frozen moment, compared with checked-in text, as Open vSwitch's tests compare
 * {@code lacp/show}. The moment: A and B on three links in virtual time; eth2's cable pulled; B's eth3 given
 * another key, so that A's eth3 distributes in a second aggregator that ties with the first and loses to its
 * lower id; the team's data path has counted some traffic on each member it has open (eth1 and eth3; eth2's socket
 * is open but it may not transmit), eth1 has heard two frames with our own MAC as source; each member has a history
 * (eth2's link flapped once) and the moment a wall-clock time. A mismatch leaves the output in
 * {@code target/golden/} for a diff.
 */
class StatusGoldenTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** The frozen moment's wall-clock time: 2026-12-01T03:12:00Z. */
    private static final long AT_MILLIS = 1_796_094_720_000L;

    static TeamStatus frozen() {
        VirtualNetwork net = new VirtualNetwork(7);
        List<String> ports = List.of("eth1", "eth2", "eth3");
        Team team = new Team(TeamingMode.LACP, Team.activeMembers(ports), 0);
        net.addSystem("A", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), e -> team.onLacpEvent(e, net.now()));
        net.addSystem("B", SystemConfig.of(MacAddress.parse("02:00:00:00:00:0b")), e -> { });
        for (int i = 1; i <= ports.size(); i++) {
            net.addPort("A", PortConfig.of("eth" + i, i));
            net.addPort("B", PortConfig.of("eth" + i, i));
            net.connect("A", "eth" + i, "B", "eth" + i);
        }
        net.runFor(5 * SECOND);
        net.wireAt("A", "eth2").setUp(false);
        net.system("B").reconfigurePort(new PortConfig("eth3", 3, PortConfig.DEFAULT_PORT_PRIORITY, 2,
                LacpActivity.ACTIVE, LacpTimeout.SHORT, true), net.now());
        net.runFor(10 * SECOND);
        for (int i = 1; i <= ports.size(); i++) {
            String p = "eth" + i;
            team.onLink(p, net.wireAt("A", p).isUp(), MacAddress.parse("02:00:00:0a:00:0" + i), net.now());
        }
        DataPathCounters counters = new DataPathCounters(3000, 4_000_000, 2000, 3_000_000, 5, 1, 0, 0, 2, 0, 0, List.of(
                new DataPathCounters.Member(0, "eth1", 1800, 2_500_000, 1200, 1_800_000, 0, 0, 0, 1, 0, 0, 2),
                new DataPathCounters.Member(1, "eth2", 0, 0, 0, 0, 5, 0, 0, 0),
                new DataPathCounters.Member(2, "eth3", 1200, 1_500_000, 800, 1_200_000, 0, 0, 0, 1)), 2);
        DataPlaneStatus plane = new DataPlaneStatus(DataPlane.TAP, LoadBalancingAlgorithm.TRANSPORT_PORTS,
                new DataPlaneStatus.TeamInterface("team0", MacAddress.parse("02:00:00:0a:00:01"), true, 1500, 7), counters,
                List.of(new VlanCounters(100, "team0.100", 40, 52_000, 30, 41_000)));
        Diagnostics diagnostics = new Diagnostics(AT_MILLIS, "fast", "active", Map.of(
                "eth1", new MemberHistory(true, 0, 1, AT_MILLIS - 15_000),
                "eth2", new MemberHistory(true, 1, 1, AT_MILLIS - 10_000),
                "eth3", new MemberHistory(true, 0, 2, AT_MILLIS - 8_500)));
        return new TeamStatus("team0", team.state(), net.system("A").snapshot(), plane, diagnostics);
    }

    @Test
    void textAsCheckedIn() throws IOException {
        assertGolden("status.txt", StatusText.render(List.of(frozen())));
    }

    @Test
    void jsonAsCheckedIn() throws IOException {
        assertGolden("status.json", StatusJson.render(List.of(frozen())));
    }

    @Test
    void metricsAsCheckedIn() throws IOException {
        assertGolden("metrics.prom", PrometheusText.render(List.of(frozen())));
    }

    private static void assertGolden(String name, String actual) throws IOException {
        String expected;
        try (InputStream in = StatusGoldenTest.class.getResourceAsStream(name)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!expected.equals(actual)) {
            Path out = Path.of("target", "golden", name);
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual, name + " (the output is in target/golden/" + name + ")");
    }
}
