package io.lacpd.team.datapath;

/**
 * One VLAN interface of a team data path and what it moved, since it was created.
 *
 * @param vid       the VLAN ID it carries
 * @param name      its name, {@code TEAM.VID}
 * @param txPackets frames the host sent on it, tagged and handed to the members (a drop on the way is counted by
 *                  the team and the member, as for the untagged interface)
 * @param txBytes   their Ethernet octets, untagged, as the host sent them
 * @param rxPackets frames received with its tag and written to it untagged
 * @param rxBytes   their Ethernet octets, untagged
 */
public record VlanCounters(int vid, String name, long txPackets, long txBytes, long rxPackets, long rxBytes) {
}
