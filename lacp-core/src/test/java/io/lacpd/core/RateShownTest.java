package io.lacpd.core;

import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a snapshot says of the rates and timers: A asks for slow (long timeout), B for fast. Each sends at the rate
 * the other asks (802.1AX-2014 6.4.13), and each keeps the other's information for its own timeout (6.4.12).
 */
class RateShownTest {

    private static Lab slowAgainstFast() {
        Lab lab = Lab.oneLink(PortConfig.of("p1", 1).withTimeout(LacpTimeout.LONG), PortConfig.of("p1", 1));
        lab.run(10);
        return lab;
    }

    @Test
    void aSlowPortSendsFastToAFastPartner() {
        Lab lab = slowAgainstFast();
        PortSnapshot a = lab.net.system("A").snapshot(lab.net.now()).port("p1");
        assertFalse(a.actor().state().has(StateBit.LACP_TIMEOUT), "we ask for slow");
        assertTrue(a.partner().state().has(StateBit.LACP_TIMEOUT), "the partner asks for fast");
        assertEquals(PeriodicState.FAST_PERIODIC, a.periodicState());
        assertTrue(a.timers().periodic() > 0 && a.timers().periodic() <= ProtocolConstants.FAST_PERIODIC_TIME, a.toString());
        // B answers at the slow rate A asks for, so what A heard is up to 30 s old: current_while has 60 to 90 s left
        long left = a.timers().currentWhile();
        assertTrue(left > ProtocolConstants.LONG_TIMEOUT_TIME - ProtocolConstants.SLOW_PERIODIC_TIME
                && left <= ProtocolConstants.LONG_TIMEOUT_TIME, "current_while " + left);
        assertEquals(-1, a.timers().waitWhile(), "not WAITING");
    }

    @Test
    void aFastPortSendsSlowToASlowPartnerAndExpiresItsPartnerFast() {
        Lab lab = slowAgainstFast();
        PortSnapshot b = lab.net.system("B").snapshot(lab.net.now()).port("p1");
        assertEquals(PeriodicState.SLOW_PERIODIC, b.periodicState());
        assertTrue(b.timers().periodic() > ProtocolConstants.FAST_PERIODIC_TIME
                && b.timers().periodic() <= ProtocolConstants.SLOW_PERIODIC_TIME, "next LACPDU " + b.timers().periodic());
        assertTrue(b.timers().currentWhile() <= ProtocolConstants.SHORT_TIMEOUT_TIME, "A's information lasts 3 s for B");
    }

    @Test
    void timeLeftIsMeasuredFromTheTimeGiven() {
        Lab lab = slowAgainstFast();
        LacpSystem a = lab.net.system("A");
        long now = lab.net.now();
        long left = a.snapshot(now).port("p1").timers().currentWhile();
        assertEquals(left - Lab.seconds(0.25), a.snapshot(now + Lab.seconds(0.25)).port("p1").timers().currentWhile());
        assertEquals(0, a.snapshot(now + Lab.seconds(120)).port("p1").timers().currentWhile(), "0 once expired");
    }

    @Test
    void waitingShowsTheAggregateWaitLeftAndAnExpiredPartnerItsDefaulting() {
        Lab lab = Lab.twoSystems(1);
        lab.run(0.5);
        assertEquals(Lab.seconds(1.5), lab.net.system("A").snapshot(lab.net.now()).port("p1").timers().waitWhile());
        lab.run(5);
        lab.net.wireAt("A", "p1").blockFrom("B", true);
        lab.run(3.5); // A's 3 s short timeout: EXPIRED, then DEFAULTED 3 s later
        PortSnapshot a = lab.net.system("A").snapshot(lab.net.now()).port("p1");
        assertEquals(ReceiveState.EXPIRED, a.receiveState());
        assertTrue(a.timers().currentWhile() > 0 && a.timers().currentWhile() < ProtocolConstants.SHORT_TIMEOUT_TIME);
        lab.run(3);
        a = lab.net.system("A").snapshot(lab.net.now()).port("p1");
        assertEquals(ReceiveState.DEFAULTED, a.receiveState());
        assertEquals(-1, a.timers().currentWhile(), "DEFAULTED reads no current_while");
    }
}
