package io.lacpd.team;

import io.lacpd.team.mode.ConfigNamed;

import java.util.Locale;
import java.util.Optional;

/**
 * Which aggregator carries the team's traffic when its members distribute in several (other partners, other
 * keys), as Linux bonding's {@code ad_select} chooses. Ties go to the lowest aggregator id.
 */
public enum AggregatorSelect implements ConfigNamed {
    /** The most distributing members (bonding's {@code count}; the default). */
    COUNT,
    /** The most total link speed of its distributing members, then the most members (bonding's {@code bandwidth}). */
    BANDWIDTH,
    /**
     * The active aggregator stays while any of its members distributes; only then is another chosen, by count
     * (bonding's {@code stable}): no move of the traffic when a better aggregator appears.
     */
    STABLE,
    /**
     * The partner with the best system identifier (lowest system priority, then lowest system MAC), then the
     * most members: the aggregator towards the preferred switch.
     */
    PRIORITY;

    @Override
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The rule of that name, in any case. */
    public static Optional<AggregatorSelect> parse(String text) {
        return ConfigNamed.parse(values(), text);
    }

    @Override
    public String toString() {
        return configName();
    }
}
