package io.lacpd.team.daemon;

import io.lacpd.core.PortConfig;
import io.lacpd.core.ProtocolConstants;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.AggregatorSelect;
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

    @Test
    void partnerAdminValuesReachEveryMemberPort() throws Exception {
        DaemonConfig c = parse("--partner-admin-system", "02:00:00:00:00:0b", "--partner-admin-system-priority", "100",
                "--partner-admin-key", "7", "--partner-admin-port", "5", "--partner-admin-port-priority", "10",
                "--partner-admin-state", "activity,aggregation,synchronization,collecting,distributing");
        PortInfo expected = new PortInfo(100, MacAddress.parse("02:00:00:00:00:0b"), 7, 10, 5, LacpState.of(
                StateBit.LACP_ACTIVITY, StateBit.AGGREGATION, StateBit.SYNCHRONIZATION, StateBit.COLLECTING,
                StateBit.DISTRIBUTING));
        for (PortConfig p : c.portConfigs(new PortNumbers().renumber(c.ports()))) {
            assertEquals(expected, p.partnerAdmin(), p.name());
        }
        assertEquals(0x3d, parse("--partner-admin-state", "0x3D").lacpOptions().partnerAdmin().state().bits());
        assertEquals(0, parse("--partner-admin-state", "none").lacpOptions().partnerAdmin().state().bits());
        assertEquals(PortInfo.NONE, parse().lacpOptions().partnerAdmin(), "no partner unless set");
    }

    @Test
    void badPartnerAdminValuesAreNamed() {
        assertEquals("--partner-admin-state: 'sync' is not a state bit (expected: a comma-separated list of activity,"
                + " timeout, aggregation, synchronization, collecting, distributing; none; or an octet such as 0x3d)",
                error("--partner-admin-state", "aggregation,sync"));
        assertEquals("--partner-admin-key '65536' (expected: 0..65535)", error("--partner-admin-key", "65536"));
        assertEquals("--partner-admin-system 01:80:c2:00:00:02 is not a unicast address",
                error("--partner-admin-system", "01:80:c2:00:00:02"));
    }

    @Test
    void aggregatorSelectNamesBondingsRules() throws Exception {
        assertEquals(AggregatorSelect.COUNT, parse().lacpOptions().teamPolicy().aggregatorSelect());
        assertEquals(AggregatorSelect.STABLE, parse("--aggregator-select", "stable").lacpOptions().teamPolicy().aggregatorSelect());
        assertEquals(AggregatorSelect.BANDWIDTH, parse("--aggregator-select", "Bandwidth").lacpOptions().aggregatorSelect());
        assertEquals("--aggregator-select 'fastest' (expected: count|bandwidth|stable|priority)",
                error("--aggregator-select", "fastest"));
    }

    @Test
    void minLinksIsAMemberCount() throws Exception {
        assertEquals(1, parse().lacpOptions().teamPolicy().minLinks());
        assertEquals(2, parse("--min-links", "2").lacpOptions().teamPolicy().minLinks());
        assertEquals("--min-links '33' (expected: 0..32, the most members a team has)", error("--min-links", "33"));
    }
}
