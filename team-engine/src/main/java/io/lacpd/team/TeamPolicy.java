package io.lacpd.team;

/**
 * The operator's rules for a team's traffic beyond its mode.
 *
 * @param aggregatorSelect which aggregator carries the traffic when members distribute in several (lacp mode)
 * @param minLinks         the team carries nothing (no member transmits or receives, the team is down and its
 *                         interface without carrier) unless at least this many members could transmit, as
 *                         bonding's {@code min_links} and a switch's port-channel min-links; 0 and 1 never hold
 *                         it down
 * @param lacpFallbackNanos lacp mode: when no LACPDU has been heard on any member this long since the start, one
 *                         member carries the traffic as a switch-independent Active/Standby team would, until LACP is
 *                         heard ({@link LacpFallback}); 0: no fallback
 */
public record TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks, long lacpFallbackNanos) {

    /** Bonding's defaults: count, min-links 1, no LACP fallback. */
    public static final TeamPolicy DEFAULT = new TeamPolicy(AggregatorSelect.COUNT, 1);

    /** These rules without LACP fallback. */
    public TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks) {
        this(aggregatorSelect, minLinks, 0);
    }

    public TeamPolicy {
        if (aggregatorSelect == null) {
            throw new IllegalArgumentException("aggregator select is required");
        }
        if (minLinks < 0) {
            throw new IllegalArgumentException("min links " + minLinks + " is negative (expected: 0 or more)");
        }
        if (lacpFallbackNanos < 0) {
            throw new IllegalArgumentException("lacp fallback " + lacpFallbackNanos + " ns is negative (expected: 0 or more)");
        }
    }
}
