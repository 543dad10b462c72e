package io.lacpd.team;

import io.lacpd.team.member.FlapDamping;

/**
 * The operator's rules for a team's traffic beyond its mode.
 *
 * @param aggregatorSelect which aggregator carries the traffic when members distribute in several (lacp mode)
 * @param minLinks         the team carries nothing (no member transmits or receives, the team is down and its
 *                         interface without carrier) unless at least this many members could transmit, as
 *                         bonding's {@code min_links} and a switch's port-channel min-links; 0 and 1 never hold
 *                         it down
 * @param damping          when a flapping member is held out, and for how long ({@link FlapDamping.Settings#OFF}:
 *                         never)
 */
public record TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks, FlapDamping.Settings damping) {

    /** Rules without flap damping. */
    public TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks) {
        this(aggregatorSelect, minLinks, FlapDamping.Settings.OFF);
    }

    /** Bonding's defaults: count, min-links 1; no flap damping. */
    public static final TeamPolicy DEFAULT = new TeamPolicy(AggregatorSelect.COUNT, 1);

    public TeamPolicy {
        if (aggregatorSelect == null) {
            throw new IllegalArgumentException("aggregator select is required");
        }
        if (minLinks < 0) {
            throw new IllegalArgumentException("min links " + minLinks + " is negative (expected: 0 or more)");
        }
        if (damping == null) {
            throw new IllegalArgumentException("flap damping settings are required (OFF for none)");
        }
    }
}
