package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API contract of {@link LacpSystem}: time, deadlines, bad input. */
class LacpSystemTest {

    private final List<String> sent = new ArrayList<>();
    private final LacpSystem system = new LacpSystem(SystemConfig.of(Lab.mac(0xA)), (port, frame) -> sent.add(port),
            LacpListener.NONE);

    @Test
    void aSystemWithoutPortsHasNoDeadline() {
        assertEquals(LacpSystem.NO_DEADLINE, system.nextDeadline());
    }

    @Test
    void theNextDeadlineIsExactAndNothingHappensBeforeIt() {
        long t0 = 1_000_000_000_000L;
        system.addPort(PortConfig.of("p1", 1), Lab.mac(1), t0);
        system.linkUp("p1", 1000, Duplex.FULL, t0);
        assertEquals(List.of("p1"), sent, "DETACHED sets NTT: one LACPDU at once");
        // EXPIRED takes the partner as short-timeout, so FAST_PERIODIC: the next PDU is due in 1 s.
        assertEquals(t0 + ProtocolConstants.FAST_PERIODIC_TIME, system.nextDeadline());
        system.advance(system.nextDeadline() - 1);
        assertEquals(1, sent.size(), "nothing happens before the deadline");
        system.advance(system.nextDeadline());
        assertEquals(2, sent.size());
        while (system.nextDeadline() - (t0 + ProtocolConstants.SHORT_TIMEOUT_TIME) < 0) {
            system.advance(system.nextDeadline());
            assertEquals(ReceiveState.EXPIRED, system.snapshot().port("p1").receiveState());
        }
        assertEquals(t0 + ProtocolConstants.SHORT_TIMEOUT_TIME, system.nextDeadline(), "current_while");
        system.advance(system.nextDeadline());
        assertEquals(ReceiveState.DEFAULTED, system.snapshot().port("p1").receiveState());
    }

    @Test
    void timeMayStartAnywhereEvenAcrossTheSignBoundary() {
        long t0 = Long.MAX_VALUE - ProtocolConstants.FAST_PERIODIC_TIME / 2;
        system.addPort(PortConfig.of("p1", 1), Lab.mac(1), t0);
        system.linkUp("p1", 1000, Duplex.FULL, t0);
        long deadline = system.nextDeadline();
        assertTrue(deadline < 0, "wrapped");
        for (int i = 0; i < 3; i++) {
            system.advance(system.nextDeadline());
        }
        assertEquals(ReceiveState.DEFAULTED, system.snapshot().port("p1").receiveState());
        assertEquals(4, sent.size(), "one PDU at link up, then one a second while EXPIRED");
    }

    @Test
    void duplicatePortsAndPortNumbersAreRefusedByName() {
        system.addPort(PortConfig.of("p1", 1), Lab.mac(1), 0);
        IllegalArgumentException dupName = assertThrows(IllegalArgumentException.class,
                () -> system.addPort(PortConfig.of("p1", 2), Lab.mac(2), 0));
        assertEquals("duplicate port p1", dupName.getMessage());
        IllegalArgumentException dupNumber = assertThrows(IllegalArgumentException.class,
                () -> system.addPort(PortConfig.of("p2", 1), Lab.mac(2), 0));
        assertEquals("port p2: port number 1 is already used by port p1", dupNumber.getMessage());
        assertEquals(List.of("p1"), system.portNames());
        assertThrows(IllegalArgumentException.class, () -> system.linkUp("eth9", 1000, Duplex.FULL, 0));
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertEquals("system MAC 01:00:5e:00:00:01 is not a unicast address", assertThrows(IllegalArgumentException.class,
                () -> SystemConfig.of(MacAddress.parse("01:00:5e:00:00:01"))).getMessage());
        assertEquals("system priority 65536 out of range (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
                () -> SystemConfig.of(Lab.mac(1)).withSystemPriority(65536)).getMessage());
        assertEquals("port eth0: port number 0 out of range (expected: 1..65535)", assertThrows(IllegalArgumentException.class,
                () -> PortConfig.of("eth0", 0)).getMessage());
        assertEquals("port eth0: key -1 out of range (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
                () -> PortConfig.of("eth0", 1).withKey(-1)).getMessage());
        assertEquals("bad MAC address '02:00:00:00:00' (expected: six hex octets like 02:00:00:00:00:0a)",
                assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00")).getMessage());
    }

    @Test
    void badFramesAreCountedAndDroppedAndChangeNothing() {
        Lab lab = Lab.twoSystems(1);
        lab.run(5);
        PortSnapshot before = lab.port("A", "p1");
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            lab.net.inject("A", "p1", junk);
        }
        byte[] truncated = new byte[40];
        truncated[12] = (byte) 0x88;
        truncated[13] = 0x09;
        truncated[14] = 1;
        truncated[15] = 1;
        lab.net.inject("A", "p1", truncated);
        PortCounters c = lab.port("A", "p1").counters();
        assertEquals(1001, c.lacpduIllegalRx() + c.lacpduUnknownRx() + (c.lacpduRx() - before.counters().lacpduRx())
                + c.markerRx() + c.markerResponseRx());
        assertTrue(c.lacpduIllegalRx() >= 1);
        assertTrue(c.lacpduUnknownRx() > 900, "random bytes rarely carry EtherType 0x8809");
        assertEquals(before.partner(), lab.port("A", "p1").partner());
        assertTrue(lab.distributing("A", "p1"));
        system.addPort(PortConfig.of("p1", 1), Lab.mac(1), 0);
        system.receive("p1", Unpooled.EMPTY_BUFFER, 0);
        assertEquals(1, system.snapshot().port("p1").counters().lacpduIllegalRx());
    }

    @Test
    void aPortMayBeRemovedAndAddedBackUnderTheSameName() {
        Lab lab = Lab.twoSystems(2);
        lab.run(5);
        LacpSystem a = lab.net.system("A");
        lab.net.disconnect(lab.net.wireAt("A", "p2"));
        a.removePort("p2", lab.net.now());
        assertFalse(a.snapshot().aggregators().get(0).selectedPorts().contains("p2"));
        lab.port("A", "p2", 2);
        lab.connect("A", "p2", "B", "p2");
        lab.run(3);
        assertEquals(List.of("p1", "p2"), a.snapshot().aggregators().get(0).distributingPorts(), lab.dump());
    }
}
