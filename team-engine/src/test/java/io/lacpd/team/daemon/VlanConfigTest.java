package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code vlans} setting: VLAN IDs 1..4094, each once, and interface names TEAM.VID that fit 15 characters. */
class VlanConfigTest {

    private static DaemonConfig parse(String... args) throws ConfigException {
        return DaemonConfig.fromArgs(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args)).getMessage();
    }

    @Test
    void vlansAreListedInTheOrderGivenAndNoneByDefault() throws Exception {
        assertEquals(List.of(100, 1, 4094), parse("--team", "team0", "--ports", "eth1", "--vlans", "100, 1,4094").vlans());
        assertEquals(List.of(), parse("--team", "team0", "--ports", "eth1").vlans());
    }

    @Test
    void theConfigFileKeyIsVlans(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("team0.conf");
        Files.writeString(file, "team = team0\nports = eth1\nvlans = 10,20\n");
        assertEquals(List.of(10, 20), parse("--config", file.toString()).vlans());
    }

    @Test
    void badDuplicateOrTooLongOnesAreRefusedWithOneLine() {
        assertEquals("--vlans: bad VLAN ID '0' (expected: 1..4094)", error("--team", "t", "--ports", "e", "--vlans", "0"));
        assertEquals("--vlans: bad VLAN ID '4095' (expected: 1..4094)",
                error("--team", "t", "--ports", "e", "--vlans", "4095"));
        assertEquals("--vlans: bad VLAN ID 'x' (expected: 1..4094)", error("--team", "t", "--ports", "e", "--vlans", "x"));
        assertEquals("--vlans: bad VLAN ID '' (expected: 1..4094)",
                error("--team", "t", "--ports", "e", "--vlans", "10,,20"));
        assertEquals("--vlans: VLAN 10 listed twice", error("--team", "t", "--ports", "e", "--vlans", "10,20,10"));
        assertEquals("--vlans: VLAN 1000's interface name 'storageteam.1000' is longer than 15 characters (set a"
                + " shorter --team-interface)", error("--team", "storageteam", "--ports", "e", "--vlans", "1000"));
        assertEquals("--vlans needs the data plane (VLAN team interfaces are TAPs: data-plane tap)",
                error("--team", "t", "--ports", "e", "--vlans", "10", "--data-plane", "none"));
    }

    @Test
    void aReloadKeepsTheRunningVlans() throws Exception {
        DaemonConfig running = parse("--team", "t", "--ports", "e", "--vlans", "10");
        assertEquals(List.of(10), parse("--team", "t", "--ports", "e", "--vlans", "20").withStartOnlySettingsOf(running)
                .vlans());
    }
}
