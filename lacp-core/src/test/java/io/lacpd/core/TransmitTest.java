package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How often LACPDUs go out: Periodic Transmission (6.4.13) and the Transmit limit (6.4.16). */
class TransmitTest {

    @Test
    void aShortTimeoutPartnerHearsFromUsEverySecond() {
        Lab lab = Lab.twoSystems(1);
        lab.run(10);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.run(100);
        assertIntervals(sent.get("A/p1"), ProtocolConstants.FAST_PERIODIC_TIME, 100);
    }

    @Test
    void aLongTimeoutPartnerHearsFromUsEveryThirtySecondsAndWeStillAggregate() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1).withTimeout(LacpTimeout.LONG));
        lab.run(60);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.run(300);
        assertIntervals(sent.get("A/p1"), ProtocolConstants.SLOW_PERIODIC_TIME, 10);
        assertIntervals(sent.get("B/p1"), ProtocolConstants.FAST_PERIODIC_TIME, 300);
        assertEquals(PeriodicState.SLOW_PERIODIC, lab.port("A", "p1").periodicState());
        assertTrue(lab.distributing("A", "p1"));
        assertTrue(lab.distributing("B", "p1"));
    }

    @Test
    void aPartnerSwitchingToShortTimeoutIsAnsweredAtOnceThenEverySecond() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1).withTimeout(LacpTimeout.LONG));
        lab.run(45);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        long change = lab.net.now();
        lab.net.system("B").reconfigurePort(PortConfig.of("p1", 1), change);
        lab.run(10);
        List<Long> a = sent.get("A/p1");
        assertEquals(change, a.get(0), "SLOW_PERIODIC goes to PERIODIC_TX as soon as the partner asks for short");
        assertIntervals(a.subList(1, a.size()), ProtocolConstants.FAST_PERIODIC_TIME, 9);
    }

    @Test
    void withNoPartnerWeSendEveryThirtySeconds() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1), PortConfig.of("p1", 1).withActivity(LacpActivity.PASSIVE));
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        lab.run(30);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        lab.run(300);
        assertEquals(ReceiveState.DEFAULTED, lab.port("A", "p1").receiveState());
        assertIntervals(sent.get("A/p1"), ProtocolConstants.SLOW_PERIODIC_TIME, 10);
    }

    @Test
    void neverMoreThanThreeLacpdusInAnySecondUnderRapidChanges() {
        Lab lab = Lab.twoSystems(2);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        LacpSystem a = lab.net.system("A");
        for (int i = 0; i < 200; i++) {
            long now = lab.net.now();
            switch (i % 4) {
                case 0 -> a.reconfigurePort(PortConfig.of("p1", 1).withKey(1 + i % 3), now);
                case 1 -> a.reconfigurePort(PortConfig.of("p1", 1).withPortPriority(100 + i), now);
                case 2 -> a.reconfigure(a.config().withSystemPriority(1000 + i), now);
                default -> lab.net.wireAt("A", "p2").setUp(i % 8 != 3);
            }
            lab.run(0.05);
        }
        lab.run(5);
        int checked = 0;
        for (Map.Entry<String, List<Long>> e : sent.entrySet()) {
            List<Long> times = e.getValue();
            for (int i = 3; i < times.size(); i++) {
                assertTrue(times.get(i) - times.get(i - 3) >= ProtocolConstants.FAST_PERIODIC_TIME,
                        e.getKey() + " sent 4 LACPDUs within 1 s ending at " + times.get(i));
                checked++;
            }
        }
        assertTrue(checked > 30, "the changes made the ports want to send often: " + checked);
        assertTrue(sent.get("A/p1").size() >= 25, "held-back PDUs still go out, 3 per second: " + sent.get("A/p1").size());
    }

    @Test
    void theTransmitLimitCountsFromWhenALacpduReallyWentOut() {
        // A real clock, and a transport whose sends sometimes go out late (slow work before the send, a
        // collector pause): the call begins at one time, the frame leaves at another.
        long[] real = {Long.MAX_VALUE - ProtocolConstants.FAST_PERIODIC_TIME}; // wraps: any origin works
        long[] lag = {0};
        List<Long> sends = new ArrayList<>();
        FrameTransmitter late = new FrameTransmitter() {
            @Override
            public boolean transmit(String port, ByteBuf frame) {
                real[0] += lag[0];
                sends.add(real[0]);
                return true;
            }

            @Override
            public long sentAt(long began) {
                return real[0];
            }
        };
        LacpSystem a = new LacpSystem(SystemConfig.of(new MacAddress(0x02_0000_0000_0aL)), late, e -> { });
        a.addPort(PortConfig.of("p1", 1), new MacAddress(0x02_0000_0000_a1L), real[0]);
        a.linkUp("p1", 1000, Duplex.FULL, real[0]);
        long milli = ProtocolConstants.FAST_PERIODIC_TIME / 1000;
        for (int i = 0; i < 400; i++) {
            lag[0] = i % 4 == 0 ? 300 * milli : 0;
            a.reconfigurePort(PortConfig.of("p1", 1).withPortPriority(100 + i % 2), real[0]); // NTT each time
            real[0] += 10 * milli;
            if (a.nextDeadline() - real[0] <= 0) {
                a.advance(real[0]);
            }
        }
        assertTrue(sends.size() >= 10, "held back, the LACPDUs still go out, 3 a second: " + sends.size());
        for (int i = 3; i < sends.size(); i++) {
            assertTrue(sends.get(i) - sends.get(i - 3) >= ProtocolConstants.FAST_PERIODIC_TIME,
                    "4 LACPDUs left within " + (sends.get(i) - sends.get(i - 3)) / milli + " ms");
        }
    }

    @Test
    void aPduThatDescribesUsWronglyIsAnsweredAtOnce() {
        Lab lab = Lab.twoSystems(1);
        lab.run(10.5);
        Map<String, List<Long>> sent = lab.recordLacpduTimes();
        long now = lab.net.now();
        // B asks for the long timeout; its PDU still describes A correctly, so A owes B nothing.
        lab.net.system("B").reconfigurePort(PortConfig.of("p1", 1).withTimeout(LacpTimeout.LONG), now);
        lab.run(0);
        assertEquals(List.of(now), sent.get("B/p1"));
        assertEquals(null, sent.get("A/p1"), "update_NTT looks only at the partner's view of us (6.4.9)");

        // Now B's next change is lost on the way, so A goes on describing B with the old timeout ...
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        lab.net.system("B").reconfigurePort(PortConfig.of("p1", 1), lab.net.now());
        lab.net.wireAt("A", "p1").blockFrom("B", false);
        lab.run(1);
        // ... and B answers A's next PDU at the same instant, not at its next periodic time.
        long aSent = sent.get("A/p1").get(0);
        assertTrue(sent.get("B/p1").contains(aSent), "A sent at " + aSent + ", B sent at " + sent.get("B/p1"));
        assertTrue(lab.port("A", "p1").partner().state().has(StateBit.LACP_TIMEOUT));
        assertTrue(lab.distributing("A", "p1"), "a timeout change needs no reselection");
    }

    private static void assertIntervals(List<Long> times, long interval, int expectedCount) {
        assertTrue(times != null && Math.abs(times.size() - expectedCount) <= 1, "expected about " + expectedCount
                + " PDUs, got " + (times == null ? 0 : times.size()) + ": " + times);
        for (int i = 1; i < times.size(); i++) {
            assertEquals(interval, times.get(i) - times.get(i - 1), "interval before PDU " + i + " of " + times);
        }
    }
}
