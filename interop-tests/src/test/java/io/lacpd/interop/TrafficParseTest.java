package io.lacpd.interop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Traffic's readings of ping output, as iputils (the host) and busybox (the guest) print it. */
class TrafficParseTest {

    static final String IPUTILS = """
            --- 192.0.2.2 ping statistics ---
            400 packets transmitted, 398 received, 0.5% packet loss, time 4420ms
            rtt min/avg/max/mdev = 0.246/0.413/0.870/0.230 ms
            """;
    static final String BUSYBOX = """
            --- 192.0.2.1 ping statistics ---
            5 packets transmitted, 4 packets received, 20% packet loss
            round-trip min/avg/max = 0.059/0.206/0.354 ms
            """;

    @Test
    void iputilsSummary() {
        assertEquals(2, Traffic.lost(IPUTILS));
        assertEquals(398, Traffic.received(IPUTILS));
        assertArrayEquals(new double[] {246, 413, 870}, Traffic.rttMicros(IPUTILS), 1e-6);
    }

    @Test
    void busyboxSummary() {
        assertEquals(1, Traffic.lost(BUSYBOX));
        assertEquals(4, Traffic.received(BUSYBOX));
        assertArrayEquals(new double[] {59, 206, 354}, Traffic.rttMicros(BUSYBOX), 1e-6);
    }
}
