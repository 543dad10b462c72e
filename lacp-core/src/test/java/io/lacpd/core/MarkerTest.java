package io.lacpd.core;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.Frames;
import io.lacpd.core.pdu.MarkerPdu;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Marker Responder (802.1AX-2014 6.5.4.2). */
class MarkerTest {

    @Test
    void aMarkerIsAnsweredOnItsPortWithTheSameFields() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        Map<String, List<DecodeResult>> frames = lab.recordFrames();
        MarkerPdu marker = new MarkerPdu(false, 2, Lab.mac(0xB), 0xDEADBEEF);
        lab.net.inject("A", "p2", Frames.marker(Lab.mac(0xB), marker));
        DecodeResult answer = frames.get("A/p2").get(0);
        DecodeResult.Marker response = assertInstanceOf(answer);
        assertEquals(new MarkerPdu(true, 2, Lab.mac(0xB), 0xDEADBEEF), response.pdu());
        assertEquals(lab.net.system("A").snapshot().port("p2").counters().markerResponseTx(), 1);
        assertEquals(lab.net.system("A").snapshot().port("p2").counters().markerRx(), 1);
        assertEquals(null, frames.get("A/p1"), "only the port the Marker came in on answers");
        lab.run(0);
        assertEquals(1, lab.port("B", "p2").counters().markerResponseRx(), "the response reached B");
    }

    @Test
    void aFloodOfMarkersIsAnsweredWithinTheSlowProtocolsBudget() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5);
        Map<String, List<DecodeResult>> frames = lab.recordFrames();
        for (int i = 0; i < 100; i++) {
            lab.net.inject("A", "p1", Frames.marker(Lab.mac(0xB), new MarkerPdu(false, 1, Lab.mac(0xB), i)));
        }
        long responses = frames.get("A/p1").stream().filter(f -> f instanceof DecodeResult.Marker).count();
        assertEquals(7, responses);
        PortCounters c = lab.port("A", "p1").counters();
        assertEquals(100, c.markerRx());
        assertEquals(93, c.markerResponseLimited());
        lab.run(1);
        lab.net.inject("A", "p1", Frames.marker(Lab.mac(0xB), new MarkerPdu(false, 1, Lab.mac(0xB), 1000)));
        assertEquals(8, lab.port("A", "p1").counters().markerResponseTx(), "a new second, a new budget");
        assertTrue(lab.distributing("A", "p1"));
    }

    private static DecodeResult.Marker assertInstanceOf(DecodeResult r) {
        assertTrue(r instanceof DecodeResult.Marker, "expected a Marker response, got " + r);
        return (DecodeResult.Marker) r;
    }
}
