package io.lacpd.team.datapath;

import io.lacpd.team.mode.ConfigNamed;

import java.util.Locale;
import java.util.Optional;

/** Whether lacpd carries the host's traffic itself, or only speaks LACP. */
public enum DataPlane implements ConfigNamed {
    /** A pure LACP speaker: negotiation and status only; host traffic is not teamed. */
    NONE,
    /** A TAP team interface whose frames lacpd spreads over the members and gathers from them. */
    TAP;

    @Override
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The data plane named {@code text}, in any case. */
    public static Optional<DataPlane> parse(String text) {
        return ConfigNamed.parse(values(), text);
    }

    @Override
    public String toString() {
        return configName();
    }
}
