package io.lacpd.team.daemon;

import io.lacpd.team.datapath.DataPlane;
import io.lacpd.core.LacpActivity;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.MuxControl;
import io.lacpd.core.PortConfig;
import io.lacpd.core.ProtocolConstants;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.TeamPolicy;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.io.CpuAffinity;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.mode.ConfigNamed;
import io.lacpd.team.mode.TeamingMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The settings of one team, from {@code lacpd run} flags, a config file, or both (flags win). Every key of
 * the file is the name of a flag without its dashes: {@code system-priority = 100} is
 * {@code --system-priority 100}. See docs/configuration.md.
 *
 * @param team          the team's name
 * @param ports         member interfaces, in order, at most {@value MemberMap#MAX_MEMBERS}; port numbers are 1, 2,
 *                      ... in this order
 * @param mode          teaming mode, in our spelling or Windows' ({@code Lacp}, {@code Static},
 *                      {@code SwitchIndependent})
 * @param timeout       our LACP_Timeout: {@code fast} is SHORT (the default), {@code slow} is LONG
 * @param activity      active (the default) or passive
 * @param systemPriority Actor_System_Priority
 * @param systemMac     Actor_System; when not given, a stable MAC derived from the machine id and the team name
 * @param key           the key of every member port
 * @param portPriority  the port priority of every member port
 * @param muxControl    coupled (the default) or independent
 * @param loadBalancing load-balancing algorithm for the data plane, in our spelling or Windows'
 *                      ({@code TransportPorts}, {@code HyperVPort}, {@code Dynamic}, ...)
 * @param dataPlane     {@code tap} (the default): a TAP team interface carries the host's traffic over the members;
 *                      {@code none}: negotiation only
 * @param teamInterface the team interface's name (the team's name unless set), at most 15 characters
 * @param teamMac       the team interface's MAC, or null: the first configured member's MAC at the start
 * @param controlSocket where lacpctl reaches the daemon
 * @param configFile    the file the settings came from, or null; SIGHUP reads it again
 * @param lacpOptions   the further LACP options: Aggregate_Wait_Time, the partner admin values, ...
 * @param vlans         the VLAN IDs of the VLAN team interfaces {@code TEAM.VID} made at the start, in order
 * @param standby       the members that are Standby ({@code switch-independent} only); the others are Active
 * @param lacpFallback  {@code lacp-fallback = active-backup} ({@code lacp} only): when no LACPDU is heard for our
 *                      LACP timeout since the start, one member carries the traffic until LACP is heard
 * @param observability the Prometheus HTTP listener and textfile, if any, and the log level; read at the start only
 * @param balance       the load-balancing options: the flowlet gap of {@code dynamic}
 * @param dataCpus      the CPUs the data threads run on, {@link CpuAffinity#ANY} (the default) for the scheduler's
 *                      choice; read at the start
 */
public record DaemonConfig(String team, List<String> ports, TeamingMode mode, LacpTimeout timeout,
                           LacpActivity activity, int systemPriority, MacAddress systemMac, int key, int portPriority,
                           MuxControl muxControl, LoadBalancingAlgorithm loadBalancing, DataPlane dataPlane,
                           String teamInterface, MacAddress teamMac, Path controlSocket, Path configFile,
                           LacpOptions lacpOptions, List<Integer> vlans, List<String> standby,
                           boolean lacpFallback, ObservabilityOptions observability, BalanceOptions balance,
                           CpuAffinity dataCpus) {

    /** The directory of default control sockets: {@code /run/lacpd/TEAM.sock}. */
    public static final Path SOCKET_DIRECTORY = Path.of("/run/lacpd");

    /** The longest config file read, in bytes: a team's settings take a few hundred. */
    static final int MAX_CONFIG_BYTES = 64 * 1024;

    static final Set<String> KEYS = Set.of("team", "ports", "mode", "lacp-rate", "lacp-activity", "system-priority",
            "system-mac", "key", "port-priority", "mux-control", "load-balancing", "data-plane", "team-interface", "team-mac",
            "control-socket", "standby", "lacp-fallback", "data-cpus");

    /**
     * Every key a config file may hold, each also a flag: {@link #KEYS}, the {@link LacpOptions}',
     * {@link ObservabilityOptions}' and {@link BalanceOptions}' keys, and {@code vlans}.
     */
    static Set<String> allKeys() {
        Set<String> all = new TreeSet<>(KEYS);
        all.addAll(LacpOptions.KEYS);
        all.addAll(ObservabilityOptions.KEYS);
        all.addAll(BalanceOptions.KEYS);
        all.add(VlanConfig.KEY);
        return all;
    }

    private static boolean known(String key) {
        return allKeys().contains(key);
    }

    /** Parses the arguments after {@code lacpd run} (picocli routes them: {@link LacpdCommand}). */
    public static DaemonConfig fromArgs(List<String> args) throws ConfigException {
        LacpdCommand.Given given = LacpdCommand.given(args);
        return fromSettings(given.flags(), given.configFile());
    }

    /**
     * The settings of these flags (keys without their dashes) over those of the config file, if any. A bad value
     * is named as given: {@code --key} for a flag, {@code FILE line N: key} for a line of the file.
     */
    public static DaemonConfig fromSettings(Map<String, String> flags, Path configFile) throws ConfigException {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        if (configFile != null) {
            settings.putAll(readFile(configFile, lines));
        }
        settings.putAll(flags);
        return from(settings, configFile, k -> flags.containsKey(k) ? "--" + k
                : lines.containsKey(k) ? configFile + " line " + lines.get(k) + ": " + k : k);
    }

    /**
     * Reads {@code key = value} lines; '#' starts a comment. Only a regular file of at most
     * {@value #MAX_CONFIG_BYTES} bytes is read: a device or a FIFO would never end or block. Notes in
     * {@code lineOf} the line of each key.
     */
    static Map<String, String> readFile(Path file, Map<String, Integer> lineOf) throws ConfigException {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("cannot read config file " + file + ": "
                        + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_CONFIG_BYTES + 1); // bounded even if the file grows meanwhile
            }
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new ConfigException("cannot read config file " + file + ": more than " + MAX_CONFIG_BYTES
                        + " bytes");
            }
            lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = file + " line " + (n + 1);
            if (eq < 0) {
                throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (!known(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "'" + NearMiss.of(key, LacpdCommand.keys())
                        .map(k -> " (did you mean '" + k + "'?)").orElse(""));
            }
            lineOf.put(key, n + 1);
            if (settings.put(key, line.substring(eq + 1).strip()) != null) {
                throw new ConfigException(where + ": key '" + key + "' given twice");
            }
        }
        return settings;
    }

    private static DaemonConfig from(Map<String, String> s, Path configFile, Function<String, String> label)
            throws ConfigException {
        String team = required(s, "team");
        if (!team.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new ConfigException(label.apply("team") + " '" + team + "' (expected: 1 to 32 letters, digits, '.', '_' or '-')");
        }
        List<String> ports = ports(required(s, "ports"), label.apply("ports"));
        TeamingMode mode = named(s, "mode", TeamingMode.values(), TeamingMode.LACP, label);
        List<String> standby = standby(s, ports, mode, label);
        LacpTimeout timeout = choice(s, "lacp-rate", List.of("fast", "slow"), "fast", label).equals("fast")
                ? LacpTimeout.SHORT : LacpTimeout.LONG;
        LacpActivity activity = LacpActivity.valueOf(
                choice(s, "lacp-activity", List.of("active", "passive"), "active", label).toUpperCase(Locale.ROOT));
        int systemPriority = number(s, "system-priority", SystemConfig.DEFAULT_SYSTEM_PRIORITY, label);
        MacAddress mac = s.containsKey("system-mac") ? systemMac(s.get("system-mac"), label.apply("system-mac"))
                : derivedSystemMac(team);
        int key = number(s, "key", PortConfig.DEFAULT_KEY, label);
        int portPriority = number(s, "port-priority", PortConfig.DEFAULT_PORT_PRIORITY, label);
        MuxControl mux = MuxControl.valueOf(
                choice(s, "mux-control", List.of("coupled", "independent"), "coupled", label).toUpperCase(Locale.ROOT));
        LoadBalancingAlgorithm loadBalancing = named(s, "load-balancing", LoadBalancingAlgorithm.values(),
                LoadBalancingAlgorithm.TRANSPORT_PORTS, label);
        DataPlane dataPlane = named(s, "data-plane", DataPlane.values(), DataPlane.TAP, label);
        if (mode != TeamingMode.LACP && dataPlane == DataPlane.NONE) {
            throw new ConfigException(label.apply("mode") + " " + mode + " needs the data plane (a " + mode.windowsName()
                    + " team speaks no LACP: without data-plane tap it would do nothing)");
        }
        String teamInterface = s.getOrDefault("team-interface", team).strip();
        if (!teamInterface.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new ConfigException(label.apply(s.containsKey("team-interface") ? "team-interface" : "team") + " '"
                    + teamInterface + "' cannot name the team interface (expected: 1 to 15 letters, digits, '.', '_' or '-'"
                    + (s.containsKey("team-interface") ? ")" : "; set --team-interface)"));
        }
        if (ports.contains(teamInterface)) {
            throw new ConfigException(label.apply("team-interface") + " '" + teamInterface + "' is also a member");
        }
        MacAddress teamMac = s.containsKey("team-mac") ? systemMac(s.get("team-mac"), label.apply("team-mac")) : null;
        boolean fallback = choice(s, "lacp-fallback", List.of("none", "active-backup"), "none", label)
                .equals("active-backup");
        if (fallback && mode != TeamingMode.LACP) {
            throw new ConfigException(label.apply("lacp-fallback") + " needs mode lacp (a " + mode.windowsName()
                    + " team speaks no LACP to fall back from)");
        }
        Path socket = s.containsKey("control-socket") ? Path.of(s.get("control-socket"))
                : SOCKET_DIRECTORY.resolve(team + ".sock");
        List<Integer> vlans = VlanConfig.parse(s, teamInterface, label);
        if (!vlans.isEmpty() && dataPlane == DataPlane.NONE) {
            throw new ConfigException(label.apply(VlanConfig.KEY) + " needs the data plane (VLAN team interfaces are"
                    + " TAPs: data-plane tap)");
        }
        CpuAffinity dataCpus = CpuAffinity.ANY;
        if (s.containsKey("data-cpus")) {
            try {
                dataCpus = CpuAffinity.parse(s.get("data-cpus"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(label.apply("data-cpus") + " " + e.getMessage());
            }
            if (dataPlane == DataPlane.NONE) {
                throw new ConfigException(label.apply("data-cpus") + " needs the data plane (data-plane tap)");
            }
        }
        return new DaemonConfig(team, ports, mode, timeout, activity, systemPriority, mac, key, portPriority, mux,
                loadBalancing, dataPlane, teamInterface, teamMac, socket, configFile, LacpOptions.parse(s, label), vlans,
                standby, fallback, ObservabilityOptions.parse(s, label), BalanceOptions.parse(s, label), dataCpus);
    }

    /**
     * These settings, but with the team name, mode, data plane, team interface and control socket of the running
     * config: a reload cannot change those, as they name the daemon, its interface and where lacpctl finds it; nor
     * the LACP fallback, which counts from the start, nor the load-balancing options, which the transmit thread was
     * built with, nor the data threads' CPUs. The VLANs neither: at run time they change by the control request {@code vlan add|remove VID}.
     */
    public DaemonConfig withStartOnlySettingsOf(DaemonConfig running) {
        return new DaemonConfig(running.team, ports, running.mode, timeout, activity, systemPriority, systemMac, key,
                portPriority, muxControl, running.loadBalancing, running.dataPlane, running.teamInterface, running.teamMac,
                running.controlSocket, configFile, lacpOptions, running.vlans, standby, running.lacpFallback,
                running.observability, running.balance, running.dataCpus);
    }

    /**
     * The team's traffic rules: the LACP options', with the LACP fallback after our LACP timeout (Short_Timeout_Time,
     * 3 s, with {@code lacp-rate fast}; Long_Timeout_Time, 90 s, with slow).
     */
    public TeamPolicy teamPolicy() {
        TeamPolicy p = lacpOptions.teamPolicy();
        return !lacpFallback ? p : p.withLacpFallback(
                timeout == LacpTimeout.SHORT ? ProtocolConstants.SHORT_TIMEOUT_TIME : ProtocolConstants.LONG_TIMEOUT_TIME);
    }

    /**
     * These settings with other members ({@code lacpctl port add|remove}), checked as the {@code ports} setting is.
     */
    public DaemonConfig withPorts(List<String> members) throws ConfigException {
        List<String> checked = ports(String.join(",", members), "ports");
        if (checked.contains(teamInterface)) {
            throw new ConfigException("port " + teamInterface + " is the team interface");
        }
        List<String> standbyLeft = standby.stream().filter(checked::contains).toList();
        if (mode == TeamingMode.SWITCH_INDEPENDENT && standbyLeft.size() == checked.size()) {
            throw new ConfigException("ports: every member would be Standby (at least one must be Active)");
        }
        return new DaemonConfig(team, checked, mode, timeout, activity, systemPriority, systemMac, key, portPriority,
                muxControl, loadBalancing, dataPlane, teamInterface, teamMac, controlSocket, configFile, lacpOptions,
                vlans, standbyLeft, lacpFallback, observability, balance, dataCpus);
    }

    /** The LACP system settings of this team. */
    public SystemConfig systemConfig() {
        return new SystemConfig(systemPriority, systemMac, muxControl, 0, lacpOptions.aggregateWaitNanos());
    }

    /** The LACP settings of each member port, with these port numbers. */
    public List<PortConfig> portConfigs(Map<String, Integer> numbers) {
        List<PortConfig> configs = new ArrayList<>();
        for (String p : ports) {
            // A Static or SwitchIndependent team's members speak no LACP: they send no LACPDU and answer none.
            configs.add(new PortConfig(p, numbers.get(p), portPriority, key, activity, timeout, true,
                    lacpOptions.partnerAdmin(), mode == TeamingMode.LACP));
        }
        return configs;
    }

    private static String required(Map<String, String> s, String key) throws ConfigException {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException("--" + key + " is required (or '" + key + " = ...' in the config file)");
        }
        return v.strip();
    }

    private static List<String> ports(String value, String label) throws ConfigException {
        Set<String> ports = new LinkedHashSet<>();
        for (String p : value.split(",")) {
            String name = p.strip();
            if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.contains(" ")) {
                throw new ConfigException(label + ": bad interface name '" + name + "'");
            }
            if (!ports.add(name)) {
                throw new ConfigException(label + ": port " + name + " listed twice");
            }
        }
        if (ports.size() > MemberMap.MAX_MEMBERS) {
            throw new ConfigException(label + ": " + ports.size() + " ports (expected: at most " + MemberMap.MAX_MEMBERS + ")");
        }
        return List.copyOf(ports);
    }

    /**
     * The Standby members: each a member, named once, only in {@code switch-independent}, and at least one member
     * left Active.
     */
    private static List<String> standby(Map<String, String> s, List<String> ports, TeamingMode mode,
                                        Function<String, String> label) throws ConfigException {
        String value = s.get("standby");
        if (value == null || value.isBlank()) {
            return List.of();
        }
        if (mode != TeamingMode.SWITCH_INDEPENDENT) {
            throw new ConfigException(label.apply("standby") + " needs mode switch-independent (a " + mode.windowsName()
                    + " team uses every member alike)");
        }
        Set<String> standby = new LinkedHashSet<>();
        for (String p : value.split(",")) {
            String name = p.strip();
            if (!ports.contains(name)) {
                throw new ConfigException(label.apply("standby") + ": '" + name + "' is not a member (expected one of: "
                        + String.join(",", ports) + ")");
            }
            if (!standby.add(name)) {
                throw new ConfigException(label.apply("standby") + ": " + name + " listed twice");
            }
        }
        if (standby.size() == ports.size()) {
            throw new ConfigException(label.apply("standby") + ": every member would be Standby (expected: at least one"
                    + " Active)");
        }
        return List.copyOf(standby);
    }

    private static String choice(Map<String, String> s, String key, List<String> allowed, String dflt,
                                 Function<String, String> label) throws ConfigException {
        String v = s.getOrDefault(key, dflt).strip();
        if (!allowed.contains(v)) {
            throw new ConfigException(label.apply(key) + " '" + v + "' (expected: " + String.join("|", allowed) + ")");
        }
        return v;
    }

    /** One of {@code values}, by our name or Windows', in any case; the error lists our names. */
    static <T extends ConfigNamed> T named(Map<String, String> s, String key, T[] values, T dflt,
                                           Function<String, String> label) throws ConfigException {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        Optional<T> value = ConfigNamed.parse(values, v.strip());
        if (value.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (T t : values) {
                names.add(t.configName());
            }
            throw new ConfigException(label.apply(key) + " '" + v.strip() + "' (expected: " + String.join("|", names) + ")");
        }
        return value.get();
    }

    private static int number(Map<String, String> s, String key, int dflt, Function<String, String> label)
            throws ConfigException {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.strip().matches("\\d{1,9}")) {
            throw new ConfigException(label.apply(key) + " '" + v.strip() + "' is not a number (expected: 0..65535)");
        }
        int n = Integer.parseInt(v.strip());
        if (n > 0xFFFF) {
            throw new ConfigException(label.apply(key) + " '" + v.strip() + "' out of range (expected: 0..65535)");
        }
        return n;
    }

    private static MacAddress systemMac(String v, String label) throws ConfigException {
        MacAddress mac;
        try {
            mac = MacAddress.parse(v.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(label + ": " + e.getMessage());
        }
        if (mac.equals(MacAddress.ZERO) || mac.isMulticast()) {
            throw new ConfigException(label + " " + mac + " is not a unicast address");
        }
        return mac;
    }

    /**
     * A system MAC that never follows enslave order or boots: locally administered, from a hash of the
     * machine id (or host name) and the team name.
     */
    static MacAddress derivedSystemMac(String team) {
        String machine;
        try {
            machine = Files.readString(Path.of("/etc/machine-id")).strip();
        } catch (IOException e) {
            machine = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((machine + "/" + team).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 6; i++) {
                bits = (bits << 8) | (h[i] & 0xFF);
            }
            // locally administered (bit 1 of the first octet), unicast (bit 0 clear)
            bits = (bits | 0x0200_0000_0000L) & ~0x0100_0000_0000L;
            return new MacAddress(bits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
