package io.lacpd.team.status;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.DataPlane;
import io.lacpd.team.datapath.VlanCounters;

import java.util.List;

/**
 * The team's data plane at one moment, for the status: whether lacpd carries the host's traffic, through which
 * team interface, and what it moved.
 *
 * @param plane         {@code tap}, or {@code none} for a pure LACP speaker
 * @param loadBalancing how outbound frames are spread
 * @param teamInterface the team interface, or null without a data plane
 * @param counters      the data path's counters, or null without a data plane
 * @param vlans         the VLAN team interfaces by VLAN ID, each with the team interface's MAC, MTU and carrier
 */
public record DataPlaneStatus(DataPlane plane, LoadBalancingAlgorithm loadBalancing, TeamInterface teamInterface,
                              DataPathCounters counters, List<VlanCounters> vlans) {

    /** A data plane without VLAN interfaces. */
    public DataPlaneStatus(DataPlane plane, LoadBalancingAlgorithm loadBalancing, TeamInterface teamInterface,
                           DataPathCounters counters) {
        this(plane, loadBalancing, teamInterface, counters, List.of());
    }

    /**
     * The team interface the host uses.
     *
     * @param name    its name
     * @param mac     its MAC
     * @param carrier whether it shows carrier: some member may transmit
     * @param mtu     its MTU
     * @param queueDropped frames the host handed the team interface that its queue dropped before the data path
     *                     read them (the kernel's tx_dropped of the TAP): a burst the transmit thread did not keep
     *                     up with
     */
    public record TeamInterface(String name, MacAddress mac, boolean carrier, int mtu, long queueDropped) {
    }

    /** A team without a data plane: it negotiates, and host traffic is not teamed. */
    public static DataPlaneStatus none(LoadBalancingAlgorithm loadBalancing) {
        return new DataPlaneStatus(DataPlane.NONE, loadBalancing, null, null);
    }

    /** The counters of the member in this slot, or null when the data path has no socket for it. */
    public DataPathCounters.Member member(int slot) {
        return counters == null ? null : counters.member(slot);
    }
}
