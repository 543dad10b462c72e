package io.lacpd.team.datapath;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnSourceTest {

    private static final MacAddress TEAM = MacAddress.parse("02:00:00:0a:00:01");
    private static final MemberMap MAP = new MemberMap(1, List.of(
            new Member(0, "eth1", MacAddress.parse("02:00:00:0a:00:01"), true, true),
            new Member(1, "eth2", MacAddress.parse("02:00:00:0a:00:02"), true, true),
            new Member(2, "eth3", MacAddress.ZERO, false, false)), new byte[MemberMap.BUCKETS]);

    /** A frame from {@code source} at offset 12 of a buffer of this byte order. */
    private static ByteBuffer frame(String source, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(12 + 60).order(order);
        long bits = MacAddress.parse(source).bits();
        for (int i = 0; i < 6; i++) {
            b.put(12 + 6 + i, (byte) (bits >>> (40 - 8 * i)));
        }
        return b;
    }

    @Test
    void theTeamMacOrAMembersMacAsSourceIsOurs() {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            assertTrue(OwnSource.matches(frame("02:00:00:0a:00:01", order), 12, TEAM, MAP));
            assertTrue(OwnSource.matches(frame("02:00:00:0a:00:02", order), 12, TEAM, MAP));
            assertFalse(OwnSource.matches(frame("02:00:00:0b:00:02", order), 12, TEAM, MAP));
        }
    }

    @Test
    void aMemberWhoseMacIsUnknownMatchesNothing() {
        assertFalse(OwnSource.matches(frame("00:00:00:00:00:00", ByteOrder.BIG_ENDIAN), 12, TEAM, MAP));
    }
}
