package io.lacpd.team.daemon;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.datapath.Announcement;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.runtime.TeamDataPath;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Switch-independent: when the primary member changes (a failover, a Standby member taking over, the first member
 * coming back), announces the team MAC on the new primary so the switches relearn its port at once: a gratuitous
 * ARP for each IPv4 address of the team interface, an unsolicited Neighbor Advertisement for each IPv6 one, a RARP
 * frame when it has none ({@link Announcement}). The addresses are read from the kernel (getifaddrs, through
 * {@link NetworkInterface}) at each announcement, so they are the ones in force. Called on the LACP loop thread,
 * after the new map is in force.
 */
final class PrimaryAnnouncer {

    private final TeamDataPath path;
    private final MacAddress teamMac;
    private final Consumer<String> log;
    /** The virtio_net_hdr (zeros: no offload) and one frame. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(VnetHeader.LENGTH + Announcement.MAX_LENGTH);
    private final Pointer pointer = Native.getDirectBufferPointer(buffer);
    private int announced = MemberMap.NONE;

    PrimaryAnnouncer(TeamDataPath path, MacAddress teamMac, Consumer<String> log) {
        this.path = path;
        this.teamMac = teamMac;
        this.log = log;
    }

    /** The map now in force: announces when its primary is new. */
    void onMap(MemberMap map) {
        int primary = map.primary();
        if (primary == announced) {
            return;
        }
        announced = primary;
        if (primary == MemberMap.NONE) {
            return;
        }
        int arps = 0;
        int advertisements = 0;
        int refused = 0;
        long mac = teamMac.bits();
        for (InetAddress a : addresses()) {
            int n;
            if (a instanceof Inet4Address) {
                byte[] b = a.getAddress();
                n = Announcement.gratuitousArp(buffer, VnetHeader.LENGTH, mac,
                        (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff);
                arps++;
            } else if (a instanceof Inet6Address) {
                n = Announcement.unsolicitedNeighborAdvertisement(buffer, VnetHeader.LENGTH, mac, a.getAddress());
                advertisements++;
            } else {
                continue;
            }
            refused += send(primary, n) ? 0 : 1;
        }
        if (arps + advertisements == 0) {
            refused += send(primary, Announcement.rarp(buffer, VnetHeader.LENGTH, mac)) ? 0 : 1;
        }
        log.accept("primary " + map.member(primary).name() + ": team MAC " + teamMac + " announced with "
                + (arps + advertisements == 0 ? "a RARP frame (no address)"
                : arps + " gratuitous ARP, " + advertisements + " neighbor advertisements")
                + (refused == 0 ? "" : "; " + refused + " refused by the kernel"));
    }

    private boolean send(int slot, int frameLength) {
        return path.sendOn(slot, pointer, VnetHeader.LENGTH + frameLength);
    }

    /** The team interface's addresses now; none when it cannot be read (then the RARP frame goes). */
    private List<InetAddress> addresses() {
        try {
            NetworkInterface nic = NetworkInterface.getByName(path.name());
            return nic == null ? List.of() : Collections.list(nic.getInetAddresses());
        } catch (SocketException e) {
            return List.of();
        }
    }
}
