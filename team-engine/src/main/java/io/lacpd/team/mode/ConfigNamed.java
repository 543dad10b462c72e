package io.lacpd.team.mode;

import java.util.Locale;
import java.util.Optional;

/**
 * A value of a team setting (mode, load balancing, aggregator selection, data plane) as config, flags and status
 * name it, and as Windows NIC Teaming names it where it has the same setting; either name is accepted, in any case.
 */
public interface ConfigNamed {

    /** The name our config, flags and status use, e.g. {@code switch-independent}. */
    String configName();

    /** Windows' name, e.g. {@code SwitchIndependent}; our own where Windows has no such setting. */
    default String windowsName() {
        return configName();
    }

    /** The one of {@code values} named {@code text} in our spelling or Windows', case-insensitively. */
    static <T extends ConfigNamed> Optional<T> parse(T[] values, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (T v : values) {
            if (v.configName().equals(t) || v.windowsName().toLowerCase(Locale.ROOT).equals(t)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
