package io.lacpd.team.member;

import io.lacpd.core.pdu.MacAddress;

/**
 * One member as the team sees it at one moment: its settings, its link, and what it may carry.
 *
 * @param slot     the member's stable slot
 * @param name     the interface name
 * @param role     Active or Standby
 * @param mac      the interface's own MAC, or {@link MacAddress#ZERO} while unknown
 * @param linkUp   whether the link is up as last reported
 * @param transmit whether frames may leave on it
 * @param receive  whether frames received on it reach the host
 * @param reason   why it does not transmit, or {@link FailureReason#NO_FAILURE} when it does
 */
public record MemberStatus(int slot, String name, MemberRole role, MacAddress mac, boolean linkUp, boolean transmit,
                           boolean receive, FailureReason reason) {

    /** The member as the data path sees it. */
    public Member member() {
        return new Member(slot, name, mac, transmit, receive);
    }
}
