package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BalanceOptionsTest {

    @TempDir
    Path dir;

    private static DaemonConfig parse(String... args) throws ConfigException {
        return DaemonConfig.fromArgs(List.of(args));
    }

    @Test
    void theFlowletGapIsAMillisecondUnlessSetByFlagOrFile() throws Exception {
        assertEquals(1000, parse("--team", "t", "--ports", "eth1").balance().flowletGapMicros());
        DaemonConfig flag = parse("--team", "t", "--ports", "eth1", "--load-balancing", "Dynamic", "--flowlet-gap", "250");
        assertEquals(250, flag.balance().flowletGapMicros());
        assertEquals(250_000, flag.balance().flowletGapNanos());
        Path file = dir.resolve("t.conf");
        Files.writeString(file, "team = t\nports = eth1\nflowlet-gap = 700\n");
        assertEquals(700, parse("--config", file.toString()).balance().flowletGapMicros());
    }

    @Test
    void aGapThatIsNotAPositiveNumberOfMicrosecondsUpToASecondIsRefused() {
        for (String bad : List.of("0", "abc", "1000001", "-5", "1.5")) {
            String message = assertThrows(ConfigException.class,
                    () -> parse("--team", "t", "--ports", "eth1", "--flowlet-gap=" + bad)).getMessage();
            assertEquals("--flowlet-gap '" + bad + "' (expected: microseconds, 1..1000000)", message);
        }
    }

    @Test
    void aReloadKeepsTheRunningGap() throws Exception {
        DaemonConfig running = parse("--team", "t", "--ports", "eth1", "--flowlet-gap", "300");
        DaemonConfig next = parse("--team", "t", "--ports", "eth1", "--flowlet-gap", "900");
        assertEquals(300, next.withStartOnlySettingsOf(running).balance().flowletGapMicros());
    }
}
