package io.lacpd.team.daemon;

import io.lacpd.team.member.FlapDamping;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The metrics and flap damping settings: read from flags like every other, wrong values named in one line. */
class ObservabilityOptionsTest {

    private static DaemonConfig parse(String... extra) throws ConfigException {
        List<String> args = new ArrayList<>(List.of("--team", "team0", "--ports", "eth1,eth2"));
        args.addAll(List.of(extra));
        return DaemonConfig.fromArgs(args);
    }

    private static String error(String... extra) {
        return assertThrows(ConfigException.class, () -> parse(extra)).getMessage();
    }

    @Test
    void noListenerNoTextfileAndNoDampingUnlessAsked() throws Exception {
        DaemonConfig c = parse();
        assertEquals(ObservabilityOptions.NONE, c.observability());
        assertEquals(FlapDamping.Settings.OFF, c.lacpOptions().teamPolicy().damping());
    }

    @Test
    void aPortAloneListensOnLoopback() throws Exception {
        assertEquals(new ObservabilityOptions("127.0.0.1", 9464, null, Log.Level.INFO),
                parse("--metrics-listen", ":9464").observability());
        assertEquals(new ObservabilityOptions("0.0.0.0", 9464, null, Log.Level.INFO),
                parse("--metrics-listen", "0.0.0.0:9464").observability());
        assertEquals(new ObservabilityOptions("::1", 9464, null, Log.Level.INFO),
                parse("--metrics-listen", "[::1]:9464").observability());
    }

    @Test
    void theTextfileIsAPromFile() throws Exception {
        assertEquals(Path.of("/var/lib/node_exporter/lacpd.prom"),
                parse("--metrics-textfile", "/var/lib/node_exporter/lacpd.prom").observability().textfile());
        assertEquals("--metrics-textfile '/tmp/lacpd.txt' (expected: a file name ending in .prom, which"
                + " node_exporter's textfile collector reads)", error("--metrics-textfile", "/tmp/lacpd.txt"));
    }

    @Test
    void aBadListenAddressIsNamed() {
        assertEquals("--metrics-listen '9464' (expected: ADDR:PORT or :PORT, port 0..65535)",
                error("--metrics-listen", "9464"));
        assertEquals("--metrics-listen ':70000' (expected: ADDR:PORT or :PORT, port 0..65535)",
                error("--metrics-listen", ":70000"));
    }

    @Test
    void flapDampingInSeconds() throws Exception {
        DaemonConfig c = parse("--flap-limit", "3", "--flap-window", "120");
        assertEquals(new FlapDamping.Settings(3, TimeUnit.SECONDS.toNanos(120), TimeUnit.SECONDS.toNanos(30)),
                c.lacpOptions().teamPolicy().damping());
        assertEquals("--flap-window '0' (expected: seconds, 1..65535, with flap-limit)",
                error("--flap-limit", "3", "--flap-window", "0"));
    }
}
