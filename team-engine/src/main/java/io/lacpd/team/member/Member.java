package io.lacpd.team.member;

import io.lacpd.core.pdu.MacAddress;

/**
 * One member NIC as the data path sees it at one moment.
 *
 * @param slot     the member's stable index in the team, 0 to {@link MemberMap#MAX_MEMBERS} - 1: the data path
 *                 keeps its per-member sockets and counters by slot, so a slot never changes while the member is in
 *                 the team
 * @param name     the interface name
 * @param mac      the member's own MAC (frames that must not carry the team MAC leave with it)
 * @param transmit whether frames may leave on it (Lacp: Distributing in the active aggregator)
 * @param receive  whether frames received on it reach the host (Lacp: Collecting in the active aggregator)
 */
public record Member(int slot, String name, MacAddress mac, boolean transmit, boolean receive) {

    public Member {
        if (slot < 0 || slot >= MemberMap.MAX_MEMBERS) {
            throw new IllegalArgumentException("slot " + slot + " out of range (expected: 0.."
                    + (MemberMap.MAX_MEMBERS - 1) + ")");
        }
    }
}
