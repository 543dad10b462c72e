package io.lacpd.team.member;

/**
 * Why a member does not transmit the team's traffic, as a fact; the status layer words it. Each names, in its
 * Javadoc, the {@code FailureReason} Windows NIC Teaming gives the same situation.
 */
public enum FailureReason {
    /** The member transmits (Windows: NoFailure). */
    NO_FAILURE,
    /** No carrier (Windows: PhysicalMediaDisconnected). */
    LINK_DOWN,
    /** The member's interface does not exist: not created yet, or deleted (Windows: NicNotPresent). */
    NOT_PRESENT,
    /**
     * LACP has not put the member in Distributing: no partner, not selected, partner not in sync, ... (Windows:
     * LacpNegotiationIssue).
     */
    LACP_NEGOTIATION,
    /**
     * Distributing, but in an aggregator that is not the team's active one (another partner or key) (Windows:
     * LacpNegotiationIssue).
     */
    OTHER_AGGREGATOR,
    /** A Standby member while an Active member has link, switch-independent (Windows: AdministrativeDecision). */
    STANDBY,
    /**
     * It could transmit, but fewer members than min-links could: the team is held down (Windows:
     * AdministrativeDecision).
     */
    MIN_LINKS,
    /**
     * Its link flapped more often than flap damping allows: held out until it has been up for a while (Windows:
     * WaitingForStableConnectivity).
     */
    UNSTABLE
}
