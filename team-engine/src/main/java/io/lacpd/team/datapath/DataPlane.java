package io.lacpd.team.datapath;

import java.util.Locale;
import java.util.Optional;

/** Whether lacpd carries the host's traffic itself, or only speaks LACP. */
public enum DataPlane {
    /** A pure LACP speaker: negotiation and status only; host traffic is not teamed. */
    NONE,
    /** A TAP team interface whose frames lacpd spreads over the members and gathers from them. */
    TAP;

    /** The name config and status use: {@code none} or {@code tap}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The data plane named {@code text}, in any case. */
    public static Optional<DataPlane> parse(String text) {
        for (DataPlane d : values()) {
            if (d.configName().equalsIgnoreCase(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return configName();
    }
}
