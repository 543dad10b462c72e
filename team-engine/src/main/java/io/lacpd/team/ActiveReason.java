package io.lacpd.team;

/** Why the team's active aggregator is the one it is: the fact of the {@link AggregatorSelect} rule that decided. */
public enum ActiveReason {
    /** No aggregator has a distributing member (or the mode is not lacp): none is active. */
    NONE,
    /** The only aggregator with distributing members. */
    ONLY_ONE,
    /** The most distributing members ({@link AggregatorSelect#COUNT}, and {@link AggregatorSelect#STABLE} choosing anew). */
    MOST_MEMBERS,
    /** The most total link speed ({@link AggregatorSelect#BANDWIDTH}). */
    MOST_BANDWIDTH,
    /** The best partner system identifier ({@link AggregatorSelect#PRIORITY}). */
    BEST_PARTNER,
    /** Kept because it still has distributing members ({@link AggregatorSelect#STABLE}). */
    KEPT
}
