package io.lacpd.team.mode;

import java.util.Optional;

/**
 * Teaming modes as Windows Server NIC Teaming names them: which members may carry the team's traffic.
 * Each has our config name and Windows' name; either is accepted, in any case.
 */
public enum TeamingMode implements ConfigNamed {
    /** Switch-dependent, negotiated: members LACP put in Collecting/Distributing in the active aggregator. */
    LACP("lacp", "Lacp"),
    /** Switch-dependent, a static LAG on the switch: every member with link up. No LACPDU is sent or answered. */
    STATIC("static", "Static"),
    /** The switch knows nothing of the team: Active members with link up; Standby ones when no Active one is. */
    SWITCH_INDEPENDENT("switch-independent", "SwitchIndependent");

    private final String configName;
    private final String windowsName;

    TeamingMode(String configName, String windowsName) {
        this.configName = configName;
        this.windowsName = windowsName;
    }

    @Override
    public String configName() {
        return configName;
    }

    @Override
    public String windowsName() {
        return windowsName;
    }

    /** The mode named {@code text} in our spelling or Windows', case-insensitively. */
    public static Optional<TeamingMode> parse(String text) {
        return ConfigNamed.parse(values(), text);
    }

    @Override
    public String toString() {
        return configName;
    }
}
