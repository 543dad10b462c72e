package io.lacpd.team.datapath;

/**
 * How many octets a member's send queue still holds: what the flowlet table asks before it moves a flow, so that
 * the flow's last frames have left the old member first. The data path answers from the kernel (SIOCOUTQ on the
 * member's packet socket: the buffers its sends still occupy, in the kernel's accounting, which is never below
 * the frames' length).
 */
@FunctionalInterface
public interface QueueDepth {

    /** The octets still queued on this slot; 0 when drained or unknown. */
    long queuedBytes(int slot);
}
