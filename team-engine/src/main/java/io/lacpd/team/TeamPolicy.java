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
 * @param lacpFallbackNanos lacp mode: when no LACPDU has been heard on any member this long since the start, one
 *                         member carries the traffic as a switch-independent Active/Standby team would, until LACP is
 *                         heard ({@link LacpFallback}); 0: no fallback
 * @param damping          when a flapping member is held out, and for how long ({@link FlapDamping.Settings#OFF}:
 *                         never)
 */
public record TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks, long lacpFallbackNanos,
                         FlapDamping.Settings damping) {

    /** Bonding's defaults: count, min-links 1, no LACP fallback, no flap damping. */
    public static final TeamPolicy DEFAULT = new TeamPolicy(AggregatorSelect.COUNT, 1);

    /** These rules without LACP fallback or flap damping. */
    public TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks) {
        this(aggregatorSelect, minLinks, 0, FlapDamping.Settings.OFF);
    }

    /** These rules with flap damping, without LACP fallback. */
    public TeamPolicy(AggregatorSelect aggregatorSelect, int minLinks, FlapDamping.Settings damping) {
        this(aggregatorSelect, minLinks, 0, damping);
    }

    /** These rules with these settings of the LACP fallback. */
    public TeamPolicy withLacpFallback(long nanos) {
        return new TeamPolicy(aggregatorSelect, minLinks, nanos, damping);
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
        if (damping == null) {
            throw new IllegalArgumentException("flap damping settings are required (OFF for none)");
        }
    }
}
