package io.lacpd.team.daemon;

import io.lacpd.team.datapath.DataPlane;
import io.lacpd.core.LacpActivity;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.MuxControl;
import io.lacpd.core.PortConfig;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.mode.TeamingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonConfigTest {

    @TempDir
    Path dir;

    private static DaemonConfig parse(String... args) throws ConfigException {
        return DaemonConfig.fromArgs(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsAreActiveFastLacpWithATapTeamInterfaceNamedAfterTheTeam() throws Exception {
        DaemonConfig c = parse("--team", "team0", "--ports", "eth1,eth2");
        assertEquals(TeamingMode.LACP, c.mode());
        assertEquals(LoadBalancingAlgorithm.TRANSPORT_PORTS, c.loadBalancing());
        assertEquals(LacpTimeout.SHORT, c.timeout());
        assertEquals(LacpActivity.ACTIVE, c.activity());
        assertEquals(MuxControl.COUPLED, c.muxControl());
        assertEquals(DataPlane.TAP, c.dataPlane());
        assertEquals("team0", c.teamInterface());
        assertEquals(null, c.teamMac(), "the first member's MAC, read at the start");
        assertEquals(Path.of("/run/lacpd/team0.sock"), c.controlSocket());
        assertEquals(List.of(PortConfig.of("eth1", 1), PortConfig.of("eth2", 2)), c.portConfigs(new PortNumbers().renumber(c.ports())));
        assertFalse(c.systemMac().isMulticast());
        assertEquals(c.systemMac(), parse("--ports", "eth2,eth1", "--team", "team0").systemMac(),
                "the system MAC does not follow the order of the ports");
    }

    @Test
    void aSwitchIndependentTeamSpeaksNoLacpAndNamesItsStandbyMembers() throws Exception {
        DaemonConfig c = parse("--team", "t", "--ports", "a,b,c", "--mode", "switch-independent", "--standby", "c, b");
        assertEquals(List.of("c", "b"), c.standby());
        assertFalse(c.portConfigs(new PortNumbers().renumber(c.ports())).get(0).lacpEnabled(),
                "a SwitchIndependent team's members speak no LACP");
        assertEquals(List.of(), parse("--team", "t", "--ports", "a", "--mode", "switch-independent").standby());
        Path file = dir.resolve("si.conf");
        Files.writeString(file, "team = t\nports = a,b\nmode = SwitchIndependent\nstandby = b\n");
        assertEquals(List.of("b"), parse("--config", file.toString()).standby());

        assertEquals("--standby: 'x' is not a member (expected one of: a,b)",
                error("--team", "t", "--ports", "a,b", "--mode", "switch-independent", "--standby", "x"));
        assertEquals("--standby: every member would be Standby (expected: at least one Active)",
                error("--team", "t", "--ports", "a,b", "--mode", "switch-independent", "--standby", "a,b"));
        assertEquals("--standby: b listed twice",
                error("--team", "t", "--ports", "a,b,c", "--mode", "switch-independent", "--standby", "b,b"));
        assertEquals("--standby needs mode switch-independent (a Lacp team uses every member alike)",
                error("--team", "t", "--ports", "a,b", "--standby", "b"));
        assertEquals("--mode switch-independent needs the data plane (a SwitchIndependent team speaks no LACP: without"
                + " data-plane tap it would do nothing)",
                error("--team", "t", "--ports", "a", "--mode", "switch-independent", "--data-plane", "none"));
    }

    @Test
    void lacpFallbackComesAfterOurLacpTimeoutInLacpModeOnly() throws Exception {
        assertEquals(0, parse("--team", "t", "--ports", "a").teamPolicy().lacpFallbackNanos());
        assertEquals(3_000_000_000L, parse("--team", "t", "--ports", "a", "--lacp-fallback", "active-backup")
                .teamPolicy().lacpFallbackNanos());
        assertEquals(90_000_000_000L, parse("--team", "t", "--ports", "a", "--lacp-fallback", "active-backup",
                "--lacp-rate", "slow").teamPolicy().lacpFallbackNanos());
        assertEquals("--lacp-fallback needs mode lacp (a Static team speaks no LACP to fall back from)",
                error("--team", "t", "--ports", "a", "--mode", "static", "--lacp-fallback", "active-backup"));
        assertEquals("--lacp-fallback 'yes' (expected: none|active-backup)",
                error("--team", "t", "--ports", "a", "--lacp-fallback", "yes"));
    }

    @Test
    void everyFlagIsTakenIn() throws Exception {
        DaemonConfig c = parse("--team", "t", "--ports", "a,b,c", "--mode", "lacp", "--lacp-rate", "slow",
                "--lacp-activity", "passive", "--system-priority", "100", "--system-mac", "02:00:00:00:00:AA",
                "--key", "9", "--port-priority", "7", "--mux-control", "independent", "--load-balancing", "dynamic",
                "--data-plane", "none", "--team-interface", "bond7", "--team-mac", "02:00:00:00:07:07",
                "--control-socket", "/tmp/x.sock");
        assertEquals(DataPlane.NONE, c.dataPlane());
        assertEquals("bond7", c.teamInterface());
        assertEquals(MacAddress.parse("02:00:00:00:07:07"), c.teamMac());
        assertEquals(LacpTimeout.LONG, c.timeout());
        assertEquals(LacpActivity.PASSIVE, c.activity());
        assertEquals(100, c.systemConfig().systemPriority());
        assertEquals(MacAddress.parse("02:00:00:00:00:aa"), c.systemConfig().systemMac());
        assertEquals(MuxControl.INDEPENDENT, c.systemConfig().muxControl());
        assertEquals(new PortConfig("c", 3, 7, 9, LacpActivity.PASSIVE, LacpTimeout.LONG, true), c.portConfigs(new PortNumbers().renumber(c.ports())).get(2));
        assertEquals(Path.of("/tmp/x.sock"), c.controlSocket());
        assertEquals(LoadBalancingAlgorithm.DYNAMIC, c.loadBalancing());
    }

    @Test
    void modeAndLoadBalancingTakeWindowsSpellingsInAnyCase() throws Exception {
        assertEquals(TeamingMode.LACP, parse("--team", "t", "--ports", "a", "--mode", "Lacp").mode());
        assertEquals(TeamingMode.LACP, parse("--team", "t", "--ports", "a", "--mode", "LACP").mode());
        for (String[] spelling : new String[][] {{"TransportPorts", "TRANSPORT_PORTS"}, {"hypervport", "HYPERV_PORT"},
                {"HyperVPort", "HYPERV_PORT"}, {"Dynamic", "DYNAMIC"}, {"IPAddresses", "IP_ADDRESSES"},
                {"MacAddresses", "MAC_ADDRESSES"}, {"mac-addresses", "MAC_ADDRESSES"}}) {
            assertEquals(LoadBalancingAlgorithm.valueOf(spelling[1]),
                    parse("--team", "t", "--ports", "a", "--load-balancing", spelling[0]).loadBalancing(), spelling[0]);
        }
        assertEquals(TeamingMode.SWITCH_INDEPENDENT,
                parse("--team", "t", "--ports", "a", "--mode", "SwitchIndependent").mode());
        DaemonConfig statics = parse("--team", "t", "--ports", "a,b", "--mode", "STATIC");
        assertEquals(TeamingMode.STATIC, statics.mode());
        assertFalse(statics.portConfigs(new PortNumbers().renumber(statics.ports())).get(1).lacpEnabled(),
                "a Static team's members speak no LACP");
        assertTrue(parse("--team", "t", "--ports", "a").portConfigs(Map.of("a", 1)).get(0).lacpEnabled());
        assertEquals("--mode static needs the data plane (a Static team speaks no LACP: without data-plane tap it"
                + " would do nothing)", error("--team", "t", "--ports", "a", "--mode", "static", "--data-plane", "none"));
        assertEquals("--mode 'bonded' (expected: lacp|static|switch-independent)",
                error("--team", "t", "--ports", "a", "--mode", "bonded"));
        assertEquals("--load-balancing 'round-robin' (expected: transport-ports|ip-addresses|mac-addresses|hyperv-port|dynamic)",
                error("--team", "t", "--ports", "a", "--load-balancing", "round-robin"));
        assertEquals("--data-plane 'dpdk' (expected: none|tap)",
                error("--team", "t", "--ports", "a", "--data-plane", "dpdk"));
    }

    @Test
    void theTeamInterfaceNeedsAnInterfaceName() throws Exception {
        assertEquals("--team 'a-team-name-of-20ch' cannot name the team interface (expected: 1 to 15 letters, digits,"
                + " '.', '_' or '-'; set --team-interface)", error("--team", "a-team-name-of-20ch", "--ports", "a"));
        assertEquals("bond0", parse("--team", "a-team-name-of-20ch", "--ports", "a", "--team-interface", "bond0")
                .teamInterface());
        assertEquals("--team-interface 'sixteen-chars-xx' cannot name the team interface (expected: 1 to 15 letters,"
                + " digits, '.', '_' or '-')", error("--team", "t", "--ports", "a", "--team-interface", "sixteen-chars-xx"));
        assertEquals("--team-interface 'a' is also a member", error("--team", "t", "--ports", "a", "--team-interface", "a"));
        assertEquals("--team-mac 01:00:5e:00:00:01 is not a unicast address",
                error("--team", "t", "--ports", "a", "--team-mac", "01:00:5e:00:00:01"));
    }

    @Test
    void aTeamHasAtMost32Members() throws Exception {
        StringBuilder ports = new StringBuilder("p1");
        for (int i = 2; i <= 32; i++) {
            ports.append(",p").append(i);
        }
        assertEquals(32, parse("--team", "t", "--ports", ports.toString()).ports().size());
        assertEquals("--ports: 33 ports (expected: at most 32)", error("--team", "t", "--ports", ports + ",p33"));
    }

    @Test
    void aConfigFileTakesTheSameKeysAndFlagsWin() throws IOException, ConfigException {
        Path file = dir.resolve("lacpd.conf");
        Files.writeString(file, "# a team\nteam = team0\nports = eth1, eth2   # two members\n\nsystem-priority=10\n");
        DaemonConfig c = parse("--config", file.toString(), "--system-priority", "20");
        assertEquals(List.of("eth1", "eth2"), c.ports());
        assertEquals(20, c.systemPriority());
        assertEquals(file, c.configFile());
    }

    @Test
    void badInputIsNamedInOneLine() throws IOException {
        assertEquals("--ports is required (or 'ports = ...' in the config file)", error("--team", "t"));
        assertEquals("unknown flag --colour", error("--team", "t", "--ports", "a", "--colour", "blue"));
        assertEquals("--ports: port eth1 listed twice", error("--team", "t", "--ports", "eth1,eth1"));
        assertEquals("--system-mac: bad MAC address 'zz' (expected: six hex octets like 02:00:00:00:00:0a)",
                error("--team", "t", "--ports", "a", "--system-mac", "zz"));
        assertEquals("--system-mac 01:00:00:00:00:01 is not a unicast address",
                error("--team", "t", "--ports", "a", "--system-mac", "01:00:00:00:00:01"));
        assertEquals("--system-priority '70000' out of range (expected: 0..65535)",
                error("--team", "t", "--ports", "a", "--system-priority", "70000"));
        assertEquals("--port-priority 'high' is not a number (expected: 0..65535)",
                error("--team", "t", "--ports", "a", "--port-priority", "high"));
        assertEquals("--lacp-rate 'medium' (expected: fast|slow)", error("--team", "t", "--ports", "a", "--lacp-rate", "medium"));
        assertEquals("--key needs a value", error("--team", "t", "--ports", "a", "--key"));
        assertEquals("unknown flag --help", error("--help"));
        assertEquals("--key '-1' is not a number (expected: 0..65535)", error("--team", "t", "--ports", "a", "--key=-1"));
        assertEquals("--ports: bad interface name 'averyveryverylongname'", error("--team", "t", "--ports", "averyveryverylongname"));
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "team = t\nports = a\nspeed = 10\n");
        assertEquals(file + " line 3: unknown key 'speed'", error("--config", file.toString()));
        assertTrue(error("--config", dir.resolve("missing.conf").toString()).startsWith("cannot read config file "));
    }

    @Test
    void theDataThreadsRunAnywhereUnlessDataCpusNamesTheirCpus() throws Exception {
        assertTrue(parse("--team", "t", "--ports", "a").dataCpus().isAny());
        assertEquals("0,2-3", parse("--team", "t", "--ports", "a", "--data-cpus", "0,2,3").dataCpus().toString());
        assertEquals("--data-cpus 'x' (expected: CPU numbers 0..1023 and ranges like 0-3, comma separated)",
                error("--team", "t", "--ports", "a", "--data-cpus", "x"));
        assertEquals("--data-cpus needs the data plane (data-plane tap)",
                error("--team", "t", "--ports", "a", "--data-cpus", "1", "--data-plane", "none"));
        DaemonConfig running = parse("--team", "t", "--ports", "a", "--data-cpus", "1");
        assertEquals("1", parse("--team", "t", "--ports", "a").withStartOnlySettingsOf(running).dataCpus().toString(),
                "read at the start only");
    }

    @Test
    void aFlagWithoutItsValueIsNamedAndTheNextFlagIsNotSwallowed() {
        assertEquals("--team needs a value", error("--team", "--ports", "a"));
        assertEquals("--config needs a value", error("--config", "--team", "t"));
    }

    @Test
    void onlyARegularConfigFileOfBoundedSizeIsRead() throws IOException {
        assertEquals("cannot read config file /dev/zero: not a regular file", error("--config", "/dev/zero"));
        assertEquals("cannot read config file " + dir + ": not a regular file", error("--config", dir.toString()));
        Path big = dir.resolve("big.conf");
        Files.write(big, new byte[DaemonConfig.MAX_CONFIG_BYTES + 1]);
        assertEquals("cannot read config file " + big + ": more than 65536 bytes",
                error("--config", big.toString()));
    }

    @Test
    void aFifoAsConfigFileIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.conf");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertEquals("cannot read config file " + fifo + ": not a regular file", error("--config", fifo.toString()));
    }
}
