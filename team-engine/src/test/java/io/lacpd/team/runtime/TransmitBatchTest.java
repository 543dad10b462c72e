package io.lacpd.team.runtime;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.datapath.FlowletTable;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.team.io.PacketBatch;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transmit batch's bookkeeping, and what it tells the flowlet table. */
class TransmitBatchTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:aa:00:01");
    private static final long GAP = 500_000;
    private static final long FLOW = 0x1234_5678_0000_0001L;

    private final PacketBatch frames = new PacketBatch(4, 4, 256);
    private final TransmitBatch batch = new TransmitBatch(frames);

    @Test
    void eachMembersFramesAreSentInTheirOrderMembersInTheOrderOfTheirFirstFrame() {
        batch.add(2, 4, 100);
        batch.add(0, 0, 200);
        batch.add(2, 4, 300);
        assertEquals(3, batch.size());
        assertEquals(2, batch.members());
        assertEquals(List.of(2, 0), List.of(batch.member(0), batch.member(1)));
        assertEquals(2, batch.prepare(2));
        assertEquals(List.of(100, 300), List.of(batch.messageLength(0), batch.messageLength(1)));
        assertEquals(1, batch.prepare(0));
        assertEquals(200, batch.messageLength(0));
        assertEquals(100 + 300 - 2 * VnetHeader.LENGTH, batch.pending(2));
        assertFalse(batch.full());
        batch.add(1, 4, 50);
        assertTrue(batch.full(), "every slot holds a frame");

        batch.clear();
        assertEquals(0, batch.size());
        assertEquals(0, batch.members());
        assertEquals(0, batch.pending(2));
    }

    @Test
    void framesOfASuperFramesSizeFillTheBatch() {
        batch.add(0, 4, PacketBatch.WARM_BYTES - 1);
        assertFalse(batch.full());
        batch.add(0, 4, 1);
        assertTrue(batch.full(), "a batch holds no more than a super-frame's octets");
    }

    /**
     * The data path asks the flowlet table's queue test for the kernel's queue plus what the batch holds: a flow
     * whose last frame waits in the batch does not move after a pause, and moves at its next pause once sent.
     */
    @Test
    void aFlowWhoseLastFrameWaitsInTheBatchDoesNotMove() {
        long[] kernel = new long[MemberMap.MAX_MEMBERS];
        FlowletTable flowlets = new FlowletTable(64, GAP);
        flowlets.observeQueues(slot -> kernel[slot] + batch.pending(slot));
        MemberMap onEth1 = map(1, 0);
        MemberMap onEth2 = map(2, 1);

        assertEquals(0, flowlets.slot(FLOW, 0, onEth1, 0, 60));
        batch.add(0, 4, VnetHeader.LENGTH + 60); // decided for eth1, not yet sent
        // the flow's bucket moves to eth2, and the flow pauses past the gap: its frame still waits here
        assertEquals(0, flowlets.slot(FLOW, 1, onEth2, GAP + 1, 60), "held: its last frame is in the batch");
        batch.add(0, 4, VnetHeader.LENGTH + 60);
        assertEquals(1, flowlets.held());

        batch.clear(); // sent; the kernel has sent it too
        assertEquals(1, flowlets.slot(FLOW, 1, onEth2, 2 * GAP + 2, 60), "moved at the next pause");
        assertEquals(1, flowlets.moves());
    }

    /** eth1 (slot 0) and eth2 (slot 1) both transmit; every bucket belongs to {@code owner}. */
    private static MemberMap map(long version, int owner) {
        byte[] buckets = new byte[MemberMap.BUCKETS];
        java.util.Arrays.fill(buckets, (byte) owner);
        return new MemberMap(version, List.of(new Member(0, "eth1", MAC, true, true),
                new Member(1, "eth2", MAC, true, true)), buckets);
    }
}
