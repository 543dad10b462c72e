package io.lacpd.team.member;

/**
 * A member's administrative role, as Windows NIC Teaming's Active/Standby setting: in the switch-independent
 * mode a Standby member carries traffic only while no Active member has link. The other modes use every
 * member alike.
 */
public enum MemberRole {
    /** Carries traffic whenever the mode allows. */
    ACTIVE,
    /** Held back until no Active member has link (switch-independent only). */
    STANDBY
}
