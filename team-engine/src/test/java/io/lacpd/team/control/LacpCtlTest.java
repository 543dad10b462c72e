package io.lacpd.team.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lacpctl's commands against control servers that answer with the request line they got. */
class LacpCtlTest {

    @TempDir
    Path dir;
    private final List<ControlServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ControlServer::close);
    }

    private void daemon(String team, Function<String, String> answer) throws IOException {
        ControlServer s = new ControlServer(dir.resolve(team + ".sock"), answer);
        s.start();
        servers.add(s);
    }

    /** A socket left behind by a daemon that was killed: the file is there, nothing listens. */
    private void stale(String team) throws IOException {
        try (ServerSocketChannel c = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.bind(UnixDomainSocketAddress.of(dir.resolve(team + ".sock")));
        }
    }

    private LacpCtl.Outcome lacpctl(String... args) {
        return LacpCtl.execute(List.of(args), dir);
    }

    private static String json(String team, String... ports) {
        StringBuilder p = new StringBuilder();
        for (String port : ports) {
            p.append(p.length() == 0 ? "" : ",").append(port);
        }
        return "{\"teams\":[{\"name\":\"" + team + "\",\"ports\":[" + p + "]}]}\n";
    }

    private static final String CARRYING = "{\"name\":\"eth1\",\"link\":{\"up\":true,\"speed_mbps\":10000},"
            + "\"carrying_traffic\":true,\"failure_reason\":null}";
    private static final String DOWN = "{\"name\":\"eth2\",\"link\":{\"up\":false,\"speed_mbps\":0},"
            + "\"carrying_traffic\":false,\"failure_reason\":\"link down\"}";

    @Test
    void eachCommandSendsItsRequestLineToTheTeamsSocket() throws IOException {
        daemon("team0", request -> "ok: " + request + "\n");
        assertEquals(new LacpCtl.Outcome(0, "ok: member eth2 standby\n", ""), lacpctl("member", "team0", "eth2", "standby"));
        assertEquals("ok: member eth2 active\n", lacpctl("member", "team0", "eth2", "active").out());
        assertEquals("ok: vlan add 100\n", lacpctl("vlan", "team0", "add", "100").out());
        assertEquals("ok: vlan remove 4094\n", lacpctl("vlan", "team0", "remove", "4094").out());
        assertEquals("ok: port add eth3\n", lacpctl("port", "team0", "add", "eth3").out());
        assertEquals("ok: port remove eth3\n", lacpctl("port", "remove", "team0", "eth3").out(), "design's order too");
        assertEquals("ok: reload\n", lacpctl("reload", "team0").out());
        assertEquals("ok: metrics\n", lacpctl("metrics", "team0").out());
        assertEquals("ok: events\n", lacpctl("events").out(), "the only daemon running");
        assertEquals("ok: status\n", lacpctl("status", "--socket", dir.resolve("team0.sock").toString()).out(),
                "--socket before or after the command");
    }

    @Test
    void anErrorAnswerExits1AndBadInputExits2() throws IOException {
        daemon("team0", request -> "error: unknown request '" + request + "'\n");
        assertEquals(new LacpCtl.Outcome(1, "", "lacpctl: team0: unknown request 'member eth2 standby'\n"),
                lacpctl("member", "team0", "eth2", "standby"));
        assertEquals(new LacpCtl.Outcome(2, "", "lacpctl: 'spare' (expected: standby|active)\n"),
                lacpctl("member", "team0", "eth2", "spare"));
        assertEquals(new LacpCtl.Outcome(2, "", "lacpctl: VLAN '4095' (expected: 1..4094)\n"),
                lacpctl("vlan", "team0", "add", "4095"));
        assertEquals(2, lacpctl("frobnicate").status());
        assertEquals(2, lacpctl("status", "--json", "--brief").status());
        assertEquals(new LacpCtl.Outcome(2, "", "lacpctl: team '../etc' (expected: 1 to 32 letters, digits, '.', '_'"
                + " or '-')\n"), lacpctl("reload", "../etc"));
        assertEquals(new LacpCtl.Outcome(1, "", "lacpctl: other: no lacpd is running (no control socket "
                + dir.resolve("other.sock") + ")\n"), lacpctl("reload", "other"));
    }

    @Test
    void aStaleSocketIsNamedTheLiveDaemonsStillShownAndTheExitIs3() throws IOException {
        daemon("a", request -> request.equals("status --json") ? json("a", CARRYING) : "---- a ----\n  status: up\n");
        stale("b");
        daemon("c", request -> request.equals("status --json") ? json("c", DOWN) : "---- c ----\n  status: down\n");

        LacpCtl.Outcome text = lacpctl("status");
        assertEquals(new LacpCtl.Outcome(3, "---- a ----\n  status: up\n\n---- c ----\n  status: down\n"
                + "b: not answering (stale socket)\n", ""), text);

        LacpCtl.Outcome json = lacpctl("status", "--json");
        assertEquals(3, json.status());
        assertTrue(json.out().contains("\"name\" : \"a\"") && json.out().contains("\"name\" : \"c\""), json.out());
        assertEquals("b: not answering (stale socket)\n", json.err(), "stdout stays JSON");

        assertEquals(new LacpCtl.Outcome(3, "", "lacpctl: b: not answering (stale socket)\n"), lacpctl("status", "b"));
        assertEquals(0, lacpctl("status", "a").status());
    }

    @Test
    void briefIsOneLinePerMemberRenderedFromTheJson() throws IOException {
        daemon("team0", request -> json("team0", CARRYING, DOWN));
        assertEquals(new LacpCtl.Outcome(0, """
                Name  Team   AdministrativeMode  OperationalStatus  LinkSpeed  FailureReason
                eth1  team0  Active              Active             10 Gbps    NoFailure
                eth2  team0  Active              Failed             -          link down
                """, ""), lacpctl("status", "--brief"));
        assertEquals("2.5 Gbps", BriefStatus.speed(2500));
        assertEquals("100 Mbps", BriefStatus.speed(100));
    }

    @Test
    void helpAndVersion() {
        LacpCtl.Outcome help = lacpctl("--help");
        assertEquals(0, help.status());
        for (String command : List.of("status", "member", "vlan", "port", "reload", "metrics", "events")) {
            assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
        }
        assertTrue(lacpctl("--version").out().matches("lacpctl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"));
        assertTrue(lacpctl("status", "--help").out().contains("--brief"));
    }
}
