package io.lacpd.team.datapath;

import java.util.List;

/**
 * A team data path's counters at one moment, since it opened. Team figures are the sums over its members plus
 * what no member saw (frames from the host with no member to leave on, malformed frames from the host).
 *
 * @param txPackets         frames sent on members
 * @param txBytes           their Ethernet octets (a super-frame counts once, whole)
 * @param rxPackets         frames written to the team interface
 * @param rxBytes           their Ethernet octets
 * @param dropNotCollecting received on a member that may not receive
 * @param dropNoMember      from the host while no member could take it
 * @param dropQueueFull     a member's queue (transmit) or the team interface's (receive) was full
 * @param dropSendError     the kernel refused the send or the write for another reason
 * @param malformed         too short, truncated, or a virtio_net_hdr pointing outside the frame
 * @param dropNotPrimary    switch-independent: a broadcast or multicast received on a member other than the primary
 * @param dropOwnSource     switch-independent: received with the team MAC or a member's MAC as its source (our own
 *                          frame come back, a loop, or another host using our MAC)
 * @param members           per member present, in slot order
 * @param macConflict       received with our team MAC or a member's MAC as source ({@link OwnSource}): another
 *                          host uses our MAC, or a loop; counted, not dropped
 */
public record DataPathCounters(long txPackets, long txBytes, long rxPackets, long rxBytes, long dropNotCollecting,
                               long dropNoMember, long dropQueueFull, long dropSendError, long malformed,
                               long dropNotPrimary, long dropOwnSource, List<Member> members, long macConflict) {

    /** Counters of a team that has dropped nothing by the switch-independent rules and seen no MAC conflict. */
    public DataPathCounters(long txPackets, long txBytes, long rxPackets, long rxBytes, long dropNotCollecting,
                            long dropNoMember, long dropQueueFull, long dropSendError, long malformed,
                            List<Member> members) {
        this(txPackets, txBytes, rxPackets, rxBytes, dropNotCollecting, dropNoMember, dropQueueFull, dropSendError,
                malformed, 0, 0, members, 0);
    }

    /** Counters with these switch-independent drops and no MAC conflict. */
    public DataPathCounters(long txPackets, long txBytes, long rxPackets, long rxBytes, long dropNotCollecting,
                            long dropNoMember, long dropQueueFull, long dropSendError, long malformed,
                            long dropNotPrimary, long dropOwnSource, List<Member> members) {
        this(txPackets, txBytes, rxPackets, rxBytes, dropNotCollecting, dropNoMember, dropQueueFull, dropSendError,
                malformed, dropNotPrimary, dropOwnSource, members, 0);
    }

    /**
     * One member's counters, since its slot was first used; the drops and {@code macConflict} as the team's, on
     * this member.
     */
    public record Member(int slot, String name, long txPackets, long txBytes, long rxPackets, long rxBytes,
                         long dropNotCollecting, long dropQueueFull, long dropSendError, long malformed,
                         long dropNotPrimary, long dropOwnSource, long macConflict) {

        /** A member's counters with nothing dropped by the switch-independent rules and no MAC conflict. */
        public Member(int slot, String name, long txPackets, long txBytes, long rxPackets, long rxBytes,
                      long dropNotCollecting, long dropQueueFull, long dropSendError, long malformed) {
            this(slot, name, txPackets, txBytes, rxPackets, rxBytes, dropNotCollecting, dropQueueFull, dropSendError,
                    malformed, 0, 0, 0);
        }
    }

    /** The member in this slot, or null. */
    public Member member(int slot) {
        for (Member m : members) {
            if (m.slot() == slot) {
                return m;
            }
        }
        return null;
    }
}
