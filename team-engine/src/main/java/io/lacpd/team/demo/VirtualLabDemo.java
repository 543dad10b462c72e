package io.lacpd.team.demo;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;
import io.lacpd.team.Team;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.mode.TeamingMode;
import io.lacpd.team.status.EventText;
import io.lacpd.team.status.FailureText;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Two LACP systems joined by two links, run in virtual time, with A's team at work: they negotiate, A's team
 * publishes member maps from A's events, and the flows of an 8-stream TCP transfer (as iperf3 -P 8 makes) and a
 * ping go through the team's {@link Distributor} against the map in force. One link is pulled, which moves only
 * the flows it carried, and plugged back. Prints every event as it happens, the state of both ends and where
 * each flow leaves at each stage. Deterministic: the same run prints the same text.
 */
public final class VirtualLabDemo {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final List<String> MEMBERS = List.of("p1", "p2");
    private static final int STREAMS = 8;
    private static final int IPERF_PORT = 5201;
    private static final int FIRST_SOURCE_PORT = 40_000;
    private static final int ADDRESS_A = 0xc000_0201; // 192.0.2.1
    private static final int ADDRESS_B = 0xc000_0202; // 192.0.2.2
    private static final long MAC_A = 0x02_00_00_0a_00_01L;
    private static final long MAC_B = 0x02_00_00_0b_00_01L;
    private static final int PROTO_ICMP = 1;

    private final PrintStream out;
    private final VirtualNetwork net = new VirtualNetwork(1);
    private final Distributor distributor = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
    private final ByteBuffer frame = ByteBuffer.allocate(64);
    private Team team; // made once the header is out, as it prints its first map at once
    private long mapChangedAt;

    private VirtualLabDemo(PrintStream out) {
        this.out = out;
    }

    /** Runs the demo to standard output; {@code ./lacpd demo} starts it when not root. Takes no arguments. */
    public static void main(String[] args) {
        run(System.out);
    }

    /** Runs the whole demo, printing to {@code out}. */
    static void run(PrintStream out) {
        new VirtualLabDemo(out).run();
    }

    private void run() {
        out.println("Two systems, A and B, joined by two links (p1-p1, p2-p2); Active, short timeout; virtual time.");
        out.println("A's team (members p1, p2, load balancing transport-ports) carries what LACP lets it.");
        team = new Team(TeamingMode.LACP, Team.activeMembers(MEMBERS), this::published, net.now());
        addSystem("A", "02:00:00:00:00:0a");
        addSystem("B", "02:00:00:00:00:0b");
        net.connect("A", "p1", "B", "p1");
        Wire second = net.connect("A", "p2", "B", "p2");
        links(true, true);
        net.runFor(3 * SECOND);
        status("after 3 s");
        out.println();
        out.printf("%d TCP flows as iperf3 -P %d makes (192.0.2.1:%d-%d -> 192.0.2.2:%d) and a ping, from A:%n",
                STREAMS, STREAMS, FIRST_SOURCE_PORT, FIRST_SOURCE_PORT + STREAMS - 1, IPERF_PORT);
        int[] before = flows(null);

        out.println();
        out.println("Pulling the p2 cable at t=10 s.");
        net.runUntil(10 * SECOND);
        long pulledAt = net.now();
        second.setUp(false);
        links(true, false);
        net.runFor(SECOND);
        status("after the pull");
        out.printf("A's team changed its map %s after the pull (carrier loss: no LACPDU has to time out)."
                + " The same flows now:%n", millis(mapChangedAt - pulledAt));
        int[] during = flows(before);

        out.println();
        out.println("Plugging p2 back in at t=20 s.");
        net.runUntil(20 * SECOND);
        long pluggedAt = net.now();
        second.setUp(true);
        links(true, true);
        net.runFor(3 * SECOND);
        status("after the plug");
        out.printf("A's team changed its map %s after the plug. The same flows now:%n",
                millis(mapChangedAt - pluggedAt));
        flows(during);
    }

    private void addSystem(String name, String mac) {
        net.addSystem(name, SystemConfig.of(MacAddress.parse(mac)), e -> onEvent(name, e));
        for (int i = 0; i < MEMBERS.size(); i++) {
            net.addPort(name, PortConfig.of(MEMBERS.get(i), i + 1));
        }
    }

    private void onEvent(String system, LacpEvent e) {
        out.printf("  t=%7.3f s  %s: %s%n", net.now() / (double) SECOND, system, EventText.describe(e));
        if (system.equals("A")) {
            team.onLacpEvent(e, net.now());
        }
    }

    /** What a link monitor tells A's team of its members' carrier (the demo shows no MACs, so none is given). */
    private void links(boolean p1, boolean p2) {
        team.onLink("p1", p1, MacAddress.ZERO, net.now());
        team.onLink("p2", p2, MacAddress.ZERO, net.now());
    }

    private void published(MemberMap map) {
        mapChangedAt = net.now();
        List<String> members = new ArrayList<>();
        for (int slot = 0; slot < MEMBERS.size(); slot++) {
            String name = MEMBERS.get(slot);
            String buckets = " " + map.bucketsOf(slot) + " buckets";
            members.add(name + (map.mayTransmit(slot)
                    ? (map.mayReceive(slot) ? " rx+tx" : " tx only") + buckets
                    : map.mayReceive(slot) ? " rx only" : " idle"));
        }
        out.printf("  t=%7.3f s  A's team: member map v%d: %s%n", net.now() / (double) SECOND, map.version(),
                String.join(", ", members));
    }

    private void status(String when) {
        out.println("State " + when + ":");
        for (String name : new String[] {"A", "B"}) {
            SystemSnapshot s = net.system(name).snapshot();
            for (PortSnapshot p : s.ports()) {
                out.printf("  %s %s: link %-4s receive %-13s mux %-23s actor %s partner %s %s%n", name, p.name(),
                        p.link().up() ? "up" : "down", p.receiveState().name(), p.muxState().name(), p.actor().state(),
                        p.partner().state(), p.failureReason() == null ? "" : "(" + FailureText.describe(p) + ")");
            }
        }
        out.printf("A's team: %s%n", team.state().health().name().toLowerCase(Locale.ROOT));
    }

    /**
     * Prints the member each flow leaves A on under the map in force and, given the members of the last look,
     * whether it moved; returns the slot of each flow (the ping last).
     */
    private int[] flows(int[] before) {
        MemberMap map = team.current();
        int[] slots = new int[STREAMS + 1];
        int[] perSlot = new int[MEMBERS.size()];
        for (int i = 0; i <= STREAMS; i++) {
            String flow;
            if (i < STREAMS) {
                tcpFrame(FIRST_SOURCE_PORT + i, IPERF_PORT);
                flow = String.format("tcp  192.0.2.1:%d -> 192.0.2.2:%d", FIRST_SOURCE_PORT + i, IPERF_PORT);
            } else {
                pingFrame();
                flow = "ping 192.0.2.1 -> 192.0.2.2";
            }
            slots[i] = distributor.transmitSlot(map, frame, 0, frame.limit());
            String member = memberName(slots[i]);
            String change = "";
            if (before != null) {
                boolean same = before[i] == slots[i];
                change = same ? "  (stays)" : "  (moved from " + memberName(before[i]) + ")";
            }
            if (slots[i] != MemberMap.NONE && i < STREAMS) {
                perSlot[slots[i]]++;
            }
            out.printf("  %-37s  bucket %3d  on %s%s%n", flow, distributor.lastHash() & (MemberMap.BUCKETS - 1),
                    member, change);
        }
        List<String> spread = new ArrayList<>();
        for (int slot = 0; slot < MEMBERS.size(); slot++) {
            spread.add(MEMBERS.get(slot) + " " + perSlot[slot]);
        }
        out.printf("  TCP flows per member: %s%n", String.join(", ", spread));
        if (before != null) {
            out.println("  " + moves(before, slots));
        }
        return slots;
    }

    /**
     * How many flows moved, from which member to which: "moved: 4 of 9 flows (p2 to p1: 4); the other 5 stayed".
     */
    private static String moves(int[] before, int[] after) {
        int n = MEMBERS.size();
        int[][] counts = new int[n][n];
        int moved = 0;
        for (int i = 0; i < after.length; i++) {
            if (before[i] != after[i] && before[i] != MemberMap.NONE && after[i] != MemberMap.NONE) {
                counts[before[i]][after[i]]++;
                moved++;
            }
        }
        List<String> pairs = new ArrayList<>();
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (counts[from][to] > 0) {
                    pairs.add(MEMBERS.get(from) + " to " + MEMBERS.get(to) + ": " + counts[from][to]);
                }
            }
        }
        String which = pairs.isEmpty() ? "" : " (" + String.join(", ", pairs) + ")";
        return "moved: " + moved + " of " + after.length + " flows" + which + "; the other " + (after.length - moved)
                + " stayed";
    }

    /** An Ethernet/IPv4/TCP frame (20-octet headers, no payload) from A's team to B's, in {@link #frame}. */
    private void tcpFrame(int srcPort, int dstPort) {
        ipv4Header(FrameView.PROTO_TCP, 40);
        frame.putShort((short) srcPort).putShort((short) dstPort).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x10).putShort((short) 0xffff).putShort((short) 0).putShort((short) 0);
        frame.flip();
    }

    /** An Ethernet/IPv4 ICMP echo request from A's team to B's, in {@link #frame}. */
    private void pingFrame() {
        ipv4Header(PROTO_ICMP, 28);
        frame.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1);
        frame.flip();
    }

    private void ipv4Header(int protocol, int totalLength) {
        frame.clear();
        frame.putShort((short) (MAC_B >>> 32)).putInt((int) MAC_B).putShort((short) (MAC_A >>> 32)).putInt((int) MAC_A)
                .putShort((short) FrameView.ETHERTYPE_IPV4);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) totalLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(ADDRESS_A).putInt(ADDRESS_B);
    }

    private static String memberName(int slot) {
        return slot == MemberMap.NONE ? "none" : MEMBERS.get(slot);
    }

    private static String millis(long nanos) {
        return String.format("%.3f ms", nanos / 1e6);
    }
}
