package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LacpdCommandTest {

    @TempDir
    Path dir;

    /** Exit status, stdout and stderr of {@code lacpd ARGS} for every command that returns. */
    private record Outcome(int status, String out, String err) {
    }

    private static Outcome lacpd(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LacpdCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runHelpListsEveryFlagWithItsDefaultOrAllowedValues() {
        Outcome help = lacpd("run", "--help");
        assertEquals(0, help.status());
        for (String key : LacpdCommand.keys()) {
            assertTrue(help.out().contains("--" + key + "="), "--" + key + " in\n" + help.out());
        }
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("--lacp-rate=fast|slow how often the partner is asked to send a LACPDU: 1 s or 30 s"
                + " (default: fast)"), text);
        assertTrue(text.contains("--mode=lacp|static"), text);
        assertTrue(text.contains("--team=NAME the team's name: 1 to 32 of A-Z a-z 0-9 . _ - (required)"), text);
        assertTrue(text.contains("--system-priority=0..65535 Actor_System_Priority (default: 32768)"), text);
        assertTrue(text.contains("Exit status: 0 stopped; 1 cannot start"), text);
        assertEquals("", help.err());
    }

    @Test
    void everySettingHasItsHelpLine() {
        for (String key : LacpdCommand.keys()) {
            assertTrue(SettingHelp.of(key).isPresent(), key);
        }
        assertEquals(SettingHelp.ALL.size(), LacpdCommand.keys().size(), "no help line for a key that is not one");
    }

    @Test
    void topHelpListsTheCommandsAndVersionPrintsIt() {
        Outcome help = lacpd("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("  run ") && help.out().contains("  check ") && help.out().contains("  demo "),
                help.out());
        Outcome version = lacpd("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().matches("lacpd \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.out());
    }

    @Test
    void badCommandsAndFlagsExit2WithOneLine() {
        assertEquals(new Outcome(2, "", "lacpd: unknown command 'start' (expected: run, check, demo)\n"),
                lacpd("start"));
        assertEquals(new Outcome(2, "", "lacpd: unknown flag --lacp-rat (did you mean --lacp-rate?)\n"),
                lacpd("check", "--team", "t", "--ports", "a", "--lacp-rat", "fast"));
        assertEquals(new Outcome(2, "", "lacpd: --team needs a value\n"), lacpd("check", "--team", "--ports", "a"));
        assertEquals(new Outcome(2, "", "lacpd: unexpected argument 'now'\n"), lacpd("check", "now"));
        Outcome none = lacpd();
        assertEquals(2, none.status());
        assertTrue(none.err().endsWith("lacpd: a command is required (expected: run, check, demo)\n"), none.err());
    }

    @Test
    void checkValidatesAFileAndNamesTheLineOfABadKeyOrValue() throws Exception {
        Path good = dir.resolve("team0.conf");
        Files.writeString(good, "team = team0\nports = eth1, eth2\nlacp-rate = slow\n");
        assertEquals(new Outcome(0, good + ": ok: team team0, ports eth1,eth2, mode lacp, control socket"
                + " /run/lacpd/team0.sock\n", ""), lacpd("check", "--config", good.toString()));

        Path typo = dir.resolve("typo.conf");
        Files.writeString(typo, "team = t\nports = a\n\nsystem-prority = 10\n");
        assertEquals(new Outcome(2, "", "lacpd: " + typo + " line 4: unknown key 'system-prority' (did you mean"
                + " 'system-priority'?)\n"), lacpd("check", "--config", typo.toString()));

        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "team = t\n# a comment\nports = a\nsystem-priority = 70000\n");
        assertEquals(new Outcome(2, "", "lacpd: " + bad + " line 4: system-priority '70000' out of range"
                + " (expected: 0..65535)\n"), lacpd("check", "--config", bad.toString()));
        assertEquals(0, lacpd("check", "--config", bad.toString(), "--system-priority", "7").status(),
                "a flag wins over the file");
    }

    @Test
    void flagsAndKeysAreOneList() throws Exception {
        DaemonConfig c = DaemonConfig.fromArgs(List.of("--team=t", "--ports", "a,b", "--min-links", "2",
                "--partner-admin-key", "7"));
        assertEquals(2, c.lacpOptions().minLinks());
        assertEquals(7, c.lacpOptions().partnerAdmin().key());
        assertEquals("unknown flag --help", assertThrows(ConfigException.class,
                () -> DaemonConfig.fromArgs(List.of("--help"))).getMessage(), "help is the command line's, not a setting");
    }
}
