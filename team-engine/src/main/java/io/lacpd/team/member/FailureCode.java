package io.lacpd.team.member;

/**
 * Why a member does not carry the team's traffic, in the names Windows NIC Teaming gives its members'
 * {@code FailureReason}: stable words for status and metrics, beside our finer {@link FailureReason}.
 */
public enum FailureCode {
    /** The member carries traffic. */
    NoFailure,
    /** The operator's choice keeps it out: Standby while an Active member has link, or held down by min-links. */
    AdministrativeDecision,
    /** No carrier. */
    PhysicalMediaDisconnected,
    /** Its link flapped too often: held out until it has been stable for a while. */
    WaitingForStableConnectivity,
    /** LACP has not put it in Distributing in the team's active aggregator. */
    LacpNegotiationIssue,
    /** The interface is gone from the system. */
    NicNotPresent;

    /**
     * The code for a member's reason.
     *
     * @param present whether the interface exists (a missing one has no link either)
     */
    public static FailureCode of(FailureReason reason, boolean present) {
        return switch (reason) {
            case NO_FAILURE -> NoFailure;
            case LINK_DOWN -> present ? PhysicalMediaDisconnected : NicNotPresent;
            case NOT_PRESENT -> NicNotPresent;
            case LACP_NEGOTIATION, OTHER_AGGREGATOR -> LacpNegotiationIssue;
            case STANDBY, MIN_LINKS -> AdministrativeDecision;
            case UNSTABLE -> WaitingForStableConnectivity;
        };
    }
}
