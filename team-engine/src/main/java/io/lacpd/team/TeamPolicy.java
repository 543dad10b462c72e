package io.lacpd.team;

/**
 * The operator's rules for a team's traffic beyond its mode.
 *
 * @param aggregatorSelect which aggregator carries the traffic when members distribute in several (lacp mode)
 */
public record TeamPolicy(AggregatorSelect aggregatorSelect) {

    /** Bonding's default: count. */
    public static final TeamPolicy DEFAULT = new TeamPolicy(AggregatorSelect.COUNT);

    public TeamPolicy {
        if (aggregatorSelect == null) {
            throw new IllegalArgumentException("aggregator select is required");
        }
    }
}
