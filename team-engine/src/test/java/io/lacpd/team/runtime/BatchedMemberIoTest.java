package io.lacpd.team.runtime;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.NetnsLab;
import io.lacpd.team.NetnsThread;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.VlanCounters;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.team.io.CpuAffinity;
import io.lacpd.team.io.PacketBatch;
import io.lacpd.team.io.PacketSocket;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import io.lacpd.transport.linux.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bursts of small frames through a team of three members (eth1-eth3 in namespace A, their veth peers in B), some
 * of them VLAN tagged, with VLAN 100 on a VLAN interface (team0.100) and VLAN 200 left to the team interface:
 * batched receive (recvmmsg) and batched send (sendmmsg) lose nothing, keep each flow in order and count each frame
 * as it was counted one system call a frame.
 */
class BatchedMemberIoTest {

    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:aa:00:01");
    private static final int MEMBERS = 3;
    private static final int ETHERTYPE = 0x88b5; // local experimental: no host stack takes it
    /** Per flow kind: untagged, VLAN 100 (its interface's), VLAN 200 (the team interface's, tagged). */
    private static final int[] VIDS = {0, 100, 200};
    private static final int FRAME = 60;
    /** Ethernet, IPv4, UDP and 18 octets of payload (the sequence number first), untagged. */
    private static final int UDP_FRAME = 14 + 20 + 8 + 18;
    private static final int CAPACITY = 1 << 17;

    private NetnsLab lab;
    private NetnsThread inA;
    private NetnsThread inB;
    private TeamDataPath team;
    private final List<PacketSocket> sockets = new ArrayList<>();
    private final ByteBuffer out = ByteBuffer.allocateDirect(CAPACITY);
    private final ByteBuffer in = ByteBuffer.allocateDirect(CAPACITY);

    @BeforeEach
    void team() throws Exception {
        lab = new NetnsLab(MEMBERS);
        for (String ns : List.of(lab.nsA, lab.nsB)) {
            NetnsLab.sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            for (int i = 1; i <= MEMBERS; i++) {
                NetnsLab.sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.eth" + i + ".disable_ipv6=1");
            }
        }
        inA = new NetnsThread(lab.nsA);
        inB = new NetnsThread(lab.nsB);
        team = inA.call(() -> {
            TeamDataPath t = TeamDataPath.open("team0", MAC_A, 1500,
                    new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS), CpuAffinity.ANY);
            for (int slot = 0; slot < MEMBERS; slot++) {
                t.addMember(slot, "eth" + (slot + 1));
            }
            t.addVlan(100, "team0.100");
            return t;
        });
        byte[] buckets = new byte[MemberMap.BUCKETS];
        List<Member> members = new ArrayList<>();
        for (int slot = 0; slot < MEMBERS; slot++) {
            members.add(new Member(slot, "eth" + (slot + 1), MAC_A, true, true));
        }
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = (byte) (i % MEMBERS);
        }
        team.publish(new MemberMap(1, members, buckets));
        awaitQdiscs();
    }

    /**
     * Until a veth has carrier its qdisc is noop, which drops what is sent and reports success: wait until every
     * end has its own.
     */
    private void awaitQdiscs() throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (String ns : List.of(lab.nsA, lab.nsB)) {
            for (int i = 1; i <= MEMBERS; i++) {
                while (NetnsLab.run("ip", "-n", ns, "link", "show", "eth" + i).contains("qdisc noop")) {
                    assertTrue(System.nanoTime() - deadline < 0, "eth" + i + " came up");
                    Thread.sleep(20);
                }
            }
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (PacketSocket socket : sockets) {
            socket.close();
        }
        String inode = lab == null ? null
                : NetnsLab.runChecked("stat", "-L", "-c", "%i", "/run/netns/" + lab.nsA).strip();
        if (team != null) {
            team.close();
        }
        for (int i = 1; inode != null && i <= MEMBERS; i++) {
            Files.deleteIfExists(Path.of("/run/lacpd/members", "eth" + i + "." + inode + ".lock"));
        }
        if (inA != null) {
            inA.close();
        }
        if (inB != null) {
            inB.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Nine flows (three per member: untagged, VLAN 100, VLAN 200) sent interleaved as fast as B can, and on eth1 in
     * their midst a super-frame longer than a batch slot: every small frame reaches its interface in order, the
     * long one is counted malformed on eth1, and the counters add up frame by frame.
     */
    @Test
    void aBurstOfSmallTaggedFramesOnEveryMemberArrivesWholeAndInOrder() throws Exception {
        PacketSocket[] senders = new PacketSocket[MEMBERS];
        for (int m = 0; m < MEMBERS; m++) {
            senders[m] = open(inB, "eth" + (m + 1));
        }
        // the long frame (IPv6: its limit is gso_max_size) leaves B's eth1 whole once it takes more than 64 KB
        NetnsLab.sh("ip", "-n", lab.nsB, "link", "set", "eth1", "gso_max_size", "131072");
        PacketSocket toTeam = open(inA, "team0");
        PacketSocket toVlan = open(inA, "team0.100");
        DataPathCounters before = team.counters();

        int perFlow = 400;
        int half = perFlow / 2;
        Pointer from = Native.getDirectBufferPointer(out);
        for (int seq = 0; seq < perFlow; seq++) {
            if (seq == half) {
                int n = superFrame(out, PacketBatch.SUPER_FRAME + 1000);
                assertEquals(n, senders[0].send(from, n), "B sent the long frame");
            }
            for (int m = 0; m < MEMBERS; m++) {
                for (int kind = 0; kind < VIDS.length; kind++) {
                    int n = smallFrame(out, flow(m, kind), seq, VIDS[kind]);
                    assertEquals(n, senders[m].send(from, n));
                }
            }
        }

        int[] next = new int[MEMBERS * VIDS.length];
        long deadline = System.nanoTime() + 5_000_000_000L;
        int expected = MEMBERS * VIDS.length * perFlow;
        int seen = 0;
        while (seen < expected && System.nanoTime() - deadline < 0) {
            int got = drain(toTeam, next, false) + drain(toVlan, next, true);
            seen += got;
            if (got == 0) {
                Thread.sleep(1);
            }
        }
        for (int f = 0; f < next.length; f++) {
            assertEquals(perFlow, next[f], "flow " + f + " (member " + f / VIDS.length + ", VLAN "
                    + VIDS[f % VIDS.length] + ") arrived whole");
        }

        DataPathCounters after = team.counters();
        for (int m = 0; m < MEMBERS; m++) {
            DataPathCounters.Member was = before.member(m);
            DataPathCounters.Member now = after.member(m);
            assertEquals(3L * perFlow, now.rxPackets() - was.rxPackets(), "eth" + (m + 1) + " frames: " + now);
            // untagged and VLAN 100 frames as received, VLAN 200's with their tag put back
            assertEquals((long) perFlow * (FRAME + FRAME + FRAME + 4), now.rxBytes() - was.rxBytes(), "octets");
            assertEquals(m == 0 ? 1 : 0, now.malformed() - was.malformed(), "eth" + (m + 1) + " malformed");
        }
        assertEquals(0, after.dropQueueFull() + after.dropSendError() + after.dropNotCollecting(), after.toString());
        VlanCounters vlan = team.vlans().get(0);
        assertEquals(100, vlan.vid());
        assertEquals((long) MEMBERS * perFlow, vlan.rxPackets(), vlan.toString());
    }

    /**
     * Bursts written to the team interface and to team0.100 by the host side (a packet socket on each), many UDP
     * flows: each flow leaves on one member, in order, tagged as its interface says, and the team counts every frame.
     */
    @Test
    void burstsFromTheHostLeaveEachFlowInOrderOnOneMember() throws Exception {
        PacketSocket[] receivers = new PacketSocket[MEMBERS];
        for (int m = 0; m < MEMBERS; m++) {
            receivers[m] = open(inB, "eth" + (m + 1));
        }
        PacketSocket onTeam = open(inA, "team0");
        PacketSocket onVlan = open(inA, "team0.100");
        DataPathCounters before = team.counters();
        int flows = 24;
        int rounds = 20;
        int burst = 10; // per flow and round: 240 frames a burst, below the TAPs' queue of 500
        Pointer from = Native.getDirectBufferPointer(out);
        int[] next = new int[flows];
        int[] memberOf = new int[flows];
        java.util.Arrays.fill(memberOf, -1);
        int sent = 0;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < burst; k++) {
                for (int f = 0; f < flows; f++) {
                    int n = udpFrame(out, f, round * burst + k);
                    assertEquals(n, (f % 2 == 0 ? onTeam : onVlan).send(from, n));
                    sent++;
                }
            }
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (team.counters().txPackets() - before.txPackets() < sent && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            for (int m = 0; m < MEMBERS; m++) {
                drainFlows(receivers[m], m, next, memberOf);
            }
        }
        Thread.sleep(50);
        for (int m = 0; m < MEMBERS; m++) {
            drainFlows(receivers[m], m, next, memberOf);
        }
        int used = 0;
        for (int f = 0; f < flows; f++) {
            assertEquals(rounds * burst, next[f], "flow " + f + " arrived whole");
            used |= 1 << memberOf[f];
        }
        assertEquals((1 << MEMBERS) - 1, used, "the flows use every member");
        DataPathCounters after = team.counters();
        assertEquals(sent, after.txPackets() - before.txPackets(), after.toString());
        // every frame leaves tagged: VLAN 200's as the host tagged them, team0.100's with the tag the team pushed
        assertEquals((long) sent * (UDP_FRAME + 4), after.txBytes() - before.txBytes());
        assertEquals(0, after.dropQueueFull() + after.dropSendError() + after.malformed() + after.dropNoMember());
        assertEquals((long) flows / 2 * rounds * burst, team.vlans().get(0).txPackets());
    }

    private PacketSocket open(NetnsThread ns, String name) throws Exception {
        PacketSocket socket = ns.call(() -> PacketSocket.open(name));
        sockets.add(socket);
        return socket;
    }

    private static int flow(int member, int kind) {
        return member * VIDS.length + kind;
    }

    /**
     * Takes what waits on an observer of team0 (or team0.100) in A: each frame of ours is the next of its flow.
     *
     * @return the frames of ours taken
     */
    private int drain(PacketSocket socket, int[] next, boolean vlan100) {
        Pointer at = Native.getDirectBufferPointer(in);
        int taken = 0;
        long n;
        while ((n = socket.receive(at, CAPACITY)) != -Libc.EAGAIN) {
            int e = VnetHeader.LENGTH;
            if (n < e + FRAME || (in.getShort(e + 12) & 0xffff) != ETHERTYPE) {
                continue; // not one of ours
            }
            int flow = in.getInt(e + 14);
            int seq = in.getInt(e + 18);
            int vid = VIDS[flow % VIDS.length];
            assertEquals(vid == 100, vlan100, "flow " + flow + " on its interface");
            // the kernel takes the tag put back off again before a packet socket sees it on team0
            assertEquals(vid == 200 ? 200 : PacketSocket.NO_VLAN, socket.vlanTci(), "flow " + flow + "'s tag");
            assertEquals(next[flow], seq, "flow " + flow + " in order");
            next[flow]++;
            taken++;
        }
        return taken;
    }

    /** Takes what B's eth{m+1} received of the UDP flows: each frame the next of its flow, each flow on one member. */
    private void drainFlows(PacketSocket socket, int member, int[] next, int[] memberOf) {
        Pointer at = Native.getDirectBufferPointer(in);
        long n;
        while ((n = socket.receive(at, CAPACITY)) != -Libc.EAGAIN) {
            int e = VnetHeader.LENGTH;
            if (n < e + 42 || (in.getShort(e + 12) & 0xffff) != 0x0800 || in.get(e + 23) != 17) {
                continue;
            }
            int flow = (in.getShort(e + 34) & 0xffff) - 40000;
            int seq = in.getInt(e + 42);
            assertEquals(flow % 2 == 0 ? 200 : 100, socket.vlanTci(), "flow " + flow + "'s tag");
            assertEquals(next[flow], seq, "flow " + flow + " in order");
            assertTrue(memberOf[flow] < 0 || memberOf[flow] == member, "flow " + flow + " stays on its member");
            memberOf[flow] = member;
            next[flow]++;
        }
    }

    /** A 60-octet frame to the team, flow and sequence number first in its payload, after a zero vnet header. */
    private static int smallFrame(ByteBuffer b, int flow, int seq, int vid) {
        for (int i = 0; i < VnetHeader.LENGTH + FRAME + 4; i++) {
            b.put(i, (byte) 0);
        }
        int e = VnetHeader.LENGTH;
        mac(b, e, MAC_A.bits());
        mac(b, e + 6, 0x02000000_cc00L + flow);
        int at = e + 12;
        if (vid != 0) {
            b.putShort(at, (short) 0x8100).putShort(at + 2, (short) vid);
            at += 4;
        }
        b.putShort(at, (short) ETHERTYPE).putInt(at + 2, flow).putInt(at + 6, seq);
        return VnetHeader.LENGTH + FRAME + (vid != 0 ? 4 : 0);
    }

    /**
     * An IPv6 TCP super-frame (GSO, checksum partial) of {@code length} octets with the vnet header, of no flow of
     * ours; its payload length field cannot say so much, which nothing on its way reads.
     */
    private static int superFrame(ByteBuffer b, int length) {
        for (int i = 0; i < length; i++) {
            b.put(i, (byte) 0);
        }
        b.put(0, (byte) VnetHeader.FLAG_NEEDS_CSUM).put(1, (byte) VnetHeader.GSO_TCPV6);
        b.putShort(2, Short.reverseBytes((short) 74)).putShort(4, Short.reverseBytes((short) 1428));
        b.putShort(6, Short.reverseBytes((short) 54)).putShort(8, Short.reverseBytes((short) 16));
        int e = VnetHeader.LENGTH;
        mac(b, e, MAC_A.bits());
        mac(b, e + 6, 0x02000000_cdffL);
        b.putShort(e + 12, (short) 0x86dd);
        int ip = e + 14;
        b.putInt(ip, 0x60000000).putShort(ip + 4, (short) 0xffff).put(ip + 6, (byte) 6).put(ip + 7, (byte) 64);
        b.putLong(ip + 8, 0xfd00_0000_0000_0000L).putLong(ip + 16, 1).putLong(ip + 24, 0xfd00_0000_0000_0000L);
        b.putLong(ip + 32, 2);
        int tcp = ip + 40;
        b.putShort(tcp, (short) 40000).putShort(tcp + 2, (short) 9);
        b.put(tcp + 12, (byte) 0x50).put(tcp + 13, (byte) 0x10);
        return length;
    }

    /**
     * A 60-octet UDP frame of flow {@code flow} (source port 40000 + flow) with its sequence number; flows of even
     * number carry an 802.1Q tag of VLAN 200 written by the host, the others go out untagged (team0.100 tags them).
     */
    private static int udpFrame(ByteBuffer b, int flow, int seq) {
        int e = VnetHeader.LENGTH;
        for (int i = 0; i < e + UDP_FRAME + 4; i++) {
            b.put(i, (byte) 0);
        }
        mac(b, e, 0x02000000_bb01L);
        mac(b, e + 6, MAC_A.bits());
        int at = e + 12;
        if (flow % 2 == 0) {
            b.putShort(at, (short) 0x8100).putShort(at + 2, (short) 200);
            at += 4;
        }
        b.putShort(at, (short) 0x0800);
        int ip = at + 2;
        b.put(ip, (byte) 0x45).putShort(ip + 2, (short) (20 + 8 + 18)).put(ip + 8, (byte) 64).put(ip + 9, (byte) 17);
        b.putInt(ip + 12, 0x0a460001).putInt(ip + 16, 0x0a460002);
        int udp = ip + 20;
        b.putShort(udp, (short) (40000 + flow)).putShort(udp + 2, (short) 9).putShort(udp + 4, (short) (8 + 18));
        b.putInt(udp + 8, seq);
        return e + UDP_FRAME + (flow % 2 == 0 ? 4 : 0);
    }

    private static void mac(ByteBuffer b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }
}
