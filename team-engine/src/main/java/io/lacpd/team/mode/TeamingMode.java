package io.lacpd.team.mode;

import java.util.Locale;
import java.util.Optional;

/**
 * Teaming modes as Windows Server NIC Teaming names them: which members may carry the team's traffic.
 * Each has our config name and Windows' name; either is accepted, in any case.
 */
public enum TeamingMode {
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

    /** The name our config, flags and status use, e.g. {@code switch-independent}. */
    public String configName() {
        return configName;
    }

    /** Windows' name, e.g. {@code SwitchIndependent}. */
    public String windowsName() {
        return windowsName;
    }

    /** The mode named {@code text} in our spelling or Windows', case-insensitively. */
    public static Optional<TeamingMode> parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (TeamingMode m : values()) {
            if (m.configName.equals(t) || m.windowsName.toLowerCase(Locale.ROOT).equals(t)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return configName;
    }
}
