package io.lacpd.core;

import io.lacpd.core.pdu.Frames;
import io.lacpd.core.pdu.MarkerPdu;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression: Marker Responses are limited over any one second, not per one-second window that starts at the
 * first Marker. With such a window, 7 responses at its end and 7 more at the start of the next went out within a
 * few milliseconds, and a port sent up to 17 Slow Protocol frames in one second with its LACPDUs, where 802.3
 * Annex 57A allows 10.
 */
class MarkerRateLimitTest {

    @Test
    void responsesStayWithinTheSlowProtocolsBudgetInAnySecond() {
        Lab lab = Lab.twoSystems(1);
        List<Long> sent = new ArrayList<>(); // every Slow Protocol frame A's p1 hands to its wire
        lab.net.observe((now, system, port, frame) -> {
            if (system.equals("A")) {
                sent.add(now);
            }
        });
        lab.run(3);
        long t0 = lab.net.now();

        marker(lab);                   // opens a window at t0
        lab.net.runFor(Lab.seconds(0.9));
        for (int i = 0; i < 6; i++) {  // 7 answered in 0.9 s: the most allowed
            marker(lab);
        }
        lab.net.runUntil(t0 + Lab.seconds(1));
        for (int i = 0; i < 7; i++) {  // the first response is a second old now, the other six are not
            marker(lab);
        }
        lab.run(2);

        PortCounters c = lab.port("A", "p1").counters();
        assertEquals(14, c.markerRx());
        assertEquals(8, c.markerResponseTx(), c.toString());
        assertEquals(6, c.markerResponseLimited(), c.toString());
        for (int i = 0; i < sent.size(); i++) {
            int inSecond = 0;
            for (long t : sent) {
                if (t - sent.get(i) >= 0 && t - sent.get(i) < Lab.seconds(1)) {
                    inSecond++;
                }
            }
            assertTrue(inSecond <= 10, inSecond + " Slow Protocol frames in the second from " + sent.get(i));
        }
    }

    private static void marker(Lab lab) {
        lab.net.inject("A", "p1", Frames.marker(Lab.mac(0xB0), new MarkerPdu(false, 1, Lab.mac(0xB), 42)));
    }

}
