package io.lacpd.team.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.lacpd.team.NetnsLab.allDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lacpd's events, metrics and MAC conflict detection on real interfaces: A with the metrics listener and
 * textfile, B its partner, and a Prometheus server in A's namespace that scrapes A. Loopback addresses are the
 * namespace's own, so the ports cannot clash with anything outside. Needs root and Prometheus (Debian package
 * {@code prometheus}).
 */
class MetricsDaemonTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    private static final String LISTEN = "127.0.0.1:9464";
    private static final String PROMETHEUS = "127.0.0.1:9090";

    private final ObjectMapper json = new ObjectMapper();
    private NetnsLab lab;
    private Process prometheus;
    private Path prometheusDir;

    @AfterEach
    void cleanUp() throws Exception {
        if (prometheus != null) {
            ProcessHandle.of(prometheus.pid()).ifPresent(ProcessHandle::destroyForcibly);
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        if (prometheusDir != null) {
            try (var files = Files.walk(prometheusDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    private Path textfile() {
        return lab.dir.resolve("A.prom");
    }

    /** A and B distributing on both links; B speaks LACP only, so its ends are plain interfaces a test may send on. */
    private void converge(String... flags) throws Exception {
        lab = new NetnsLab(2);
        lab.inNs("A", "ip", "link", "set", "lo", "up");
        List<String> a = new ArrayList<>(List.of("--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a",
                "--metrics-listen", LISTEN, "--metrics-textfile", textfile().toString()));
        a.addAll(List.of(flags));
        lab.startDaemon("A", a.toArray(String[]::new));
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b", "--data-plane", "none");
        lab.await("A", allDistributing(2), 15_000);
    }

    private String request(String line) throws IOException {
        return LacpCtl.exchange(lab.socket("A"), line, TIMEOUT);
    }

    /** Waits until the answer to a request line satisfies the condition; the last answer. */
    private String awaitAnswer(String line, Predicate<String> condition, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        String answer = request(line);
        while (!condition.test(answer) && System.nanoTime() - end < 0) {
            Thread.sleep(100);
            answer = request(line);
        }
        return answer;
    }

    @Test
    void eventsRecordALinkFlapThatStatusAndMetricsCountAndDebugTracesPdus() throws Exception {
        converge("--log-level", "debug");
        lab.inNs("A", "ip", "link", "set", "eth1", "down");
        lab.await("A", t -> NetnsLab.port(t, "eth1").get("link_flaps").asLong() == 1, 5_000);
        lab.inNs("A", "ip", "link", "set", "eth1", "up");
        lab.await("A", allDistributing(2), 15_000);
        String events = request("events");
        assertTrue(events.matches("(?s)events: \\d+ recorded\n.*"), events);
        String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
        assertTrue(events.matches("(?s).*" + time + " eth1: link down \\(flap 1\\)\n.*"), events);
        assertTrue(events.contains("eth1: Failed (PhysicalMediaDisconnected), was "), events);
        assertTrue(events.contains("eth1: partner changed to system 32768,02:00:00:00:00:0b"), events);
        JsonNode eth1 = NetnsLab.port(lab.status("A"), "eth1");
        assertEquals("NoFailure", eth1.get("failure_code").asText());
        assertEquals("Active", eth1.get("oper_status").asText());
        assertEquals("02:00:00:0a:00:01", eth1.get("mac").asText());
        assertTrue(eth1.get("lacpdu").get("last_ms_ago").asLong() < 3000, eth1.toString());
        String metrics = request("metrics");
        assertTrue(metrics.contains("lacpd_member_link_flaps_total{team=\"tA\",member=\"eth1\"} 1\n"), metrics);
        assertTrue(metrics.contains("lacpd_member_failure_info{team=\"tA\",member=\"eth1\",code=\"NoFailure\"} 1\n"),
                metrics);
        String log = Files.readString(lab.log("A"));
        assertTrue(log.contains(" lacpd[tA] eth1: rx LACPDU v1 from 02:00:00:0b:00:01: actor system"
                + " 32768,02:00:00:00:00:0b key 1 port 32768,1 state "), log);
        assertTrue(log.contains(" lacpd[tA] eth2: tx LACPDU v1 from 02:00:00:0a:00:02: actor system"
                + " 32768,02:00:00:00:00:0a key 1 port 32768,2 state "), log);
    }

    @Test
    void aFlappingMemberIsHeldOutUntilStable() throws Exception {
        converge("--flap-limit", "1", "--flap-hold", "3");
        for (int i = 0; i < 2; i++) {
            lab.inNs("A", "ip", "link", "set", "eth1", "down");
            lab.await("A", t -> !NetnsLab.port(t, "eth1").get("link").get("up").asBoolean(), 5_000);
            lab.inNs("A", "ip", "link", "set", "eth1", "up");
        }
        lab.await("A", t -> NetnsLab.port(t, "eth1").get("failure_code").asText()
                .equals("WaitingForStableConnectivity"), 5_000);
        JsonNode eth1 = NetnsLab.port(lab.status("A"), "eth1");
        assertEquals("link flapping: held out until up for 3 s without a break", eth1.get("failure_reason").asText());
        assertEquals(2, eth1.get("link_flaps").asLong());
        // LACP goes on negotiating on it meanwhile; the team lets it back once stable
        lab.await("A", t -> NetnsLab.port(t, "eth1").get("carrying_traffic").asBoolean(), 15_000);
        assertEquals("NoFailure", NetnsLab.port(lab.status("A"), "eth1").get("failure_code").asText());
        String events = request("events");
        assertTrue(events.contains("eth1: Failed (WaitingForStableConnectivity)"), events);
        // let back no sooner than 3 s after its link's last coming up
        List<String> lines = events.lines().toList();
        int up = -1;
        for (int i = 0; i < lines.size(); i++) {
            up = lines.get(i).endsWith(" eth1: link up") ? i : up;
        }
        int back = up;
        while (!lines.get(back).contains(" eth1: Active, was ")) {
            back++;
        }
        long stable = Instant.parse(lines.get(back).split(" ")[0]).toEpochMilli()
                - Instant.parse(lines.get(up).split(" ")[0]).toEpochMilli();
        assertTrue(stable >= 3000, "let back " + stable + " ms after its link came up: " + events);
    }

    @Test
    void aFrameWithOurMacAsSourceIsAConflictLoggedOnce() throws Exception {
        converge();
        // B's end sends frames whose source is A's team MAC (A's eth1's MAC, the first member's)
        String send = "import socket\n"
                + "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
                + "s.bind(('eth1', 0))\n"
                + "for i in range(3): s.send(bytes.fromhex('ffffffffffff' '0200000a0001' '88b5') + bytes(46))\n";
        assertEquals(0, lab.execInNs("B", 10, "python3", "-c", send).exitCode());
        lab.await("A", t -> t.get("traffic").get("mac_conflict").asLong() == 3, 5_000);
        String events = awaitAnswer("events", e -> e.contains("MAC conflict"), 5_000);
        assertTrue(events.contains("MAC conflict: 3 frames on eth1 with our MAC as source: another host or a loop"
                + " uses our MAC"), events);
        assertEquals(1, Files.readString(lab.log("A")).lines().filter(l -> l.contains("MAC conflict:")).count());
    }

    @Test
    void prometheusScrapesTheListenerAndTheTextfileIsValid() throws Exception {
        converge();
        prometheusDir = Files.createTempDirectory("lacpd-prometheus-");
        Path config = prometheusDir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: lacpd\n"
                + "    static_configs:\n      - targets: ['" + LISTEN + "']\n");
        prometheus = new ProcessBuilder("ip", "netns", "exec", lab.ns("A"), "prometheus",
                "--config.file=" + config, "--storage.tsdb.path=" + prometheusDir.resolve("data"),
                "--web.listen-address=" + PROMETHEUS).redirectErrorStream(true)
                .redirectOutput(prometheusDir.resolve("prometheus.log").toFile()).start();
        String query = "http://" + PROMETHEUS + "/api/v1/query?query=lacpd_member_distributing";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode result = null;
        while (System.nanoTime() - end < 0) {
            NetnsLab.Result r = lab.execInNs("A", 10, "curl", "-s", query);
            if (r.exitCode() == 0 && !r.output().isEmpty()) {
                result = json.readTree(r.output()).path("data").path("result");
                if (result.size() == 2) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        assertTrue(result != null && result.size() == 2, "Prometheus' answer: " + result + "; its log: "
                + Files.readString(prometheusDir.resolve("prometheus.log")));
        for (JsonNode series : result) {
            assertEquals("tA", series.get("metric").get("team").asText());
            assertEquals("lacpd", series.get("metric").get("job").asText());
            assertEquals("1", series.get("value").get(1).asText(), series.toString());
        }
        // the textfile is there, whole, and promtool reads it
        long fileEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(textfile()) && System.nanoTime() - fileEnd < 0) {
            Thread.sleep(200);
        }
        Process check = new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(textfile().toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), out);
        assertTrue(Files.readString(textfile()).contains("lacpd_member_link_up{team=\"tA\",member=\"eth2\"} 1\n"));
        // only GET /metrics
        NetnsLab.Result other = lab.execInNs("A", 10, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://" + LISTEN + "/");
        assertEquals("404", other.output());
        NetnsLab.Result post = lab.execInNs("A", 10, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "-X", "POST", "http://" + LISTEN + "/metrics");
        assertEquals("405", post.output());
    }
}
