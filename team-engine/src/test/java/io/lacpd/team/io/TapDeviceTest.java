package io.lacpd.team.io;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.NetnsThread;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real TAP in a namespace of its own, read back through sysfs and ip. */
class TapDeviceTest {

    @Test
    void opensWithMacMtuOffloadsAndCarrier() throws Exception {
        try (NetnsLab lab = new NetnsLab(0); NetnsThread ns = new NetnsThread(lab.nsA)) {
            MacAddress mac = MacAddress.parse("02:00:00:aa:0f:01");
            TapDevice tap = ns.call(() -> TapDevice.open("team0", mac, 9000));
            try {
                assertEquals("02:00:00:aa:0f:01", sysfs(lab, "address"));
                assertEquals("9000", sysfs(lab, "mtu"));
                assertEquals(Integer.toString(TapDevice.TX_QUEUE_LENGTH), sysfs(lab, "tx_queue_len"),
                        "a queue deep enough for a burst of small frames");
                assertEquals("0", sysfs(lab, "carrier"), "no carrier until the team can transmit");
                String link = NetnsLab.runChecked("ip", "-n", lab.nsA, "-d", "link", "show", "team0");
                assertTrue(link.contains("tun type tap") && link.contains("vnet_hdr"), link);
                assertTrue(link.contains("UP") && link.contains("NO-CARRIER"), link);
                int tcp = TapDevice.TUN_F_CSUM | TapDevice.TUN_F_TSO4 | TapDevice.TUN_F_TSO6;
                assertEquals(tcp, tap.offloads() & tcp);
                tap.setCarrier(true);
                assertEquals("1", sysfs(lab, "carrier"));
                tap.setCarrier(false);
                assertEquals("0", sysfs(lab, "carrier"));
            } finally {
                tap.close();
            }
            String after = NetnsLab.run("ip", "-n", lab.nsA, "link", "show");
            assertFalse(after.contains("team0"), "closing removes the interface: " + after);
        }
    }

    @Test
    void refusesANameTooLong() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TapDevice.open("team-name-longer", MacAddress.parse("02:00:00:aa:0f:02"), 1500));
        assertTrue(e.getMessage().contains("got 16 characters (expected: 1..15)"), e.getMessage());
    }

    private static String sysfs(NetnsLab lab, String file) throws Exception {
        return NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "cat", "/sys/class/net/team0/" + file).strip();
    }

}
