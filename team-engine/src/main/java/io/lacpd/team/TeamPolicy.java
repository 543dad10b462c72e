package io.lacpd.team;

/**
 * The operator's rules for a team's traffic beyond its mode.
 *
 * @param aggregatorSelect which aggregator carries the traffic when members distribute in several (lacp mode)
 * @param minLinks         the team carries nothing (no member transmits or receives, the team is down and its
 *                         interface without carrier) unless at least this many members could transmit, as
 *                         bonding's {@code min_links} and a switch's port-channel min-links; 0 and 1 never hold
 *                         it down
 */
public record TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks) {

    /** Bonding's defaults: count, min-links 1. */
    public static final TeamPolicy DEFAULT = new TeamPolicy(AggregatorSelect.COUNT, 1);

    public TeamPolicy {
        if (aggregatorSelect == null) {
            throw new IllegalArgumentException("aggregator select is required");
        }
        if (minLinks < 0) {
            throw new IllegalArgumentException("min links " + minLinks + " is negative (expected: 0 or more)");
        }
    }
}
