package io.lacpd.team.daemon;

import io.lacpd.team.AggregatorSelect;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPlane;
import io.lacpd.team.mode.ConfigNamed;
import io.lacpd.team.mode.TeamingMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The help line of each setting, for {@code lacpd run --help}: the flag's value, what it means, its allowed values
 * and its default. The settings themselves are {@link DaemonConfig}'s keys; this only words them (docs/configuration.md
 * says more).
 *
 * @param key         the config key, the flag without its dashes
 * @param value       the value's name in the usage, e.g. {@code N} or {@code fast|slow}
 * @param description what it sets, with its allowed values
 * @param dflt        the default, in words
 */
record SettingHelp(String key, String value, String description, String dflt) {

    private static final String U16 = "0..65535";
    private static final String REQUIRED = "required";

    /** In the order of docs/configuration.md. */
    static final List<SettingHelp> ALL = List.of(
            new SettingHelp("team", "NAME", "the team's name: 1 to 32 of A-Z a-z 0-9 . _ -", REQUIRED),
            new SettingHelp("ports", "IF,IF...", "the member NICs, comma separated, at most 32", REQUIRED),
            named("mode", "teaming mode (Windows' names too)", TeamingMode.values(), TeamingMode.LACP),
            new SettingHelp("standby", "IF,IF...", "switch-independent: the Standby members, carrying nothing while an"
                    + " Active member has link", "none"),
            new SettingHelp("lacp-fallback", "active-backup|none", "lacp: with no LACPDU heard since the start for the"
                    + " LACP timeout, one member carries the traffic until LACP is heard", "none"),
            new SettingHelp("lacp-rate", "fast|slow", "how often the partner is asked to send a LACPDU: 1 s or 30 s",
                    "fast"),
            new SettingHelp("lacp-activity", "active|passive", "passive ports speak only to an active partner", "active"),
            new SettingHelp("system-priority", U16, "Actor_System_Priority", "32768"),
            new SettingHelp("system-mac", "MAC", "Actor_System, a unicast MAC", "derived from /etc/machine-id and the team"),
            new SettingHelp("key", U16, "the key of every member port", "1"),
            new SettingHelp("port-priority", U16, "the port priority of every member port", "32768"),
            new SettingHelp("mux-control", "coupled|independent", "the Mux machine: collecting and distributing"
                    + " together, or distributing once the partner collects", "coupled"),
            new SettingHelp("aggregate-wait", "0..60000", "Aggregate_Wait_Time in milliseconds", "2000"),
            new SettingHelp("partner-admin-system", "MAC", "Partner_Admin_System", "00:00:00:00:00:00"),
            new SettingHelp("partner-admin-system-priority", U16, "Partner_Admin_System_Priority", "0"),
            new SettingHelp("partner-admin-key", U16, "Partner_Admin_Key", "0"),
            new SettingHelp("partner-admin-port", U16, "Partner_Admin_Port", "0"),
            new SettingHelp("partner-admin-port-priority", U16, "Partner_Admin_Port_Priority", "0"),
            new SettingHelp("partner-admin-state", "BITS", "Partner_Admin_Port_State: activity, timeout, aggregation,"
                    + " synchronization, collecting, distributing (comma separated), none, or an octet like 0x3d", "none"),
            named("aggregator-select", "which aggregator carries traffic when there are several",
                    AggregatorSelect.values(), AggregatorSelect.COUNT),
            new SettingHelp("min-links", "0..32", "the team is down below this many members that could carry traffic",
                    "1"),
            named("load-balancing", "how outbound frames are spread over the members (Windows' names too)",
                    LoadBalancingAlgorithm.values(), LoadBalancingAlgorithm.TRANSPORT_PORTS),
            new SettingHelp("flowlet-gap", "MICROSECONDS", "dynamic: the pause after which a flow may move to"
                    + " another member", "1000"),
            named("data-plane", "tap: a team interface carries the host's traffic; none: LACP only", DataPlane.values(),
                    DataPlane.TAP),
            new SettingHelp("team-interface", "NAME", "the team interface: 1 to 15 of A-Z a-z 0-9 . _ -", "the team's name"),
            new SettingHelp("team-mac", "MAC", "the team interface's MAC", "the first member's MAC"),
            new SettingHelp("data-cpus", "CPUS", "the CPUs the data threads run on, a list like 0 or 2-3,6",
                    "any (the scheduler's choice)"),
            new SettingHelp("vlans", "VID,VID...", "a VLAN team interface TEAM.VID for each VLAN ID (1..4094), tagged"
                    + " and untagged by lacpd", "none"),
            new SettingHelp("flap-limit", U16, "flap damping: a member whose link goes down more than this often"
                    + " within flap-window is held out; 0: off", "0"),
            new SettingHelp("flap-window", "1..65535", "seconds in which flap-limit counts link losses", "60"),
            new SettingHelp("flap-hold", U16, "seconds a held member's link must stay up before it comes back", "30"),
            new SettingHelp("control-socket", "PATH", "where lacpctl reaches the daemon", "/run/lacpd/TEAM.sock"),
            new SettingHelp("metrics-listen", "ADDR:PORT", "an HTTP listener for Prometheus (GET /metrics); :PORT"
                    + " binds 127.0.0.1", "none"),
            new SettingHelp("metrics-textfile", "PATH.prom", "a file for node_exporter's textfile collector, rewritten"
                    + " every 5 s", "none"),
            new SettingHelp("log-level", "error|warn|info|debug", "the least severe log lines written; debug traces"
                    + " every LACPDU", "info"));

    /** The help of {@code key}, if it has one: a key added without its help line is still a flag. */
    static Optional<SettingHelp> of(String key) {
        return ALL.stream().filter(h -> h.key.equals(key)).findFirst();
    }

    /** One line for the usage: "description (default: X)", or "description (required)". */
    String line() {
        return description + (dflt.equals(REQUIRED) ? " (required)" : " (default: " + dflt + ")");
    }

    private static <T extends ConfigNamed> SettingHelp named(String key, String description, T[] values, T dflt) {
        List<String> names = new ArrayList<>();
        for (T v : values) {
            names.add(v.configName());
        }
        return new SettingHelp(key, String.join("|", names), description, dflt.configName());
    }
}
