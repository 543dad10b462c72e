package io.lacpd.transport;

import io.lacpd.core.LacpSystem;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingress bounds, its newest-wins drop, the coalescing of LACPDUs and the policer, in virtual time. */
class IngressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final Ingress ingress = new Ingress();
    private long now = Long.MAX_VALUE - SECOND / 3; // wraps around: the comparisons are overflow-safe

    /** A Marker PDU frame: a slow-protocol frame that is not a LACPDU. */
    private static byte[] marker() {
        byte[] f = new byte[124];
        f[12] = (byte) 0x88;
        f[13] = 0x09;
        f[14] = 2;
        return f;
    }

    @Test
    void aFullPortDropsItsOldestAndCountsIt() {
        Ingress.Inbox inbox = ingress.inbox(now);
        byte[][] frames = new byte[Ingress.PER_PORT + 3][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = marker();
            assertEquals(i == 0, inbox.offer(frames[i]), "only the first makes the inbox non-empty");
        }
        assertEquals(3, inbox.takeDropped(now));
        assertSame(frames[3], inbox.take(now), "the oldest kept is the fourth: the newest won");
    }

    @Test
    void aFloodEndsOnceNothingWasDroppedForAWhile() {
        Ingress.Inbox inbox = ingress.inbox(now);
        inbox.offer(marker());
        inbox.take(now);
        assertEquals(0, inbox.takeDropped(now));
        assertFalse(inbox.floodEnded(now + 10 * SECOND), "no drops, no flood");
        assertEquals(LacpSystem.NO_DEADLINE, inbox.floodEndDeadline());
        for (int i = 0; i < Ingress.PER_PORT + 1; i++) {
            inbox.offer(marker());
        }
        assertEquals(1, inbox.takeDropped(now));
        assertEquals(now + Ingress.QUIET, inbox.floodEndDeadline());
        assertFalse(inbox.floodEnded(now + Ingress.QUIET - 1));
        assertTrue(inbox.floodEnded(now + Ingress.QUIET));
        assertFalse(inbox.floodEnded(now + 2 * Ingress.QUIET), "once");
    }

    @Test
    void theIngressIsBoundedInTotal() {
        int ports = Ingress.TOTAL / Ingress.PER_PORT + 2;
        Ingress.Inbox[] inboxes = new Ingress.Inbox[ports];
        long dropped = 0;
        for (int p = 0; p < ports; p++) {
            inboxes[p] = ingress.inbox(now);
            for (int i = 0; i < Ingress.PER_PORT; i++) {
                inboxes[p].offer(marker());
            }
        }
        for (Ingress.Inbox inbox : inboxes) {
            dropped += inbox.takeDropped(now);
        }
        assertEquals((long) ports * Ingress.PER_PORT - Ingress.TOTAL, dropped);
    }

    @Test
    void ofSeveralLacpdusWaitingOnlyTheNewestIsTakenAndMarkersStay() {
        Ingress.Inbox inbox = ingress.inbox(now);
        byte[] first = LacpAgentTest.lacpduFrom(1);
        byte[] m = marker();
        byte[] last = LacpAgentTest.lacpduFrom(3);
        inbox.offer(first);
        inbox.offer(LacpAgentTest.lacpduFrom(2));
        inbox.offer(m);
        inbox.offer(last);
        assertSame(m, inbox.take(now), "the older LACPDUs are superseded; the Marker is not");
        assertSame(last, inbox.take(now));
        assertNull(inbox.take(now));
        assertEquals(2, inbox.takeDropped(now));
    }

    @Test
    void thePolicerLetsABurstThenTheRate() {
        Ingress.Inbox inbox = ingress.inbox(now);
        assertEquals(LacpSystem.NO_DEADLINE, inbox.nextTake(), "nothing waits");
        for (int i = 0; i < Ingress.PER_PORT; i++) {
            inbox.offer(marker());
        }
        int taken = 0;
        while (inbox.take(now) != null) {
            taken++;
        }
        assertEquals(Ingress.BURST, taken);
        long next = inbox.nextTake();
        assertEquals(now + Ingress.INTERVAL, next, "then one each interval");
        assertNull(inbox.take(next - 1));
        assertTrue(inbox.take(next) != null);
        now = next + 100 * SECOND; // a quiet while refills the burst, no more
        taken = 0;
        while (inbox.take(now) != null) {
            taken++;
        }
        assertEquals(Ingress.PER_PORT - Ingress.BURST - 1, taken);
    }
}
