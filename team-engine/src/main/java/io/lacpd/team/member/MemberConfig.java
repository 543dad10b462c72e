package io.lacpd.team.member;

/**
 * A member as the operator configured it.
 *
 * @param slot the member's stable index in the team (see {@link Member#slot})
 * @param name the interface name, as the LACP system names its port
 * @param role Active or Standby
 */
public record MemberConfig(int slot, String name, MemberRole role) {

    public MemberConfig {
        if (slot < 0 || slot >= MemberMap.MAX_MEMBERS) {
            throw new IllegalArgumentException("slot " + slot + " out of range (expected: 0.."
                    + (MemberMap.MAX_MEMBERS - 1) + ")");
        }
    }
}
