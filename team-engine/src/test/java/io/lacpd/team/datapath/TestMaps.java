package io.lacpd.team.datapath;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;

import java.util.ArrayList;
import java.util.List;

/** Member maps built by hand for tests. */
final class TestMaps {

    private TestMaps() {
    }

    static Member member(int slot, boolean transmit) {
        return new Member(slot, "eth" + slot, new MacAddress(0x0200_0000_0100L + slot), transmit, transmit);
    }

    /** Members in slots 0..n-1, all transmitting, buckets dealt round-robin: bucket b to slot b % n. */
    static MemberMap roundRobin(int n) {
        List<Member> members = new ArrayList<>();
        byte[] buckets = new byte[MemberMap.BUCKETS];
        for (int s = 0; s < n; s++) {
            members.add(member(s, true));
        }
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = (byte) (b % n);
        }
        return new MemberMap(1, members, buckets);
    }
}
