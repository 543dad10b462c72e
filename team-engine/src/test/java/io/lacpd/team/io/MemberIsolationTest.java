package io.lacpd.team.io;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.NetnsThread;
import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.datapath.VnetHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A's eth1 is the member, B's eth1 the far end; A's address lives on a TAP, as a team's does. The kernel would
 * answer ARP for it on the member: isolated, it does not, while a packet socket still sees the requests.
 */
class MemberIsolationTest {

    private static final MacAddress TEAM_MAC = MacAddress.parse("02:00:00:aa:0e:01");
    private static final List<String> SYSCTLS = List.of("ipv4/conf/eth1/arp_ignore", "ipv6/conf/eth1/disable_ipv6",
            "ipv6/conf/eth1/accept_ra");

    private NetnsLab lab;
    private NetnsThread a;
    private Path locks;

    @BeforeEach
    void lab() throws Exception {
        lab = new NetnsLab(1);
        a = new NetnsThread(lab.nsA);
        locks = Files.createTempDirectory("lacpd-locks-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        a.close();
        lab.close();
        try (var files = Files.list(locks)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(locks);
    }

    @Test
    void theHostStackLeavesTheMemberAloneWhilePacketSocketsSeeItsFrames() throws Exception {
        TapDevice team = a.call(() -> TapDevice.open("team0", TEAM_MAC, 1500));
        try {
            team.setCarrier(true);
            lab.inNs("A", "ip", "addr", "add", "10.77.0.1/24", "dev", "team0");
            lab.inNs("B", "ip", "addr", "add", "10.77.0.2/24", "dev", "eth1");
            assertTrue(arpAnswered(), "without isolation the kernel answers ARP for team0's address on eth1");
            List<String> before = sysctls();

            MemberIsolation isolation = a.call(() -> MemberIsolation.take("eth1", TEAM_MAC, locks));
            PacketSocket watch = a.call(() -> PacketSocket.open("eth1"));
            try {
                assertEquals(List.of("8", "1", "0"), sysctls());
                assertFalse(arpAnswered(), "isolated, the member does not answer ARP");
                assertTrue(sawArp(watch), "the packet socket still sees the requests");
            } finally {
                watch.close();
                isolation.close();
            }
            assertEquals(before, sysctls(), "closing restores the member's settings");
            assertTrue(arpAnswered(), "given back, the member is the host's again");
        } finally {
            team.close();
        }
    }

    @Test
    void aMemberWithAnIpv4AddressIsRefusedUntouched() throws Exception {
        lab.inNs("A", "ip", "addr", "add", "10.78.0.1/24", "dev", "eth1");
        List<String> before = sysctls();
        IOException e = assertThrows(IOException.class, () -> a.call(() -> MemberIsolation.take("eth1", TEAM_MAC,
                locks)));
        assertEquals("eth1 has the IPv4 address 10.78.0.1: a member carries no address of its own (remove it,"
                + " then add the NIC to the team)", e.getMessage());
        assertEquals(before, sysctls());
    }

    @Test
    void aSecondTeamNamingTheMemberIsRefused() throws Exception {
        MemberIsolation first = a.call(() -> MemberIsolation.take("eth1", TEAM_MAC, locks));
        try {
            IOException e = assertThrows(IOException.class, () -> a.call(() -> MemberIsolation.take("eth1",
                    MacAddress.parse("02:00:00:aa:0e:02"), locks)));
            assertTrue(e.getMessage().startsWith("eth1 is already a member of another team ("), e.getMessage());
            assertEquals(List.of("8", "1", "0"), sysctls(), "the refusal touched nothing");
        } finally {
            first.close();
        }
        a.call(() -> MemberIsolation.take("eth1", TEAM_MAC, locks)).close();
    }

    @Test
    void aMemberForVirtualMachinesIsPromiscuousUntilGivenBack() throws Exception {
        assertEquals(0, promiscuity(), "not promiscuous before");
        MemberIsolation plain = a.call(() -> MemberIsolation.take("eth1", TEAM_MAC, false, locks));
        int filtered = promiscuity(); // veth has no unicast filter: the kernel makes a MAC added to it promiscuous
        plain.close();
        MemberIsolation forVms = a.call(() -> MemberIsolation.take("eth1", TEAM_MAC, true, locks));
        assertEquals(filtered + 1, promiscuity(), "frames for the VMs' MACs pass whatever filter the member has");
        forVms.close();
        assertEquals(0, promiscuity(), "given back as it was");
    }

    private int promiscuity() throws Exception {
        String details = NetnsLab.runChecked("ip", "-d", "-n", lab.nsA, "link", "show", "eth1");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("promiscuity (\\d+)").matcher(details);
        assertTrue(m.find(), details);
        return Integer.parseInt(m.group(1));
    }

    /** Whether B learns team0's MAC-less address through eth1 (the ping itself cannot succeed: no route back). */
    private boolean arpAnswered() throws Exception {
        lab.inNs("B", "ip", "neigh", "flush", "dev", "eth1");
        NetnsLab.run("ip", "netns", "exec", lab.nsB, "ping", "-c", "1", "-W", "1", "10.77.0.1");
        return NetnsLab.run("ip", "-n", lab.nsB, "neigh", "show", "10.77.0.1").contains("lladdr");
    }

    private static boolean sawArp(PacketSocket socket) {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 17);
        Pointer at = Native.getDirectBufferPointer(b);
        long n;
        while ((n = socket.receive(at, b.capacity())) > 0) {
            if (FrameView.outerEtherType(b, VnetHeader.LENGTH, (int) n - VnetHeader.LENGTH) == 0x0806) {
                return true;
            }
        }
        return false;
    }

    private List<String> sysctls() throws Exception {
        return SYSCTLS.stream().map(s -> {
            try {
                return NetnsLab.runChecked("ip", "netns", "exec", lab.nsA, "cat", "/proc/sys/net/" + s).strip();
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
