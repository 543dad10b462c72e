package io.lacpd.team.daemon;

import io.lacpd.core.ProtocolConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The LACP options' flags and config keys, and what they give the LACP system and the team. */
class LacpOptionsTest {

    @TempDir
    Path dir;

    private static DaemonConfig parse(String... args) throws ConfigException {
        List<String> all = new java.util.ArrayList<>(List.of("--team", "t", "--ports", "eth1,eth2"));
        all.addAll(List.of(args));
        return DaemonConfig.fromArgs(all);
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args)).getMessage();
    }

    @Test
    void theDefaultsAreTheStandardsAndBondingsDefaults() throws Exception {
        DaemonConfig c = parse();
        assertEquals(LacpOptions.DEFAULTS, c.lacpOptions());
        assertEquals(ProtocolConstants.AGGREGATE_WAIT_TIME, c.systemConfig().aggregateWaitTime());
    }

    @Test
    void aggregateWaitIsInMillisecondsAndZeroIsAllowed() throws Exception {
        assertEquals(0, parse("--aggregate-wait", "0").systemConfig().aggregateWaitTime());
        assertEquals(500_000_000L, parse("--aggregate-wait=500").systemConfig().aggregateWaitTime());
        Path file = dir.resolve("t.conf");
        Files.writeString(file, "team = t\nports = eth1\naggregate-wait = 250\n");
        assertEquals(250, DaemonConfig.fromArgs(List.of("--config", file.toString())).lacpOptions().aggregateWaitMs());
        assertEquals("--aggregate-wait '2s' (expected: milliseconds, 0..60000)", error("--aggregate-wait", "2s"));
        assertEquals("--aggregate-wait '60001' (expected: milliseconds, 0..60000)", error("--aggregate-wait", "60001"));
    }

    @Test
    void aReloadTakesTheNewOptions() throws Exception {
        DaemonConfig running = parse();
        DaemonConfig next = parse("--aggregate-wait", "0").withStartOnlySettingsOf(running);
        assertEquals(0, next.lacpOptions().aggregateWaitMs());
    }
}
