package io.lacpd.team.datapath;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.MemberMap;

import java.nio.ByteBuffer;

/**
 * The switch-independent MAC rules of Windows NIC Teaming, per frame, so the switch never sees one MAC on two
 * ports and the host never sees a frame twice. They apply while the member map names a primary
 * ({@link MemberMap#primary}); in the other modes the map has none and frames pass untouched.
 *
 * <ul>
 *   <li>Transmit, with address hashing ({@code transport-ports}, {@code ip-addresses}, {@code mac-addresses}): ARP,
 *       ICMP and ICMPv6 (neighbour discovery with it) leave on the primary, so the team's address resolves to the
 *       team MAC on the primary's port; a frame leaving on any other member carries that member's own MAC as its
 *       source, rewritten in place. {@code hyperv-port} and {@code dynamic} send each source MAC from one member and
 *       rewrite nothing.</li>
 *   <li>Receive, whatever the algorithm: a frame whose source is the team MAC or a member's MAC is our own come
 *       back (a loop, a switch flooding it, or another host using our MAC) and is dropped; broadcasts and
 *       multicasts are taken on the primary alone (the switch floods them to every member).</li>
 * </ul>
 *
 * <p>Pure and allocation-free: it reads the {@link FrameView} the {@link Distributor} has just parsed, and the
 * buffer with absolute gets and puts only.
 */
public final class SwitchIndependentRules {

    /** {@link #receive}: the frame goes to the host. */
    public static final int ACCEPT = 0;
    /** {@link #receive}: a broadcast or multicast on a member other than the primary. */
    public static final int NOT_PRIMARY = 1;
    /** {@link #receive}: its source is the team MAC or a member's own MAC. */
    public static final int OWN_SOURCE = 2;

    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_ICMPV6 = 58;
    private static final int ETH_HEADER = 14;
    private static final int SOURCE_MAC = 6;

    private final boolean addressHashing;
    private final long teamMac;

    /**
     * @param algorithm the team's load balancing: only address hashing moves frames to the primary and rewrites
     *                  source MACs
     * @param teamMac   the team interface's MAC
     */
    public SwitchIndependentRules(LoadBalancingAlgorithm algorithm, MacAddress teamMac) {
        this.addressHashing = algorithm == LoadBalancingAlgorithm.TRANSPORT_PORTS
                || algorithm == LoadBalancingAlgorithm.IP_ADDRESSES || algorithm == LoadBalancingAlgorithm.MAC_ADDRESSES;
        this.teamMac = teamMac.bits();
    }

    /**
     * The slot a frame leaves on, its source MAC rewritten in place when that is not the primary.
     *
     * @param map     the member map the distributor chose in
     * @param parsed  the frame as the distributor parsed it ({@link Distributor#frame})
     * @param slot    the distributor's choice, or {@link MemberMap#NONE}
     * @param b       holds the frame from {@code frameAt}
     * @return the slot to send on: the distributor's, or the primary
     */
    public int transmit(MemberMap map, FrameView parsed, int slot, ByteBuffer b, int frameAt) {
        int primary = map.primary();
        if (slot == MemberMap.NONE || primary == MemberMap.NONE || !addressHashing) {
            return slot;
        }
        if (toPrimary(parsed)) {
            return primary;
        }
        long mac = map.member(slot).mac().bits();
        if (slot != primary && mac != 0) { // 0: its MAC not known yet
            for (int i = 0; i < 6; i++) {
                b.put(frameAt + SOURCE_MAC + i, (byte) (mac >>> (40 - 8 * i)));
            }
        }
        return slot;
    }

    /** ARP, ICMP, ICMPv6 (neighbour solicitations and advertisements among it). */
    private static boolean toPrimary(FrameView f) {
        if (f.layer() == FrameView.Layer.NONE) {
            return false;
        }
        if (f.etherType() == ETHERTYPE_ARP) {
            return true;
        }
        return f.ipVersion() == 4 && f.protocol() == PROTO_ICMP || f.ipVersion() == 6 && f.protocol() == PROTO_ICMPV6;
    }

    /**
     * Whether a frame received on {@code slot} goes to the host.
     *
     * @param b holds the Ethernet frame from {@code frameAt}, {@code length} octets (at least a header)
     * @return {@link #ACCEPT}, {@link #NOT_PRIMARY} or {@link #OWN_SOURCE}
     */
    public int receive(MemberMap map, int slot, ByteBuffer b, int frameAt, int length) {
        int primary = map.primary();
        if (primary == MemberMap.NONE || length < ETH_HEADER) {
            return ACCEPT;
        }
        long src = mac(b, frameAt + SOURCE_MAC);
        if (src == teamMac || map.isMemberMac(src)) {
            return OWN_SOURCE;
        }
        if ((b.get(frameAt) & 1) != 0 && slot != primary) {
            return NOT_PRIMARY;
        }
        return ACCEPT;
    }

    private static long mac(ByteBuffer b, int at) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | b.get(at + i) & 0xff;
        }
        return mac;
    }
}
