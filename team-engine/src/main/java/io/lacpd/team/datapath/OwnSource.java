package io.lacpd.team.datapath;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Whether a frame that arrived from the network carries one of our own MACs as its source: the team's, or a
 * member's. Since members never hear their own sends, such a frame means another host uses our MAC, or a loop
 * brings our frames back. Reads six octets and allocates nothing.
 */
public final class OwnSource {

    private static final int SOURCE = 6;

    private OwnSource() {
    }

    /**
     * @param frame   the buffer holding the frame
     * @param at      where its Ethernet header starts; the caller has checked that 14 octets are there
     * @param teamMac the team's MAC
     * @param map     the members, with their MACs
     */
    public static boolean matches(ByteBuffer frame, int at, MacAddress teamMac, MemberMap map) {
        long source = 0;
        for (int i = 0; i < 6; i++) { // octet by octet: whatever order the buffer is set to
            source = (source << 8) | (frame.get(at + SOURCE + i) & 0xFF);
        }
        if (source == teamMac.bits()) {
            return true;
        }
        List<Member> members = map.members();
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).mac().bits() == source && source != 0) {
                return true;
            }
        }
        return false;
    }
}
