package io.lacpd.core;

import io.lacpd.core.pdu.Frames;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.Wire;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A partner's version 2 TLVs reach the port's snapshot and counters; a malformed one costs nothing of version 1. */
class LacpV2ReceiveTest {

    /** Where the TLVs after the Collector Information TLV begin in a frame. */
    private static final int AFTER_COLLECTOR = 14 + 58;
    private static final PortInfo PARTNER = new PortInfo(100, Lab.mac(0xB), 7, 10, 5, LacpState.of(StateBit.LACP_ACTIVITY,
            StateBit.LACP_TIMEOUT, StateBit.AGGREGATION, StateBit.SYNCHRONIZATION));

    /** A's p1, whose wire carries nothing from B: the test speaks for the partner. */
    private static Lab lab() {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.port("A", "p1", 1);
        lab.port("B", "p1", 1);
        Wire w = lab.connect("A", "p1", "B", "p1");
        w.blockFrom("B", true);
        return lab;
    }

    private static byte[] v2Frame(Lab lab, String tlvs) {
        PortInfo aboutA = lab.port("A", "p1").actor();
        byte[] v1 = Frames.lacpdu(PARTNER.system(), new Lacpdu(2, PARTNER, aboutA, 0));
        byte[] extra = HexFormat.of().parseHex(tlvs + "0000");
        byte[] frame = Arrays.copyOf(v1, v1.length + extra.length);
        System.arraycopy(extra, 0, frame, AFTER_COLLECTOR, extra.length);
        System.arraycopy(v1, AFTER_COLLECTOR + 2, frame, AFTER_COLLECTOR + extra.length, v1.length - AFTER_COLLECTOR - 2);
        return frame;
    }

    @Test
    void thePartnersTlvsAreInTheSnapshotAndCounted() {
        Lab lab = lab();
        lab.net.inject("A", "p1", v2Frame(lab, "04060080c203" + "0a12" + "11".repeat(16)));
        PortSnapshot s = lab.port("A", "p1");
        assertEquals(ReceiveState.CURRENT, s.receiveState());
        assertEquals(7, s.partner().key());
        LacpV2Info v2 = s.partnerV2();
        assertEquals("I-SID", v2.portAlgorithm().name());
        assertEquals("11".repeat(16), v2.serviceMappingDigest().toString());
        assertEquals(1, s.counters().lacpduRx());
        assertEquals(1, s.counters().lacpduV2Rx());
        assertEquals(0, s.counters().lacpduIllegalRx());
        assertNull(s.lastIllegalReason());
    }

    @Test
    void aMalformedTlvIsCountedIllegalWithItsReasonAndTheVersion1PartUsed() {
        Lab lab = lab();
        lab.net.inject("A", "p1", v2Frame(lab, "04050080c2"));
        PortSnapshot s = lab.port("A", "p1");
        assertEquals(ReceiveState.CURRENT, s.receiveState(), "the version 1 information is used");
        assertEquals(PARTNER.system(), s.partner().system());
        assertEquals(1, s.counters().lacpduRx());
        assertEquals(1, s.counters().lacpduIllegalRx());
        assertEquals(1, s.counters().v2TlvIllegalRx());
        assertEquals("Port Algorithm TLV length 5 (expected: 6)", s.lastIllegalReason());
        assertEquals(java.util.List.of("Port Algorithm TLV length 5 (expected: 6)"), s.partnerV2().problems());
    }

    @Test
    void aDefaultedPartnerHasNoVersion2Information() {
        Lab lab = lab();
        lab.net.inject("A", "p1", v2Frame(lab, "04060080c203"));
        lab.run(10); // the partner says no more: expired, then defaulted
        assertEquals(ReceiveState.DEFAULTED, lab.port("A", "p1").receiveState());
        assertEquals(LacpV2Info.NONE, lab.port("A", "p1").partnerV2());
        assertEquals(1, lab.port("A", "p1").counters().lacpduV2Rx(), "the count stays");
    }

    @Test
    void anIllegalVersion1FrameLeavesItsReasonToo() {
        Lab lab = lab();
        byte[] frame = v2Frame(lab, "");
        frame[17] = 19; // Actor Information TLV length
        lab.net.inject("A", "p1", frame);
        assertEquals("Actor Information TLV length 19 (expected: 20)", lab.port("A", "p1").lastIllegalReason());
        assertEquals(0, lab.port("A", "p1").counters().lacpduRx());
    }
}
