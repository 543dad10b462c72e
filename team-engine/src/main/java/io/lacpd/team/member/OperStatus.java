package io.lacpd.team.member;

/** What a member does now, in Windows NIC Teaming's words: it carries traffic, waits as Standby, or has failed. */
public enum OperStatus {
    /** It carries the team's traffic. */
    Active,
    /** A Standby member kept out while an Active member has link. */
    Standby,
    /** It could carry traffic by its settings but does not; {@link FailureCode} says why. */
    Failed;

    /** The status of this member. */
    public static OperStatus of(MemberStatus m) {
        if (m.transmit()) {
            return Active;
        }
        return m.reason() == FailureReason.STANDBY ? Standby : Failed;
    }
}
