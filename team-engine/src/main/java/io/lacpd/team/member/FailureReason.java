package io.lacpd.team.member;

/**
 * Why a member does not transmit the team's traffic, as a fact; the status layer words it. Each has the name
 * Windows NIC Teaming gives the same situation (its {@code FailureReason}).
 */
public enum FailureReason {
    /** The member transmits. */
    NO_FAILURE("NoFailure"),
    /** No carrier, or the interface is gone. */
    LINK_DOWN("PhysicalMediaDisconnected"),
    /** LACP has not put the member in Distributing: no partner, not selected, partner not in sync, ... */
    LACP_NEGOTIATION("LacpNegotiationIssue"),
    /** Distributing, but in an aggregator that is not the team's active one (another partner or key). */
    OTHER_AGGREGATOR("LacpNegotiationIssue"),
    /** A Standby member while an Active member has link (switch-independent). */
    STANDBY("AdministrativeDecision"),
    /** It could transmit, but fewer members than min-links could: the team is held down. */
    MIN_LINKS("AdministrativeDecision");

    private final String windowsName;

    FailureReason(String windowsName) {
        this.windowsName = windowsName;
    }

    /** Windows' name of this reason, e.g. {@code PhysicalMediaDisconnected}. */
    public String windowsName() {
        return windowsName;
    }
}
